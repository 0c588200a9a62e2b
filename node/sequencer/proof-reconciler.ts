/**
 * Keeps Redis honest about the unproven backlog. The sequencer's batch store is the record of what
 * was sealed; Redis only holds the jobs. If Redis restarts empty (or loses a job any other way), the
 * batches it forgot would never be proven and L1 verification would stall behind the first of them,
 * so every few seconds (and at once when asked, e.g. after a reconnect) each sealed-but-unproven batch
 * is looked up: a missing job is enqueued again (job ids are per batch content, so a job that still
 * exists is never duplicated), a finished job whose completion event was missed hands over its proof,
 * and a failed one is retried. L1 takes batches only in order with the old-root check, so none can be
 * verified twice whatever happens here.
 */
import type { Logger } from "pino";
import type { ProveJobResult } from "../../prover/job.ts";
import type { ProofQueue } from "../../prover/queue.ts";
import type { BatchRecord } from "../../sequencer/batches/batch-record.ts";

export interface ReconcilerOptions {
  proofs: Pick<ProofQueue, "jobOf" | "enqueue" | "retry">;
  /** The stored record of batch n (undefined past the last sealed). */
  batch: (n: bigint) => Promise<BatchRecord | undefined>;
  /** Highest batch proven with every batch before it. */
  provenThrough: () => bigint;
  lastSealed: () => bigint;
  onProof: (batchNumber: bigint, res: ProveJobResult) => Promise<void>;
  everyMs?: number;
  log: Logger;
}

export interface ReconcileResult {
  requeued: bigint[];
  recovered: bigint[];
  retried: bigint[];
}

export class ProofReconciler {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<ReconcileResult> | undefined;
  /** Totals since start, for /metrics and the chaos report. */
  readonly totals = { requeued: 0, recovered: 0, retried: 0 };

  constructor(readonly o: ReconcilerOptions) {}

  start(): void {
    this.#timer = setInterval(() => {
      void this.tick().catch((err) =>
        this.o.log.warn({ err: String(err) }, "proof reconcile failed; next tick retries"),
      );
    }, this.o.everyMs ?? 2_000);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** One pass; concurrent calls share the pass in flight. */
  tick(): Promise<ReconcileResult> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pass(): Promise<ReconcileResult> {
    const out: ReconcileResult = { requeued: [], recovered: [], retried: [] };
    const last = this.o.lastSealed();
    for (let n = this.o.provenThrough() + 1n; n <= last; n++) {
      const rec = await this.o.batch(n);
      if (!rec || rec.proof) continue;
      const job = await this.o.proofs.jobOf(rec);
      if (job.state === "missing") {
        await this.o.proofs.enqueue(rec);
        out.requeued.push(n);
      } else if (job.state === "done") {
        await this.o.onProof(n, job.result);
        out.recovered.push(n);
      } else if (job.state === "failed") {
        await this.o.proofs.retry(rec);
        out.retried.push(n);
      }
    }
    this.totals.requeued += out.requeued.length;
    this.totals.recovered += out.recovered.length;
    this.totals.retried += out.retried.length;
    if (out.requeued.length + out.recovered.length + out.retried.length > 0)
      this.o.log.warn(
        {
          requeued: out.requeued.map(String),
          recovered: out.recovered.map(String),
          retried: out.retried.map(String),
        },
        "proof jobs reconciled with the batch store (Redis lost or missed them)",
      );
    return out;
  }
}
