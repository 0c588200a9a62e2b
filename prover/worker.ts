import { fileURLToPath } from "node:url";
import { Worker } from "bullmq";
import type { ProveJobData, ProveJobResult } from "./job.ts";
import { redisConnection } from "./redis.ts";

const PROCESSOR = fileURLToPath(new URL("./processor.ts", import.meta.url));

export interface ProverWorkerOptions {
  redisUrl: string;
  queueName: string;
  concurrency: number;
  /** How long a job stays locked without renewal; the stalled check requeues it after that. */
  lockDurationMs: number;
  stalledIntervalMs: number;
}

/** A worker whose jobs run in a sandboxed child process (see processor.ts). */
export function startProverWorker(o: ProverWorkerOptions): Worker<ProveJobData, ProveJobResult> {
  return new Worker<ProveJobData, ProveJobResult>(o.queueName, PROCESSOR, {
    connection: redisConnection(o.redisUrl),
    concurrency: o.concurrency,
    lockDuration: o.lockDurationMs,
    stalledInterval: o.stalledIntervalMs,
    maxStalledCount: 5,
    useWorkerThreads: false,
  });
}
