/**
 * A batch's way after it is sealed: sealed → proving → proven → verified. Every status change of a
 * stored batch record is made here, with the stage metrics and the proving-capacity estimates it feeds,
 * so the node's wiring only says which event calls which step.
 */
import type { Logger } from "pino";
import type { ProveJobResult } from "../../prover/job.ts";
import type { BatchRecord } from "../../sequencer/batches/batch-record.ts";
import type { BatchStore } from "../../sequencer/batches/batch-store.ts";
import type { ProvingCapacity } from "../../sequencer/mempool/admission.ts";
import type { Metrics } from "./metrics.ts";
import type { ProvenBatch, SubmitterEvent } from "./submitter.ts";

/** A prover took the job. Stamped every time: a requeued job's stage time is its last start. */
export function toProving(r: BatchRecord, now: number): BatchRecord {
  return {
    ...r,
    status: r.status === "sealed" ? "proving" : r.status,
    times: { ...r.times, provingStarted: now },
  };
}

/** The proof came back. A batch L1 already verified stays verified (its proof can arrive late on replay). */
export function toProven(r: BatchRecord, res: ProveJobResult, now: number): BatchRecord {
  return {
    ...r,
    status: r.status === "verified" ? r.status : "proven",
    proof: res.proof.map(BigInt),
    proverId: res.proverId,
    times: { ...r.times, proven: r.times.proven ?? now },
  };
}

export function toSubmitted(r: BatchRecord, txHash: `0x${string}` | undefined, now: number): BatchRecord {
  return { ...r, ...(txHash ? { l1TxHash: txHash } : {}), times: { ...r.times, submitted: now } };
}

export type VerifiedOnL1 = Pick<SubmitterEvent, "txHash" | "blockNumber" | "gasUsed">;

export function toVerified(r: BatchRecord, l1: VerifiedOnL1, now: number): BatchRecord {
  return {
    ...r,
    status: "verified",
    ...(l1.txHash ? { l1TxHash: l1.txHash } : {}),
    ...(l1.blockNumber !== undefined ? { l1Block: l1.blockNumber } : {}),
    ...(l1.gasUsed !== undefined ? { gasUsed: l1.gasUsed } : {}),
    times: { ...r.times, verified: r.times.verified ?? now },
  };
}

/** What the submitter posts: the record's public part, once it has a proof. */
export function provenBatchOf(r: BatchRecord | undefined): ProvenBatch | undefined {
  if (!r?.proof) return undefined;
  return {
    batchNumber: r.batchNumber,
    oldStateRoot: r.oldStateRoot,
    newStateRoot: r.newStateRoot,
    depositCount: r.depositCount,
    priorityCount: r.priorityCount,
    withdrawals: r.withdrawals,
    batchTimeMs: r.batchTimeMs,
    data: r.data,
    proof: r.proof,
  };
}

export interface BatchPipelineOptions {
  batches: BatchStore;
  metrics: Metrics;
  capacity: ProvingCapacity;
  log: Logger;
  /** Wall clock for the stage times (observability only). Default Date.now. */
  now?: () => number;
}

export class BatchPipeline {
  readonly #o: BatchPipelineOptions;
  readonly #now: () => number;
  #lastProven = 0n;
  #lastVerified = 0n;

  constructor(o: BatchPipelineOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
  }

  /** Every batch up to here has a proof: the admission rule's proven count and GET /state's. */
  get lastProven(): bigint {
    return this.#lastProven;
  }

  /** Highest batch L1 verified, as far as this process has heard. */
  get lastVerified(): bigint {
    return this.#lastVerified;
  }

  sealed(rec: BatchRecord): void {
    this.#o.metrics.batches.inc({ priority: rec.priority });
    this.#o.metrics.lastBatch.set({ status: "sealed" }, Number(rec.batchNumber));
  }

