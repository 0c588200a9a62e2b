/**
 * The summary table of a load-lab report, as rows of already formatted cells, one column per run.
 * Both the HTML report and the Markdown summary render these rows, so the two always agree.
 */
import { formatCount, formatMs, formatPct, formatRatio } from "./format.ts";
import type { LabReport, LabRun, LiquidationSummary } from "./report-types.ts";

export interface SummaryRow {
  /** What the row measures, e.g. "liquidation trigger→verified p99, load". */
  label: string;
  /** One formatted cell per run, in `report.runs` order. */
  cells: string[];
  /** A cell that shows a defect or a missed goal (unanswered > 0, ratio > 2 with the lane on). */
  flags?: boolean[];
  /** Starts a new group of rows (drawn with a rule above it). */
  group?: string;
}

export interface SummaryTable {
  /** Column headings, one per run. */
  columns: string[];
  rows: SummaryRow[];
}

/** The goal: with the lane on, liquidation p99 under load ≤ 2× its idle value. */
export const LIQUIDATION_P99_RATIO_GOAL = 2;

/** load p99 ÷ idle p99, from the run's own field when the producer filled it in. */
export function p99Ratio(run: LabRun): number | undefined {
  return run.liquidations.p99Ratio ?? ratio(run.liquidations.load.p99, run.liquidations.idle.p99);
}

export function summaryTable(report: LabReport): SummaryTable {
  const runs = report.runs;
  const row = (label: string, cell: (r: LabRun) => string, flag?: (r: LabRun) => boolean): SummaryRow => {
    const out: SummaryRow = { label, cells: runs.map(cell) };
    if (flag) out.flags = runs.map(flag);
    return out;
  };
  const liq = (r: LabRun) => r.liquidations;
  const codes = [...new Set(runs.flatMap((r) => Object.keys(r.requests.rejected)))].sort();

  const rows: SummaryRow[] = [
    {
      ...row("liquidation trigger→verified p50, load", (r) => formatMs(liq(r).load.p50)),
      group: "Liquidations",
    },
    row("liquidation trigger→verified p99, load", (r) => formatMs(liq(r).load.p99)),
    row("liquidation trigger→verified p50, idle", (r) => formatMs(liq(r).idle.p50)),
    row("liquidation trigger→verified p99, idle", (r) => formatMs(liq(r).idle.p99)),
    row("p50 ratio load ÷ idle", (r) => formatRatio(ratio(liq(r).load.p50, liq(r).idle.p50))),
    row(
      `p99 ratio load ÷ idle (goal ≤ ${LIQUIDATION_P99_RATIO_GOAL}× with the lane)`,
      (r) => formatRatio(p99Ratio(r)),
      (r) => r.laneOn && (p99Ratio(r) ?? 0) > LIQUIDATION_P99_RATIO_GOAL,
    ),
    row("liquidations load: verified / censored", (r) => countLiq(liq(r).load)),
    row("liquidations idle: verified / censored", (r) => countLiq(liq(r).idle)),
    {
      ...row("normal lane received→verified p50", (r) => formatMs(r.normalVerified.p50)),
      group: "Normal lane",
    },
    row("normal lane received→verified p99", (r) => formatMs(r.normalVerified.p99)),
    row("normal txs verified", (r) => formatCount(r.normalVerified.n)),
    row("max backlog (unproven batches)", (r) => formatCount(r.maxBacklog)),
    { ...row("shed (503 OVERLOADED)", (r) => formatPct(r.requests.shedPct)), group: "Requests" },
    row("sent", (r) => formatCount(r.requests.sent)),
    row("acked", (r) => formatCount(r.requests.acked)),
    ...codes.map((code) => row(`rejected ${code}`, (r) => formatCount(r.requests.rejected[code] ?? 0))),
    row("timed out", (r) => formatCount(r.requests.timedOut)),
    row(
      "unanswered (a defect if not 0)",
      (r) => formatCount(r.requests.unanswered),
      (r) => r.requests.unanswered !== 0,
    ),
    row("late sends (> 100 ms behind schedule)", (r) => formatCount(r.requests.lateSends)),
    row(
      "answer latency p50 / p99",
      (r) => `${formatMs(r.requests.answer.p50)} / ${formatMs(r.requests.answer.p99)}`,
    ),
    row("load client CPU share (1 = one core)", (r) => formatShare(r.clientCpuShare)),
  ];
  return { columns: runs.map((r) => r.label), rows };
}

function countLiq(s: LiquidationSummary): string {
  return `${formatCount(s.verified)} / ${formatCount(s.censored)} of ${formatCount(s.n)}`;
}

function formatShare(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : "—";
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}
