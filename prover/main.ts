/** A prover worker process: `tsx prover/main.ts`. Run as many as you like, on any host sharing Redis. */
import pino from "pino";
import { loadProverConfig } from "./config.ts";
import { announceEngine, startProverWorker } from "./worker.ts";

const cfg = loadProverConfig();
const log = pino({ level: cfg.LOG_LEVEL, base: { role: "prover", pid: process.pid } });
const worker = startProverWorker({
  redisUrl: cfg.REDIS_URL,
  queueName: cfg.PROVE_QUEUE,
  concurrency: cfg.PROVER_CONCURRENCY,
  lockDurationMs: cfg.PROVER_LOCK_MS,
  stalledIntervalMs: cfg.PROVER_STALLED_INTERVAL_MS,
});
worker.on("active", (job) => log.info({ batch: job.data.batchNumber, job: job.id }, "proving"));
worker.on("completed", (job, res) =>
  log.info(
    {
      batch: job.data.batchNumber,
      engine: res.engine,
      witnessEngine: res.witnessEngine,
      witnessMs: res.witnessMs,
      provingMs: res.provingMs,
      peakRssKb: res.peakRssKb,
    },
    "proven",
  ),
);
worker.on("failed", (job, err) =>
  log.warn({ batch: job?.data.batchNumber, err: err.message }, "proof failed"),
);
worker.on("error", (err) => log.error({ err }, "worker error"));
await worker.waitUntilReady();
log.info(
  { queue: cfg.PROVE_QUEUE, instance: cfg.CIRCUIT_INSTANCE, engine: announceEngine().engine },
  "prover worker ready",
);

const shutdown = async () => {
  await worker.close();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
