/**
 * The model against a measured load-lab run: the same tape and N, every prover on the one host (as
 * on the devnet), and the error of the model's liquidation p99 and maximum backlog against the run's.
 */
import type { LabReport } from "../loadlab/report-types.ts";
import type { RunResult } from "./simulate.ts";

export interface ValidationRow {
  provers: number;
  report: string;
  loadavg: number[];
  measured: { liquidationP99Ms?: number; maxBacklog: number; shedPct: number; liquidations: number };
  model: { liquidationP99Ms?: number; maxBacklog: number; shedPct: number; liquidations: number };
  /** (model − measured) ÷ measured, percent. */
  errorPct: { liquidationP99?: number; maxBacklog?: number };
}

const err = (model: number | undefined, measured: number | undefined) =>
  model === undefined || measured === undefined || measured === 0
    ? undefined
    : (100 * (model - measured)) / measured;

export function compare(report: LabReport, path: string, model: RunResult): ValidationRow {
  const run = report.runs[0]!;
  const measured = {
    ...(run.liquidations.load.p99 !== undefined ? { liquidationP99Ms: run.liquidations.load.p99 } : {}),
    maxBacklog: run.maxBacklog,
    shedPct: run.requests.shedPct,
    liquidations: run.liquidations.load.n,
  };
  const m = {
    ...(model.liquidations.p99 !== undefined ? { liquidationP99Ms: model.liquidations.p99 } : {}),
    maxBacklog: model.maxBacklog,
    shedPct: model.shedPct,
    liquidations: model.liquidations.n,
  };
  const e1 = err(m.liquidationP99Ms, measured.liquidationP99Ms);
  const e2 = err(m.maxBacklog, measured.maxBacklog);
  return {
    provers: model.provers,
    report: path,
    loadavg: report.machine.loadavg,
    measured,
    model: m,
    errorPct: {
      ...(e1 !== undefined ? { liquidationP99: e1 } : {}),
      ...(e2 !== undefined ? { maxBacklog: e2 } : {}),
    },
  };
}

export function renderValidation(rows: readonly ValidationRow[]): string {
  const f = (ms?: number) => (ms === undefined ? "-" : `${(ms / 1000).toFixed(2)} s`);
  const e = (x?: number) => (x === undefined ? "-" : `${x >= 0 ? "+" : ""}${x.toFixed(1)}%`);
  const lines = [
    "MODEL (discrete-event simulation, not a measurement) against the measured devnet",
    "",
    "| N | liq p99 measured | liq p99 MODEL | error | max backlog measured | max backlog MODEL | error | shed measured / MODEL | liquidations measured / MODEL | load avg at the run's end |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const r of rows)
    lines.push(
      `| ${r.provers} | ${f(r.measured.liquidationP99Ms)} | ${f(r.model.liquidationP99Ms)} | ${e(r.errorPct.liquidationP99)} | ${r.measured.maxBacklog} | ${r.model.maxBacklog} | ${e(r.errorPct.maxBacklog)} | ${r.measured.shedPct.toFixed(1)}% / ${r.model.shedPct.toFixed(1)}% | ${r.measured.liquidations} / ${r.model.liquidations} | ${r.loadavg.join(", ")} |`,
    );
  const worst = Math.max(
    ...rows
      .flatMap((r) => [r.errorPct.liquidationP99, r.errorPct.maxBacklog].filter((x) => x !== undefined))
      .map(Math.abs),
  );
  lines.push(
    "",
    Number.isFinite(worst)
      ? `largest |error|: ${worst.toFixed(1)}% (${worst <= 20 ? "within" : "outside"} the 20% target)`
      : "no figure to compare (a run without verified load liquidations?)",
  );
  return lines.join("\n");
}
