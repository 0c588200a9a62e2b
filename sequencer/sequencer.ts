import { EventEmitter } from "node:events";
import type { Level } from "level";
import type { Logger } from "pino";
import type { Batch2Instance } from "../circuits/batch2-instance.ts";
import { BaseError } from "../core/errors.ts";
import type { BatchRecord } from "./batches/batch-record.ts";
import { BatchStore } from "./batches/batch-store.ts";
import { OpenBatch2 } from "./batches/open-batch2.ts";
import { buildBatch2Record } from "./batches/sealer2.ts";
import type { Signature } from "./crypto/eddsa.ts";
import type { Engine } from "./engine/engine.ts";
import type { ApplyLimits, ApplyResult, EngineTx, ForcedOutcome } from "./engine/types.ts";
import { Admission, type AdmissionSettings, type ProvingCapacity } from "./mempool/admission.ts";
import { type LaneName, Lanes, type PendingTx } from "./mempool/lanes.ts";
import type { ForcedRequest } from "./proof/forced.ts";
import { signedMessageOf } from "./proof/signed-message.ts";
import type { ProofChain } from "./proof/witness.ts";
import { Snapshotter } from "./snapshot/snapshotter.ts";
import { type LiquidationTrigger, TxTrace, traceFieldsOf } from "./trace/tx-trace.ts";
import { type SealBefore, type SealReason, type WalEntry, WriteAheadLog } from "./wal.ts";

export class ReplayDivergedError extends BaseError {
  override name = "ReplayDivergedError";
}

export class SequencerStoppedError extends BaseError {
  override name = "SequencerStoppedError";
}

export class SignatureRequiredError extends BaseError {
  override name = "SignatureRequiredError";
}

export class DepositGapError extends BaseError {
  override name = "DepositGapError";
}

/** A priority request arrived before the one the engine serves next (the watcher skipped one). */
export class PriorityGapError extends BaseError {
  override name = "PriorityGapError";
}

/** A write sent to a follower; the API adds the leader's URL. */
export class NotLeaderError extends BaseError {
  override name = "NotLeaderError";
}

export class NotFollowingError extends BaseError {
  override name = "NotFollowingError";
}

export interface SequencerOptions {
  db: Level<string, Buffer>;
  engine: Engine;
  /** The proof's view of the state at genesis; the sequencer moves it batch by batch. */
  chain: ProofChain;
  instance: Batch2Instance;
  /** Account slots per batch that only the liquidation lane may fill. */
  reservedForLiquidations: number;
  /** Identifies engine params and circuit shape: a WAL written under other settings must not replay. */
  fingerprint: string;
  maxBatchWaitMs: number;
  /**
   * A batch holding only oracle prices still moves the global root and costs a full proof; sealing it
   * on the short timer would flood the provers with proofs of nothing but marks.
   */
  maxPriceOnlyWaitMs: number;
  maxNormalQueue: number;
  /**
   * A keeper price for a market the open price-only batch already priced waits for that batch to
   * seal (the newest per market wins), unless it moves the mark by at least this much: then the
   * batch seals at once, so a crash reaches the engine and the liquidation lane without delay.
   * Each price would otherwise cut its own batch, a proof per keeper tick. Default 50 bps.
   */
  urgentPriceMoveBps?: number;
  /**
   * Every this many ms the liquidation lane gets a liquidation tx for each account with negative equity
   * (the zombie sweep, forcing the vault/ADL tiers) and for each open liquidation event (its next on-book
   * chunk, or closing the event of an account that recovered). 0 = off.
   */
  sweepIntervalMs?: number;
  /**
   * Backpressure from proving capacity (docs/LANE.md): the normal lane sheds with OVERLOADED while
   * more unproven work would push a liquidation past its target. Unset: no backpressure.
   */
  backpressure?: {
    settings: AdmissionSettings;
    capacity: ProvingCapacity;
    /** Highest batch proven with every batch before it. */
    provenThrough: () => bigint;
  };
  /**
   * false runs the lane-off baseline the load lab compares against: one FIFO for every request, no
   * reserved slots, no backpressure (and the node gives every proof the same priority). Default true.
   */
  liquidationLane?: boolean;
  /** Where applied txs are traced (received → acked, plus liquidation triggers). Default: a new one. */
  trace?: TxTrace;
  /**
   * How long a sealed batch's tree work (its witness and record: the prover's input, ~10 ms of
   * Poseidon per default batch on a 2-core box, none of it on the ack path) may wait while requests
   * keep arriving (queued, or one in the last TREE_IDLE_MS), ms.
   * Under a burst the event loop then goes to admission first and the tree catches up after; the
   * wait adds at most this to every batch's seal→proving time, liquidation batches included (so it
   * adds to docs/LANE.md's bound). 0 (default): tree work runs as soon as it can.
   */
  treeDeferMs?: number;
  /**
   * The replicated log (docs/REPLICATION.md). When set, a group commit is acknowledged only after it is
   * durable there (a quorum of the log's members) and then in the local WAL, in that order: the local
   * WAL is then always a prefix of the replicated log, and a node that lost leadership mid-append
   * catches up from the log instead of holding entries nobody else has.
   */
  replica?: LogReplica;
  /**
   * Snapshot the state at a batch boundary once this many batches sealed since the last one, and drop
   * the WAL it covers: a restart then replays only the tail (sequencer/snapshot/). Default 100; 0 = off
   * (snapshots already stored still load).
   */
  snapshotEveryBatches?: number;
  clock: () => number;
  log: Logger;
}

