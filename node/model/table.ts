/**
 * The scaling table and the bottleneck call, as text. Every heading says MODEL: these are outputs of
 * the discrete-event simulation, not measurements.
 */
import type { ResourceUse, RunResult } from "./simulate.ts";

export const MODEL_LABEL = "MODEL (discrete-event simulation, not a measurement)";

export const RESOURCE_NAMES: Record<keyof ResourceUse, string> = {
  intake: "sequencer intake",
  signatures: "signature checks",
  redis: "Redis",
  l1Gas: "L1 gas per block",
  l1Submitter: "L1 submitter (in order, one tx in flight)",
};

/** Utilisation at or above this counts as saturated (~1: work starts to queue without bound). */
export const SATURATED = 0.9;

export interface Bottleneck {
  resource: keyof ResourceUse;
  name: string;
  provers: number;
  utilisation: number;
  saturated: boolean;
}

/** The first non-prover resource to reach SATURATED as N grows; else the closest at the largest N. */
export function nextBottleneck(rows: readonly RunResult[]): Bottleneck | undefined {
  const sorted = [...rows].sort((a, b) => a.provers - b.provers);
  for (const r of sorted) {
    const hit = (Object.keys(r.resources) as (keyof ResourceUse)[])
      .filter((k) => r.resources[k] >= SATURATED)
      .sort((a, b) => r.resources[b] - r.resources[a])[0];
    if (hit)
      return {
        resource: hit,
        name: RESOURCE_NAMES[hit],
        provers: r.provers,
        utilisation: r.resources[hit],
        saturated: true,
      };
  }
  const last = sorted.at(-1);
  if (!last) return undefined;
  const k = (Object.keys(last.resources) as (keyof ResourceUse)[])
    .filter((x) => Number.isFinite(last.resources[x]))
    .sort((a, b) => last.resources[b] - last.resources[a])[0]!;
  return {
    resource: k,
    name: RESOURCE_NAMES[k],
    provers: last.provers,
    utilisation: last.resources[k],
    saturated: false,
  };
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : "-");
const sec = (ms: number | undefined) => (ms === undefined ? "-" : `${(ms / 1000).toFixed(1)} s`);

export function renderTable(rows: readonly RunResult[], title: string): string {
  const head = [
    "N",
    "proven normal txs/s",
    "× first row",
    "max backlog",
    "liq p50",
    "liq p99",
    "liq censored",
    "shed",
    "prover util (peak 10 s)",
    ...Object.values(RESOURCE_NAMES).map((n) => `${n} (peak)`),
  ];
  const lines = [
    `${MODEL_LABEL}: ${title}`,
    "",
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---:").join("|")}|`,
  ];
  // Throughput as a ratio to the first N of the same run (BENCHMARKS.md quotes ratios).
  const base = rows[0]?.provenNormalPerS ?? 0;
  for (const r of rows) {
    lines.push(
      `| ${[
        `${r.provers}${r.proversPerHost > 1 ? ` (${r.proversPerHost}/host)` : ""}`,
        r.provenNormalPerS.toFixed(r.provenNormalPerS < 10 ? 2 : 1),
        base > 0 ? `${(r.provenNormalPerS / base).toFixed(1)}×` : "-",
        String(r.maxBacklog),
        sec(r.liquidations.p50),
        sec(r.liquidations.p99),
        `${r.liquidations.censored}/${r.liquidations.n}`,
        `${r.shedPct.toFixed(1)}%`,
        `${pct(r.proverUtilisation)} (${pct(r.proverPeak)})`,
        ...(Object.keys(RESOURCE_NAMES) as (keyof ResourceUse)[]).map((k) => pct(r.resources[k])),
      ].join(" | ")} |`,
    );
  }
  const b = nextBottleneck(rows);
  lines.push("");
  if (b)
    lines.push(
      b.saturated
        ? `next bottleneck (MODEL): ${b.name} at N = ${b.provers} (${pct(b.utilisation)} of its capacity over its busiest window)`
        : `next bottleneck (MODEL): none of the non-prover resources reaches ${pct(SATURATED)} by N = ${b.provers}; the closest is ${b.name} at ${pct(b.utilisation)}`,
    );
  return lines.join("\n");
}