  async provingStarted(n: bigint): Promise<void> {
    const r = await this.#o.batches.update(n, (rec) => toProving(rec, this.#now()));
    if (r)
      this.#o.metrics.stage.observe(
        { stage: "sealed→proving", priority: r.priority },
        r.times.provingStarted! - r.times.sealed,
      );
  }

  async proven(n: bigint, res: ProveJobResult): Promise<void> {
    const r = await this.#o.batches.update(n, (rec) => toProven(rec, res, this.#now()));
    if (r?.times.provingStarted) {
      const ms = r.times.proven! - r.times.provingStarted;
      this.#o.metrics.stage.observe({ stage: "proving→proven", priority: r.priority }, ms);
      this.#o.capacity.observeProof(ms);
    }
    await this.advanceProven();
  }

  /** Moves lastProven over the proven batches that follow it; proofs arrive in any order. */
  async advanceProven(): Promise<void> {
    for (;;) {
      const next = await this.#o.batches.get(this.#lastProven + 1n);
      if (!next?.proof) return;
      this.#lastProven++;
      this.#o.metrics.lastBatch.set({ status: "proven" }, Number(this.#lastProven));
    }
  }

  /** The submitter's source: batch `n` with its proof, or undefined while it has none. */
  async provenBatch(n: bigint): Promise<ProvenBatch | undefined> {
    return provenBatchOf(await this.#o.batches.get(n));
  }

  async submitted(n: bigint, txHash: `0x${string}` | undefined): Promise<void> {
    await this.#o.batches.update(n, (r) => toSubmitted(r, txHash, this.#now()));
  }

  async verified(n: bigint, l1: VerifiedOnL1 = {}): Promise<void> {
    this.#noteVerified(n);
    const r = await this.#o.batches.update(n, (rec) => toVerified(rec, l1, this.#now()));
    if (!r) return;
    const { metrics, capacity, log } = this.#o;
    metrics.stage.observe(
      { stage: "sealed→verified", priority: r.priority },
      r.times.verified! - r.times.sealed,
    );
    if (r.times.proven) {
      const ms = r.times.verified! - r.times.proven;
      metrics.stage.observe({ stage: "proven→verified", priority: r.priority }, ms);
      capacity.observeL1(ms);
    }
    log.info(
      { batch: r.batchNumber.toString(), tx: r.l1TxHash, root: `0x${r.newStateRoot.toString(16)}` },
      "batch verified on L1",
    );
  }

  /**
   * At start, L1 is the judge: batches it verified while this process was down are marked verified
   * here too (newest first, down to the first one already marked).
   */
  async restoreVerified(lastVerifiedOnL1: bigint): Promise<void> {
    this.#noteVerified(lastVerifiedOnL1);
    // Verified on L1 is proven, whether or not this store holds the proof (a node seeded from L1
    // holds only the last verified batch's record).
    if (lastVerifiedOnL1 > this.#lastProven) {
      this.#lastProven = lastVerifiedOnL1;
      this.#o.metrics.lastBatch.set({ status: "proven" }, Number(this.#lastProven));
      await this.advanceProven();
    }
    for (let n = lastVerifiedOnL1; n >= 1n; n--) {
      const r = await this.#o.batches.get(n);
      if (!r || r.status === "verified") break;
      await this.#o.batches.put({ ...r, status: "verified" });
    }
  }

  /** The submitter's events, as steps of this pipeline. */
  onSubmitterEvent(e: SubmitterEvent): void {
    const { log } = this.#o;
    const fail = (what: string) => (err: unknown) =>
      log.error({ err, batch: e.batchNumber.toString() }, `recording ${what} failed`);
    if (e.type === "submitted") void this.submitted(e.batchNumber, e.txHash).catch(fail("the L1 tx"));
    else if (e.type === "verified") void this.verified(e.batchNumber, e).catch(fail("L1 verification"));
    else
      log.warn({ batch: e.batchNumber.toString(), err: String(e.error) }, "L1 submission failed; will retry");
  }

  #noteVerified(n: bigint): void {
    if (n > this.#lastVerified) this.#lastVerified = n;
    this.#o.metrics.lastBatch.set({ status: "verified" }, Number(this.#lastVerified));
  }
}
