import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** One registry per process; `/metrics` serves it for Prometheus and for load-test scrapes. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const ms = [1, 5, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 120_000, 300_000];
  return {
    registry,
    /**
     * Rejections carry the engine code as `code`, so each oracle and breaker refusal (STALE_ORACLE,
     * ORACLE_DEVIATION, ORACLE_NOT_MONOTONIC, BREAKER_TRIPPED, OI_CAP) is already its own series, e.g.
     * rollup_txs_total{kind="price",result="rejected",code="STALE_ORACLE"}: no separate counter needed.
     */
    txs: new Counter({
      name: "rollup_txs_total",
      help: "Requests applied or rejected",
      labelNames: ["kind", "lane", "result", "code"],
      registers: [registry],
    }),
    laneWait: new Histogram({
      name: "rollup_lane_wait_ms",
      help: "Time a request waited in its lane before the engine applied it",
      labelNames: ["lane"],
      buckets: ms,
      registers: [registry],
    }),
    laneDepth: new Gauge({
      name: "rollup_lane_depth",
      help: "Requests waiting per lane",
      labelNames: ["lane"],
      registers: [registry],
    }),
    batches: new Counter({
      name: "rollup_batches_sealed_total",
      help: "Batches sealed",
      labelNames: ["priority"],
      registers: [registry],
    }),
    stage: new Histogram({
      name: "rollup_batch_stage_ms",
      help: "Batch latency per stage: sealed→proving, proving→proven, proven→verified, sealed→verified",
      labelNames: ["stage", "priority"],
      buckets: ms,
      registers: [registry],
    }),
    lastBatch: new Gauge({
      name: "rollup_last_batch",
      help: "Last batch number per status",
      labelNames: ["status"],
      registers: [registry],
    }),
    proveJobs: new Gauge({
      name: "rollup_prove_jobs",
      help: "Proof jobs in the queue per state",
      labelNames: ["state"],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
