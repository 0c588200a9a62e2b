/**
 * The prove queue's side of the batch pipeline: a sealed batch becomes a proof job (or picks up a proof
 * finished while this process was down), and the queue's job events become pipeline steps. Job ids are
 * decoded strictly: a job this node did not name (another tool on the same queue) is logged, not
 * mistaken for a batch.
 */
import type { Logger } from "pino";
import type { ProveJobResult } from "../../prover/job.ts";
import { decodeJobId } from "../../prover/job-id.ts";
import type { ProofQueue } from "../../prover/queue.ts";
import type { BatchRecord } from "../../sequencer/batches/batch-record.ts";
import type { BatchPipeline } from "./batch-pipeline.ts";

export function connectProofJobs(proofs: ProofQueue, pipeline: BatchPipeline, log: Logger) {
  const batchOf = (jobId: string): bigint | undefined => {
    try {
      return decodeJobId(jobId).batchNumber;
    } catch (err) {
      log.warn({ err, jobId }, "ignoring a job on the prove queue that is not a batch proof");
      return undefined;
    }
  };

  proofs.events.on("active", ({ jobId }) => {
    const n = batchOf(jobId);
    if (n === undefined) return;
    pipeline.provingStarted(n).catch((err) => log.error({ err, jobId }, "recording proving start failed"));
  });
  proofs.events.on("completed", ({ jobId, returnvalue }) => {
    const n = batchOf(jobId);
    if (n === undefined) return;
    const res = (typeof returnvalue === "string" ? JSON.parse(returnvalue) : returnvalue) as ProveJobResult;
    pipeline.proven(n, res).catch((err) => log.error({ err }, "storing proof failed"));
  });
  proofs.events.on("failed", ({ jobId, failedReason }) =>
    log.warn({ jobId, failedReason }, "proof job failed"),
  );

  /** For the sequencer's "sealed" event: queue the proof unless it exists already. */
  return (rec: BatchRecord): void => {
    pipeline.sealed(rec);
    void (async () => {
      if (rec.proof) return;
      const done = await proofs.finished(rec);
      if (done) return pipeline.proven(rec.batchNumber, done);
      await proofs.enqueue(rec);
    })().catch((err) => log.error({ err, batch: rec.batchNumber }, "enqueue failed"));
  };
}
