import type { Registry } from "prom-client";
import type { StageHistogram } from "./types.ts";

/** The batch stage-latency histogram's name (node/sequencer/metrics.ts). */
export const STAGE_METRIC = "rollup_batch_stage_ms";

interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

/**
 * Per (stage, priority), the histogram's buckets as plain counts. prom-client keeps them cumulative
 * (Prometheus' `le`), which a bar chart cannot show directly: each bar here is one bucket's own count.
 * A registry without the metric (a bare API in tests) gives no histograms rather than an error.
 */
export async function stageHistograms(registry: Registry, name = STAGE_METRIC): Promise<StageHistogram[]> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return [];
  const { values } = (await metric.get()) as { values: MetricValue[] };
  const byKey = new Map<
    string,
    { stage: string; priority: string; cum: [number, number][]; count: number; sum: number }
  >();
  const entry = (labels: MetricValue["labels"]) => {
    const stage = String(labels.stage ?? "");
    const priority = String(labels.priority ?? "");
    const key = `${stage}\u0000${priority}`;
    let e = byKey.get(key);
    if (!e) {
      e = { stage, priority, cum: [], count: 0, sum: 0 };
      byKey.set(key, e);
    }
    return e;
  };
  for (const v of values) {
    const e = entry(v.labels);
    if (v.metricName === `${name}_bucket`) {
      const le = v.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(v.labels.le);
      e.cum.push([le, v.value]);
    } else if (v.metricName === `${name}_count`) e.count = v.value;
    else if (v.metricName === `${name}_sum`) e.sum = v.value;
  }
  const out: StageHistogram[] = [];
  for (const e of byKey.values()) {
    e.cum.sort((a, b) => a[0] - b[0]);
    out.push({
      stage: e.stage,
      priority: e.priority,
      // JSON has no Infinity: the open last bucket is sent as -1 and drawn as "+Inf".
      le: e.cum.map(([le]) => (Number.isFinite(le) ? le : -1)),
      counts: e.cum.map(([, c], i) => c - (i > 0 ? (e.cum[i - 1]?.[1] ?? 0) : 0)),
      count: e.count,
      sumMs: e.sum,
    });
  }
  return out.sort((a, b) => a.stage.localeCompare(b.stage) || a.priority.localeCompare(b.priority));
}