/** Where a leader's group commits go before they are acknowledged (besides the local WAL). */
export interface LogReplica {
  /** Resolves once `entries` are durable on the log; rejects (fenced, no quorum) and nothing may be acked. */
  append(entries: readonly WalEntry[]): Promise<void>;
}

/** A sequencer either leads (takes requests) or follows the replicated log (read-only). */
export type SequencerRole = "leader" | "follower";

export interface SequencerEvents {
  sealed: [BatchRecord];
  applied: [{ tx: EngineTx; result: ApplyResult; lane: LaneName; queuedMs: number }];
  rejected: [{ tx: EngineTx; code: string; lane: LaneName }];
  /** The loop stopped for good (a failed log append, a replay divergence): restart the process. */
  fatal: [unknown];
}

const GROUP_COMMIT = 256;
/** See `treeDeferMs`: this long without a new request and the sequencer counts as idle. */
const TREE_IDLE_MS = 20;

/**
 * Single writer of the rollup state. Requests wait in two lanes; the loop applies them to the engine
 * in order, logs each group to the WAL before acknowledging it, seals batches by size or time, and
 * hands sealed batches (in order) to the tree and then to the prover queue.
 */
export class Sequencer extends EventEmitter<SequencerEvents> {
  readonly batches: BatchStore;
  readonly lanes: Lanes;
  /** The normal lane's admission rule, when backpressure is on. */
  readonly admission: Admission | undefined;
  /** Whether the liquidation lane's mechanisms are on (see SequencerOptions.liquidationLane). */
  readonly laneOn: boolean;
  /** Every applied tx's own stages since this process started (observability; see TxTrace). */
  readonly trace: TxTrace;
  readonly #reserved: number;
  readonly #wal: WriteAheadLog;
  readonly #snapshots: Snapshotter;
  readonly #o: SequencerOptions;
  /** Every signature the proof may need, by the message hash it signs (a maker's, batches later). */
  readonly #signatures = new Map<bigint, Signature>();
  readonly #limits: Record<LaneName, ApplyLimits>;
  #seq = 0n;
  #open!: OpenBatch2;
  /** Keeper prices waiting for the open price-only batch to seal, oldest first, by market. */
  readonly #deferredPrices = new Map<number, PendingTx[]>();
  #pendingLiquidations = new Set<number>();
  /** A price waits in #deferredPrices because every prover was busy (see #poolBusy). */
  #heldForPool = false;
  /** Why each pending liquidation was queued, for its trace row. */
  readonly #triggers = new Map<number, LiquidationTrigger>();
  #treeChain: Promise<void> = Promise.resolve();
  #running = false;
  #loopDone: Promise<void> = Promise.resolve();
  #lastSealedRecord: BatchRecord | undefined;
  #fatal: unknown;
  #genesisRoot = 0n;
  readonly #sealedAt = new WeakMap<OpenBatch2, number>();
  #sweepTimer: NodeJS.Timeout | undefined;
  /** When the last request was queued: tree work treats the sequencer as busy shortly after it. */
  #lastReceivedAt = Number.NEGATIVE_INFINITY;
  #role: SequencerRole = "follower";
  /** Where the leader is, for a follower's NOT_LEADER answer (set by the replication role). */
  leaderHint: () => string | undefined = () => undefined;
  /** The leadership epoch this sequencer seals under (0 without a replicated log). */
  #epoch = 0;
  #sawGenesis = false;

