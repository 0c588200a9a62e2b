/**
 * Backpressure from proving capacity (docs/LANE.md). L1 verifies batches strictly in order, so a
 * liquidation applied now is final only after every batch before it is proven. The normal lane
 * therefore admits work only while the unproven backlog is small enough for the provers to clear
 * within the liquidation target; past that it sheds with OVERLOADED and a Retry-After. The
 * liquidation lane is never asked.
 *
 * Pure arithmetic over injected observations: no clock, no I/O, so the rule is unit-testable and the
 * same inputs give the same answer.
 */
import { BaseError } from "../../core/errors.ts";

export interface AdmissionSettings {
  /**
   * Liquidation trigger → L1-verified target, ms; 0 = twice the idle value, from the live estimates
   * (`sealWaitMs + msPerBatch + l1Ms`). The bound the rule keeps (docs/LANE.md).
   */
  targetMs: number;
  /** The longest a non-empty batch stays open before the timer seals it, ms. */
  sealWaitMs: number;
  /** Proof time of one batch on one prover, used until a proof is measured, ms. */
  initialProofMs: number;
  /** Proven → L1-verified, used until one is measured, ms. */
  initialL1Ms: number;
  /** Normal-lane transactions a batch holds, used until a full batch is measured. */
  initialTxPerBatch: number;
  /** Weight of a new sample in the moving averages, (0, 1]. Default 0.2. */
  alpha?: number;
}

/** What the sequencer holds that is not yet proven. */
export interface BacklogView {
  /** Highest sealed batch number. */
  sealed: bigint;
  /** Highest batch number proven with every batch before it (the L1 submitter's frontier). */
  proven: bigint;
  /** Transactions in the open (unsealed) batch. */
  openTxs: number;
  /** Normal-lane requests queued but not yet applied. */
  queuedNormal: number;
}

export class ProverOverloadedError extends BaseError {
  override name = "ProverOverloadedError";
  /** Seconds a client should wait before retrying (the HTTP Retry-After). */
  readonly retryAfterS: number;
  constructor(details: { backlog: number; maxBacklog: number; msPerBatch: number; retryAfterMs: number }) {
    super(
      "OVERLOADED",
      `the provers are ${details.backlog} batches behind (at most ${details.maxBacklog} keep liquidations within target); retry later`,
      { details: { reason: "PROVING_BACKLOG", ...details } },
    );
    this.retryAfterS = Math.max(1, Math.ceil(details.retryAfterMs / 1000));
  }
}

const ewma = (old: number, sample: number, a: number) => old + a * (sample - old);

/** Moving estimates of how fast batches are proven and verified, fed by the pipeline's events. */
export class ProvingCapacity {
  #proofMs: number;
  #l1Ms: number;
  #txPerBatch: number;
  #provers = 1;
  readonly #a: number;

  constructor(s: Pick<AdmissionSettings, "initialProofMs" | "initialL1Ms" | "initialTxPerBatch" | "alpha">) {
    this.#proofMs = s.initialProofMs;
    this.#l1Ms = s.initialL1Ms;
    this.#txPerBatch = s.initialTxPerBatch;
    this.#a = s.alpha ?? 0.2;
  }

  /** One batch's proving time on one prover (proof job started → proven). */
  observeProof(ms: number): void {
    if (ms > 0 && Number.isFinite(ms)) this.#proofMs = ewma(this.#proofMs, ms, this.#a);
  }
  /** One batch's proven → L1-verified time. */
  observeL1(ms: number): void {
    if (ms >= 0 && Number.isFinite(ms)) this.#l1Ms = ewma(this.#l1Ms, ms, this.#a);
  }
  /** Transactions in a batch that sealed full (timer seals of a quiet minute say nothing of capacity). */
  observeFullBatch(txs: number): void {
    if (txs > 0) this.#txPerBatch = ewma(this.#txPerBatch, txs, this.#a);
  }
  /** Provers connected to the queue now; proofs run in parallel, L1 takes them in order. */
  setProvers(n: number): void {
    this.#provers = Math.max(1, Math.floor(n));
  }

  get proofMs(): number {
    return this.#proofMs;
  }
  get l1Ms(): number {
    return this.#l1Ms;
  }
  get provers(): number {
    return this.#provers;
  }
  get txPerBatch(): number {
    return this.#txPerBatch;
  }
  /** Pool throughput as time per batch. */
  get msPerBatch(): number {
    return this.#proofMs / this.#provers;
  }
}

export interface AdmissionState {
  /** Sealed batches not yet proven. */
  sealedUnproven: number;
  /** Transactions applied or queued but not sealed yet. */
  pendingTxs: number;
  /** Batches ahead of a liquidation arriving now, its own excluded, if one more request is admitted. */
  backlog: number;
  maxBacklog: number;
  msPerBatch: number;
  targetMs: number;
  /** The trigger → verified time the current backlog bounds a liquidation to, ms. */
  liquidationBoundMs: number;
  admitting: boolean;
}

/**
 * The rule. A liquidation goes into the open batch, which always has room for it (reserved slots),
 * and is applied ahead of every queued normal request (its lane drains first). So it waits for the
 * batches sealed before it, its own batch's seal timer, its own proof and L1:
 *   `sealWaitMs + (ahead + 1) · msPerBatch + l1Ms`.
 * Admitting one more normal request can put `ahead = sealedUnproven + ceil((pendingTxs + 1) / C)`
 * batches in front of a later liquidation (C = transactions per batch). It is admitted only while
 * that is at most `maxBacklog = floor((targetMs − sealWaitMs − l1Ms) / msPerBatch) − 1`, which keeps
 * the time within `targetMs`. At least one batch is always allowed, so the open batch can fill.
 */
export class Admission {
  constructor(
    private readonly s: AdmissionSettings,
    readonly capacity: ProvingCapacity,
    private readonly view: () => BacklogView,
  ) {}

  targetMs(): number {
    const c = this.capacity;
    return this.s.targetMs > 0 ? this.s.targetMs : 2 * (this.s.sealWaitMs + c.msPerBatch + c.l1Ms);
  }

  maxBacklog(): number {
    const c = this.capacity;
    const room = this.targetMs() - this.s.sealWaitMs - c.l1Ms;
    return Math.max(1, Math.floor(room / c.msPerBatch) - 1);
  }

  state(): AdmissionState {
    const v = this.view();
    const c = this.capacity;
    const sealedUnproven = Math.max(0, Number(v.sealed - v.proven));
    const pendingTxs = v.openTxs + v.queuedNormal;
    const backlog = sealedUnproven + Math.ceil((pendingTxs + 1) / Math.max(1, Math.round(c.txPerBatch)));
    const maxBacklog = this.maxBacklog();
    const current = sealedUnproven + Math.ceil(pendingTxs / Math.max(1, Math.round(c.txPerBatch)));
    return {
      sealedUnproven,
      pendingTxs,
      backlog,
      maxBacklog,
      msPerBatch: c.msPerBatch,
      targetMs: this.targetMs(),
      liquidationBoundMs: Math.ceil(this.s.sealWaitMs + (current + 1) * c.msPerBatch + c.l1Ms),
      admitting: backlog <= maxBacklog,
    };
  }

  /** Throws ProverOverloadedError when normal work must wait; the retry hint is when it would fit. */
  check(): void {
    const st = this.state();
    if (st.admitting) return;
    throw new ProverOverloadedError({
      backlog: st.backlog,
      maxBacklog: st.maxBacklog,
      msPerBatch: Math.round(st.msPerBatch),
      retryAfterMs: Math.ceil((st.backlog - st.maxBacklog) * st.msPerBatch),
    });
  }
}
