import { fileURLToPath } from "node:url";
import { Worker } from "bullmq";
import { loadProverConfig } from "./config.ts";
import type { ProveJobData, ProveJobResult } from "./job.ts";
import { type EngineChoice, resolveEngine } from "./producers/index.ts";
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

let announced = false;

/**
 * The engine the sandboxed processors will use (they make the same choice from the same config). A
 * fallback from native to snarkjs is printed once per process, loudly, at worker start.
 */
export function announceEngine(warn: (m: string) => void = (m) => console.warn(m)): EngineChoice {
  const choice = resolveEngine(loadProverConfig());
  if (choice.fallback && !announced) {
    announced = true;
    const bar = "!".repeat(78);
    warn(
      `${bar}\n!! PROVER FALLBACK: ${choice.fallback}.\n!! Set PROVER=snarkjs to silence this, or run \`npm run build:native\`.\n${bar}`,
    );
  }
  return choice;
}

/** A worker whose jobs run in a sandboxed child process (see processor.ts). */
export function startProverWorker(o: ProverWorkerOptions): Worker<ProveJobData, ProveJobResult> {
  announceEngine();
  return new Worker<ProveJobData, ProveJobResult>(o.queueName, PROCESSOR, {
    connection: redisConnection(o.redisUrl),
    concurrency: o.concurrency,
    lockDuration: o.lockDurationMs,
    stalledInterval: o.stalledIntervalMs,
    maxStalledCount: 5,
    useWorkerThreads: false,
  });
}