  constructor(o: SequencerOptions) {
    super();
    this.#o = o;
    this.#wal = new WriteAheadLog(o.db);
    this.batches = new BatchStore(o.db);
    this.#snapshots = new Snapshotter({
      db: o.db,
      wal: this.#wal,
      everyBatches: o.snapshotEveryBatches ?? 100,
      fingerprint: o.fingerprint,
      log: o.log,
    });
    this.laneOn = o.liquidationLane ?? true;
    this.trace = o.trace ?? new TxTrace();
    this.#reserved = this.laneOn ? o.reservedForLiquidations : 0;
    this.lanes = new Lanes(o.maxNormalQueue, { fifo: !this.laneOn });
    // Per tx: one tx must fit an empty batch. Whether it fits the open one is decided after it
    // applies, from its proof ops (OpenBatch2.fits); a tx that does not starts the next batch.
    const none = new Set<number>();
    this.#limits = {
      liquidation: { touchedInBatch: none, maxTouched: o.instance.N },
      normal: {
        touchedInBatch: none,
        maxTouched: Math.max(2, o.instance.N - this.#reserved),
      },
    };
    const bp = o.backpressure;
    this.admission =
      bp && this.laneOn
        ? new Admission(bp.settings, bp.capacity, () => ({
            sealed: this.#open.batchNumber - 1n,
            proven: bp.provenThrough(),
            openTxs: this.#open.txCount,
            queuedNormal: this.lanes.size.normal,
          }))
        : undefined;
  }

  get engine(): Engine {
    return this.#o.engine;
  }
  /** The next L1 deposit index to apply: the engine's own cursor, so it cannot drift from the state. */
  get depositsSeen(): bigint {
    return this.#o.engine.nextDepositIndex();
  }
  /** The next L1 priority request to serve: the engine's own cursor, like `depositsSeen`. */
  get prioritySeen(): bigint {
    return this.#o.engine.nextPriorityIndex();
  }
  get openBatchNumber(): bigint {
    return this.#open.batchNumber;
  }
  get openBatchTxCount(): number {
    return this.#open.txCount;
  }
  /** The state root of the last sealed batch (the genesis root before batch 1). */
  get stateRoot(): bigint {
    return this.#lastSealedRecord?.newStateRoot ?? this.#genesisRoot;
  }
  get lastSealed(): BatchRecord | undefined {
    return this.#lastSealedRecord;
  }
  get role(): SequencerRole {
    return this.#role;
  }
  get epoch(): number {
    return this.#epoch;
  }
  /** The next sequence number: every entry below it is applied (and in the local WAL). */
  get nextSeq(): bigint {
    return this.#seq;
  }

  /** Rebuilds everything from the latest snapshot and the WAL after it, then starts taking requests. */
  async start(): Promise<{ replayed: number; batches: bigint; snapshotBatch: bigint }> {
    const r = await this.follow();
    await this.lead(0);
    return r;
  }

  /**
   * Rebuilds everything from the latest snapshot and the local WAL after it, and stays read-only:
   * `applyLogged` then applies what the leader logs, and `lead` takes over. A standby runs this way
   * (docs/REPLICATION.md).
   */
  async follow(): Promise<{ replayed: number; batches: bigint; snapshotBatch: bigint }> {
    this.#genesisRoot = this.#o.chain.stateRoot();
    const snap = await this.#snapshots.restore(this.#o.engine, this.#o.chain, this.batches);
    if (snap) {
      for (const [h, sig] of snap.signatures) this.#signatures.set(h, sig);
      this.#pendingLiquidations = new Set(snap.pendingLiquidations);
      this.#seq = snap.nextSeq;
      // The WAL's genesis entry (and its fingerprint check) went with the compaction; the snapshot
      // carried the fingerprint instead.
      this.#sawGenesis = true;
      this.#lastSealedRecord = snap.record;
    }
    this.#open = this.#newBatch((snap?.batchNumber ?? 0n) + 1n, snap?.openedAt ?? this.#o.clock());
    let replayed = 0;
    for await (const entry of this.#wal.replay(this.#seq)) {
      replayed++;
      this.#applyEntry(entry);
    }
    await this.#treeChain;
    return { replayed, batches: this.#open.batchNumber - 1n, snapshotBatch: snap?.batchNumber ?? 0n };
  }

  /**
   * Applies entries the leader logged (a standby following the replicated log), in order, and writes
   * them to the local WAL. Entries below `nextSeq` were applied already and are skipped (a log re-read
   * after a reconnect); a gap means entries were lost between the log and here.
   */
  async applyLogged(entries: readonly WalEntry[]): Promise<number> {
    if (this.#role === "leader")
      throw new NotFollowingError("NOT_FOLLOWING", "a leader does not apply another writer's log entries");
    const fresh = entries.filter((e) => e.seq >= this.#seq);
    for (const e of fresh) {
      if (e.seq !== this.#seq)
        throw new ReplayDivergedError("LOG_GAP", `log entry ${e.seq} arrived while ${this.#seq} was next`, {
          details: { got: e.seq.toString(), next: this.#seq.toString() },
        });
      this.#applyEntry(e);
    }
    await this.#wal.append(fresh);
    return fresh.length;
  }

  /**
   * Becomes the writer: from here requests are taken, batches seal under `epoch`, and the open batch
   * the last leader left keeps filling (its seals were logged, so every batch before it is cut exactly
   * as the old leader cut it). Call it once the whole log is applied.
   */
  async lead(epoch: number): Promise<void> {
    if (this.#role === "leader") return;
    this.#epoch = epoch;
    if (!this.#sawGenesis) {
      const genesis: WalEntry = { kind: "genesis", seq: this.#seq++, fingerprint: this.#o.fingerprint };
      await this.#o.replica?.append([genesis]);
      await this.#wal.append([genesis]);
      this.#sawGenesis = true;
    }
    await this.#treeChain;
    this.#role = "leader";
    for (const id of this.#pendingLiquidations) this.#enqueueLiquidation(id);
    this.#running = true;
    this.#loopDone = this.#loop();
    if (this.#o.sweepIntervalMs) {
      this.#sweepTimer = setInterval(() => this.sweep(), this.#o.sweepIntervalMs);
      this.#sweepTimer.unref();
    }
  }

  #applyEntry(entry: WalEntry): void {
    this.#seq = entry.seq + 1n;
    if (entry.kind === "genesis") {
      if (entry.fingerprint !== this.#o.fingerprint) {
        throw new ReplayDivergedError(
          "WAL_CONFIG_MISMATCH",
          "the write-ahead log was written with other engine or circuit settings; use a fresh data dir",
          { details: { logged: entry.fingerprint, current: this.#o.fingerprint } },
        );
      }
      this.#sawGenesis = true;
    } else if (entry.kind === "tx") {
      if (entry.sealBefore) this.#seal(entry.sealBefore.at, true);
      this.#replayTx(entry);
    } else {
      this.#atBoundary(this.#seal(entry.at, true));
    }
  }

  /** `sealed` just sealed and nothing applied since: where a snapshot may be taken. */
  #atBoundary(sealed: OpenBatch2): void {
    this.#snapshots.atBoundary(sealed, {
      engine: this.#o.engine,
      signatures: this.#signatures,
      pendingLiquidations: this.#pendingLiquidations,
      nextSeq: this.#seq,
      openedAt: this.#open.openedAt,
    });
  }

  async stop(): Promise<void> {
    clearInterval(this.#sweepTimer);
    this.#running = false;
    this.lanes.interrupt();
    await this.#loopDone;
    const stopped = new SequencerStoppedError(
      "SEQUENCER_STOPPED",
      "the sequencer stopped before applying it",
    );
    for (const waiting of this.#deferredPrices.values()) for (const item of waiting) item.reject(stopped);
    this.#deferredPrices.clear();
    await this.#treeChain;
  }

  /**
   * Queues a request; resolves once it is applied and durably logged, rejects with a typed error.
   * `signature` is the owner's (or the keeper's) over `signedMessageOf(tx)`, checked by the caller;
   * it is logged with the tx, because the proof of a later batch may need it (a resting maker order).
   */
  submit(lane: LaneName, tx: EngineTx, signature?: Signature): Promise<ApplyResult> {
    if (this.#role !== "leader") return Promise.reject(this.#notLeader());
    if (lane === "normal" && this.admission) {
      try {
        this.admission.check();
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return this.#enqueue(lane, tx, signature);
  }

  #enqueue(lane: LaneName, tx: EngineTx, signature?: Signature): Promise<ApplyResult> {
    if (this.#fatal) return Promise.reject(this.#fatal);
    if (!signature && tx.kind !== "cancel" && signedMessageOf(tx) !== undefined)
      return Promise.reject(
        new SignatureRequiredError(
          "SIGNATURE_REQUIRED",
          `a ${tx.kind} needs its signature: the proof checks it`,
          {
            details: { kind: tx.kind },
          },
        ),
      );
    const receivedAt = this.#o.clock();
    this.#lastReceivedAt = receivedAt;
    return new Promise((resolve, reject) => {
      this.lanes.push({
        lane,
        tx,
        ...(signature ? { signature } : {}),
        receivedAt,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
    });
  }

  /**
   * L1 deposits arrive in queue order, one at a time (the watcher awaits each). An index already applied
   * is ignored, a gap is an error; a deposit the engine rejects stays unapplied, so the watcher's retry
   * offers it again instead of it being skipped.
   */
  async submitDeposit(d: { index: bigint; pubKeyX: bigint; pubKeyY: bigint; amount: bigint }): Promise<void> {
    if (this.#role !== "leader") throw this.#notLeader();
    const next = this.depositsSeen;
    if (d.index < next) return;
    if (d.index > next) throw new DepositGapError("DEPOSIT_GAP", `deposit ${d.index} arrived before ${next}`);
    // L1 already took the funds: a deposit is never shed, whatever the backlog.
    await this.#enqueue("normal", {
      kind: "deposit",
      depositIndex: d.index,
      pubKeyX: d.pubKeyX,
      pubKeyY: d.pubKeyY,
      amount: d.amount,
    });
  }

  /**
   * L1 priority requests (forced withdrawal, forced cancel-all) arrive in queue order, one at a time,
   * like deposits: an index already served is ignored (undefined), a gap is an error. They go through
   * the liquidation lane: a request the proof does not serve before its deadline lets anyone stop the
   * rollup, so it is never shed and never waits behind normal traffic. Resolves with what serving it
   * did (what was paid, which orders were cancelled).
   */
  async submitForced(r: ForcedRequest): Promise<ForcedOutcome | undefined> {
    if (this.#role !== "leader") throw this.#notLeader();
    const next = this.prioritySeen;
    if (r.priorityIndex < next) return undefined;
    if (r.priorityIndex > next)
      throw new PriorityGapError(
        "PRIORITY_GAP",
        `priority request ${r.priorityIndex} arrived before ${next}`,
        { details: { got: r.priorityIndex.toString(), next: next.toString() } },
      );
    const result = await this.#enqueue("liquidation", {
      kind: "forced",
      priorityIndex: r.priorityIndex,
      request: r.request,
      accountId: r.accountId,
      pubKeyX: r.pubKeyX,
      pubKeyY: r.pubKeyY,
      amount: r.amount,
      to: r.to,
    });
    return result.forced;
  }

  /** Throws NOT_LEADER (with the leader's URL when known) unless this sequencer takes writes. */
  assertLeader(): void {
    if (this.#role !== "leader") throw this.#notLeader();
  }

  #notLeader(): NotLeaderError {
    const leaderUrl = this.leaderHint();
    return new NotLeaderError(
      "NOT_LEADER",
      leaderUrl
        ? `this sequencer follows the leader at ${leaderUrl}; send writes there`
        : "this sequencer follows the log and no leader holds the lease right now; retry shortly",
      { details: leaderUrl ? { leaderUrl } : {} },
    );
  }

  #newBatch(n: bigint, openedAt: number): OpenBatch2 {
    return new OpenBatch2(
      n,
      this.#o.instance,
      this.#reserved,
      this.#o.engine.params.backstopAccountId,
      openedAt,
    );
  }

  #replayTx(entry: Extract<WalEntry, { kind: "tx" }>): void {
    const { tx, lane } = entry;
    let result: ApplyResult;
    try {
      result = this.#o.engine.apply(tx, entry.seq, this.#limits[lane]);
    } catch (err) {
      throw new ReplayDivergedError("REPLAY_DIVERGED", `logged tx ${entry.seq} no longer applies`, {
        cause: err,
      });
    }
    // The logged seals are the batch boundaries: replay does not decide them again.
    this.#afterApply(entry.seq, tx, result, entry.signature, undefined);
  }

  #afterApply(
    seq: bigint,
    tx: EngineTx,
    result: ApplyResult,
    signature: Signature | undefined,
    /** The request when live; undefined while replaying the WAL. */
    live: { receivedAt: number } | undefined,
  ): void {
    if (signature) {
      const h = signedMessageOf(tx);
      if (h !== undefined) this.#signatures.set(h, signature);
    }
    this.#open.record(seq, tx, result, this.#o.engine);
    if (tx.kind === "liquidation") this.#pendingLiquidations.delete(tx.accountId);
    for (const id of result.liquidationsDetected) {
      if (this.#pendingLiquidations.has(id)) continue;
      this.#pendingLiquidations.add(id);
      if (!live) continue;
      this.#triggers.set(id, {
        seq,
        kind: tx.kind,
        at: live.receivedAt,
        ...(tx.kind === "price" ? { marketId: tx.marketId, price: tx.price } : {}),
      });
      this.#enqueueLiquidation(id);
    }
  }

  /**
   * Zombie sweep and follow-up of open liquidation events (see `sweepIntervalMs`); public so tests and the
   * simulator-like scripts can run one on demand. Returns how many liquidation txs it queued.
   */
  sweep(): number {
    if (!this.#running) return 0;
    let n = 0;
    const zombies = new Set(this.#o.engine.zombies());
    for (const id of new Set([...zombies, ...this.#o.engine.liquidationsInProgress()])) {
      if (this.#pendingLiquidations.has(id)) continue;
      this.#pendingLiquidations.add(id);
      this.#triggers.set(id, { kind: "sweep", at: this.#o.clock() });
      this.#enqueueLiquidation(id, zombies.has(id));
      n++;
    }
    return n;
  }

  #enqueueLiquidation(accountId: number, sweep = false): void {
    const tx: EngineTx = sweep
      ? { kind: "liquidation", accountId, sweep }
      : { kind: "liquidation", accountId };
    this.#enqueue("liquidation", tx).catch(() => {
      // An account that recovered before its turn is not liquidatable: nothing to do.
      this.#pendingLiquidations.delete(accountId);
      this.#triggers.delete(accountId);
    });
  }

  async #loop(): Promise<void> {
    while (this.#running) {
      await this.lanes.waitForWork(
        Math.max(5, Math.min(this.#o.maxBatchWaitMs, this.#o.maxPriceOnlyWaitMs) / 4),
      );
      try {
        await this.#step();
      } catch (err) {
        // A failed WAL write means the engine is ahead of the log: stop rather than ack anything else.
        this.#fatal = err;
        this.#running = false;
        this.#o.log.fatal({ err }, "sequencer loop failed; restart replays the log");
        this.emit("fatal", err);
        for (const item of this.lanes.take(Number.MAX_SAFE_INTEGER)) item.reject(err);
        for (const waiting of this.#deferredPrices.values()) for (const item of waiting) item.reject(err);
        this.#deferredPrices.clear();
      }
    }
  }

  /** A price the open batch cannot take yet: defer it, unless it is urgent or the batch has work. */
  /**
   * With backpressure on: every prover has a sealed batch to work on, so a batch sealed now would only
   * queue behind them. The open batch then keeps filling (its timer waits) and a price that does not fit
   * it waits too, newest wins: otherwise a keeper's one price a second seals one batch a second, the
   * liquidation lane's own backlog grows without bound while a proof takes longer than that, and every
   * liquidation waits behind it (docs/LANE.md, "Price batches").
   */
  #poolBusy(): boolean {
    if (!this.admission) return false;
    // At least one: with no prover connected an empty backlog is not busy (a price must still open a batch).
    return this.admission.state().sealedUnproven >= Math.max(1, this.admission.capacity.provers);
  }

  #shouldDefer(item: PendingTx): boolean {
    const { tx } = item;
    if (tx.kind !== "price" || this.#open.acceptsPrice(tx.marketId)) return false;
    // Behind a price held for the pool, so prices stay in timestamp order.
    if (this.#heldForPool && this.#deferredPrices.has(tx.marketId)) return true;
    if (this.#poolBusy()) {
      this.#heldForPool = true;
      return true;
    }
    if (!this.#open.onlyPrices) return false;
    const mark = this.#o.engine.global().markets[tx.marketId]?.markPrice ?? 0n;
    const move = tx.price > mark ? tx.price - mark : mark - tx.price;
    return move * 10_000n < BigInt(this.#o.urgentPriceMoveBps ?? 50) * mark;
  }

  /** Deferred prices the open batch can take now, the newest per market with the older it replaces. */
  #readyDeferred(): PendingTx[] {
    const out: PendingTx[] = [];
    for (const [m, waiting] of this.#deferredPrices) {
      if (!this.#open.acceptsPrice(m)) continue;
      this.#deferredPrices.delete(m);
      const newest = waiting[waiting.length - 1]!;
      const older = waiting.slice(0, -1);
      // The older ones were never applied: they resolve with the price that superseded them.
      out.push({
        ...newest,
        resolve: (v) => {
          newest.resolve(v);
          for (const o of older) o.resolve(v);
        },
        reject: (e) => {
          newest.reject(e);
          for (const o of older) o.reject(e);
        },
      });
    }
    return out;
  }

  async #step(): Promise<void> {
    const now = this.#o.clock();
    const items = [...this.#readyDeferred(), ...this.lanes.take(GROUP_COMMIT)];
    const entries: WalEntry[] = [];
    const acks: { item: PendingTx; result: ApplyResult; seq: bigint }[] = [];
    const sealed: OpenBatch2[] = [];
    const seal = (reason: SealReason) => {
      if (reason === "full") this.admission?.capacity.observeFullBatch(this.#normalTxs(this.#open));
      entries.push({
        kind: "seal",
        seq: this.#seq++,
        batchNumber: this.#open.batchNumber,
        reason,
        at: now,
        epoch: this.#epoch,
      });
      const batch = this.#seal(now, false);
      sealed.push(batch);
      this.#atBoundary(batch);
    };

    for (const item of items) {
      const { tx, lane, signature } = item;
      if (this.#shouldDefer(item)) {
        const m = (tx as { marketId: number }).marketId;
        this.#deferredPrices.set(m, [...(this.#deferredPrices.get(m) ?? []), item]);
        continue;
      }
      let result: ApplyResult;
      try {
        result = this.#o.engine.apply(tx, this.#seq, this.#limits[lane]);
      } catch (err) {
        this.#reject(item, err);
        continue;
      }
      // The tx is applied; if its ops overflow the open batch, that batch ends just before it. The
      // seal rides on the tx's entry: the tx keeps the seq the engine applied it with.
      let sealBefore: SealBefore | undefined;
      if (!this.#open.fits(tx, result, lane)) {
        if (tx.kind !== "price") this.admission?.capacity.observeFullBatch(this.#normalTxs(this.#open));
        sealBefore = {
          batchNumber: this.#open.batchNumber,
          reason: tx.kind === "price" ? "price" : "capacity",
          at: now,
          epoch: this.#epoch,
        };
        sealed.push(this.#seal(now, false));
      }
      const seq = this.#seq++;
      this.#traceApplied(seq, item, now);
      entries.push({
        kind: "tx",
        seq,
        lane,
        tx,
        receivedAt: item.receivedAt,
        ...(signature ? { signature } : {}),
        ...(sealBefore ? { sealBefore } : {}),
      });
      this.#afterApply(seq, tx, result, signature, item);
      acks.push({ item, result, seq });
      this.emit("applied", { tx, result, lane, queuedMs: now - item.receivedAt });
      // A priority request is served after every other op of its batch, so nothing may follow it.
      if (this.#open.endsAtPriority) seal("priority");
      else if (this.#open.isFull) seal("full");
    }
    const wait = this.#open.onlyPrices ? this.#o.maxPriceOnlyWaitMs : this.#o.maxBatchWaitMs;
    // A price held for a busy pool goes in as soon as a prover frees: seal now, apply it next step.
    const busy = this.#poolBusy();
    const release = this.#heldForPool && !busy;
    if (!this.#open.isEmpty && ((now - this.#open.openedAt >= wait && !busy) || release)) seal("timer");
    if (release) this.#heldForPool = false;

    try {
      // The replicated log first: the local WAL must never hold what the log refused (see `replica`).
      if (this.#o.replica && entries.length > 0) await this.#o.replica.append(entries);
      await this.#wal.append(entries);
    } catch (err) {
      // Applied but not durable: none of these may be acknowledged, and each caller hears why.
      for (const { item } of acks) item.reject(err);
      throw err;
    }
    this.trace.acked(
      acks.map((a) => a.seq),
      this.#o.clock(),
    );
    for (const { item, result } of acks) item.resolve(result);
    for (const s of sealed) this.#queueTreeWork(s);
  }

  #traceApplied(seq: bigint, item: PendingTx, now: number): void {
    const { tx } = item;
    let trigger: LiquidationTrigger | undefined;
    if (tx.kind === "liquidation") {
      trigger = this.#triggers.get(tx.accountId);
      this.#triggers.delete(tx.accountId);
    }
    this.trace.add({
      seq,
      kind: tx.kind,
      lane: item.lane,
      ...traceFieldsOf(tx),
      batch: this.#open.batchNumber,
      received: item.receivedAt,
      applied: now,
      ...(trigger ? { trigger } : {}),
    });
  }

  /** Transactions of a batch that used normal-lane capacity (prices and liquidations have their own). */
  #normalTxs(b: OpenBatch2): number {
    return b.txCount - b.liquidationLaneTxs;
  }

  #reject(item: PendingTx, err: unknown): void {
    const code = err instanceof BaseError ? err.code : "INTERNAL";
    this.emit("rejected", { tx: item.tx, code, lane: item.lane });
    item.reject(err);
  }

  #seal(now: number, replaying: boolean): OpenBatch2 {
    const sealed = this.#open;
    this.#sealedAt.set(sealed, now);
    this.#open = this.#newBatch(sealed.batchNumber + 1n, now);
    if (replaying) this.#queueTreeWork(sealed);
    return sealed;
  }

  /**
   * Builds the batch's witness (moving the proof's state) and stores its record, in batch order on
   * one promise chain, after the batch's txs are durable in the WAL.
   */
  #queueTreeWork(batch: OpenBatch2): void {
    const sealedAt = this.#sealedAt.get(batch) ?? this.#o.clock();
    this.#sealedAt.delete(batch);
    this.#treeChain = this.#treeChain.then(async () => {
      await this.#treeTurn(sealedAt);
      const fresh = buildBatch2Record(this.#o.chain, batch, this.#signatures, sealedAt);
      const stored = await this.batches.get(fresh.batchNumber);
      if (stored && stored.newStateRoot !== fresh.newStateRoot) {
        throw new ReplayDivergedError(
          "REPLAY_DIVERGED",
          `batch ${fresh.batchNumber} replays to a different root than was stored`,
          { details: { stored: stored.newStateRoot.toString(), replayed: fresh.newStateRoot.toString() } },
        );
      }
      // Keep what the pipeline learned (proof, L1 tx) across restarts; the content is identical.
      const rec = stored ? { ...fresh, ...pickProgress(stored) } : fresh;
      await this.batches.put(rec);
      this.#lastSealedRecord = rec;
      this.emit("sealed", rec);
      await this.#snapshots.afterTree(batch, this.#o.chain);
    });
    this.#treeChain.catch((err) => {
      this.#fatal = err;
      this.#running = false;
      this.#o.log.fatal({ err }, "applying a sealed batch to the tree failed");
    });
  }

  /** Waits while requests are queued, at most until `sealedAt + treeDeferMs` (see the option). */
  async #treeTurn(sealedAt: number): Promise<void> {
    const until = sealedAt + (this.#o.treeDeferMs ?? 0);
    // Lanes drain every step, so "queued right now" flickers under load: a request in the last
    // TREE_IDLE_MS counts as busy too.
    const busy = () => {
      const q = this.lanes.size;
      return q.normal + q.liquidation > 0 || this.#o.clock() - this.#lastReceivedAt < TREE_IDLE_MS;
    };
    // A timer, not setImmediate: polling every turn would keep the event loop spinning at 100%.
    while (this.#running && busy() && this.#o.clock() < until) await new Promise((r) => setTimeout(r, 5));
  }

  /** Resolves once every batch sealed so far is in the tree and the batch store. */
  async settled(): Promise<void> {
    await this.#treeChain;
  }
}

function pickProgress(r: BatchRecord): Partial<BatchRecord> {
  const out: Partial<BatchRecord> = { status: r.status, times: r.times };
  if (r.proof) out.proof = r.proof;
  if (r.proverId) out.proverId = r.proverId;
  if (r.l1TxHash) out.l1TxHash = r.l1TxHash;
  if (r.l1Block !== undefined) out.l1Block = r.l1Block;
  if (r.gasUsed !== undefined) out.gasUsed = r.gasUsed;
  return out;
}
