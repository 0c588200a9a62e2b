import { type Job, Queue, QueueEvents } from "bullmq";
import type { BatchRecord } from "../sequencer/batches/batch-record.ts";
import { JOB_NAME, PRIORITY, type ProveJobData, type ProveJobResult } from "./job.ts";
import { encodeJobId } from "./job-id.ts";
import { redisConnection } from "./redis.ts";

export interface ProofQueueOptions {
  redisUrl: string;
  queueName: string;
  instance: string;
  circuitHash: string;
  /** The lane-off baseline: every batch at the same priority, liquidation or not. */
  samePriority?: boolean;
}

/**
 * The job states `depth()` counts, which the sequencer exports as `rollup_prove_jobs{state}`. Every job
 * carries a priority (job.ts PRIORITY), so BullMQ keeps the backlog in `prioritized` (a ZSET), not in
 * `waiting` (the LIST): an autoscaler must read both, plus `active` (deploy/k8s/keda-scaledobject.yaml).
 */
export const PROVE_JOB_STATES = [
  "waiting",
  "prioritized",
  "active",
  "delayed",
  "failed",
  "completed",
] as const;

/** The sequencer's side of the "prove" queue: enqueue sealed batches, hear about proofs. */
export class ProofQueue {
  readonly queue: Queue<ProveJobData, ProveJobResult>;
  readonly events: QueueEvents;

  constructor(readonly o: ProofQueueOptions) {
    this.queue = new Queue(o.queueName, { connection: redisConnection(o.redisUrl) });
    this.events = new QueueEvents(o.queueName, { connection: redisConnection(o.redisUrl) });
  }

  async enqueue(rec: BatchRecord): Promise<void> {
    const data: ProveJobData = {
      batchNumber: rec.batchNumber.toString(),
      instance: this.o.instance,
      circuitHash: this.o.circuitHash,
      publicHash: rec.publicHash.toString(),
      input: rec.input,
      sealedAt: rec.times.sealed,
    };
    await this.queue.add(JOB_NAME, data, {
      jobId: encodeJobId(rec.batchNumber, rec.publicHash),
      priority: PRIORITY[this.o.samePriority ? "normal" : rec.priority],
      attempts: 5,
      backoff: { type: "exponential", delay: 1000 },
      removeOnComplete: { count: 10_000 },
      removeOnFail: { count: 10_000 },
    });
  }

  /** A job that failed its last attempt goes back to the queue (a worker crash loop, a bad build since fixed). */
  async retry(rec: BatchRecord): Promise<void> {
    const job = await this.queue.getJob(encodeJobId(rec.batchNumber, rec.publicHash));
    if (job && (await job.getState()) === "failed") await job.retry("failed");
  }

  /** A proof may have finished while the sequencer was down: look it up instead of proving again. */
  async finished(rec: BatchRecord): Promise<ProveJobResult | undefined> {
    const job: Job<ProveJobData, ProveJobResult> | undefined = await this.queue.getJob(
      encodeJobId(rec.batchNumber, rec.publicHash),
    );
    if (!job) return undefined;
    return (await job.isCompleted()) ? job.returnvalue : undefined;
  }

  /**
   * Where the batch's job stands in Redis: `missing` when Redis no longer has it (restarted empty, or
   * the job was trimmed), `done` with the proof, `failed` after its last attempt, else `pending`.
   */
  async jobOf(
    rec: BatchRecord,
  ): Promise<{ state: "missing" | "pending" | "failed" } | { state: "done"; result: ProveJobResult }> {
    const job: Job<ProveJobData, ProveJobResult> | undefined = await this.queue.getJob(
      encodeJobId(rec.batchNumber, rec.publicHash),
    );
    if (!job) return { state: "missing" };
    const st = await job.getState();
    if (st === "completed") return { state: "done", result: job.returnvalue };
    if (st === "failed") return { state: "failed" };
    return { state: "pending" };
  }

  async depth(): Promise<Record<string, number>> {
    return this.queue.getJobCounts(...PROVE_JOB_STATES);
  }

  /** Prover workers connected to the queue now (BullMQ's worker registry). */
  async workers(): Promise<number> {
    return (await this.queue.getWorkersCount()) || 0;
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
  }
}
