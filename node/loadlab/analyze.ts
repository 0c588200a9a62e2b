/**
 * Turns what the lab sent (its request records) and what the sequencer recorded (the trace, /state
 * samples) into one LabRun of report.json. Pure: the same inputs give the same run.
 */

import type { StateSample, TraceRow } from "./collect.ts";
import type { RequestRecord } from "./driver.ts";
import {
  type BatchSample,
  type LabRun,
  type LaneName,
  type LiquidationSample,
  type LiquidationSummary,
  STAGES,
  type StageLatency,
} from "./report-types.ts";

export interface RunInputs {
  label: string;
  laneOn: boolean;
  /** Epoch ms the tape started, and when the lab stopped waiting for proofs. */
  startedAt: number;
  endedAt: number;
  /** Tape length, ms: the series cover the tape and the drain after it. */
  records: RequestRecord[];
  /** Every trace row of the run, idle probes included. */
  trace: TraceRow[];
  samples: StateSample[];
  /** Index prices the lab posted for the tape's market. */
  prices: { at: number; price: bigint }[];
  clientCpuShare: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function cdfOf(sorted: readonly number[], points = 200): [number, number][] {
  if (sorted.length === 0) return [];
  const out: [number, number][] = [];
  const step = Math.max(1, Math.floor(sorted.length / points));
  for (let k = step - 1; k < sorted.length; k += step) out.push([sorted[k]!, (k + 1) / sorted.length]);
  if (out.at(-1)![1] !== 1) out.push([sorted.at(-1)!, 1]);
  return out;
}

const asc = (xs: number[]) => xs.sort((a, b) => a - b);

function stageTime(r: TraceRow, stage: (typeof STAGES)[number]): number | undefined {
  if (stage === "received") return r.received;
  if (stage === "acked") return r.acked;
  return r.batchTimes?.[stage];
}

export function stageLatencies(rows: readonly TraceRow[]): StageLatency[] {
  const out: StageLatency[] = [];
  for (const lane of ["liquidation", "normal"] as LaneName[]) {
    const mine = rows.filter((r) => r.lane === lane);
    for (const stage of STAGES) {
      if (stage === "received") continue;
      const xs = asc(
        mine.flatMap((r) => {
          const t = stageTime(r, stage);
          return t === undefined ? [] : [Math.max(0, t - r.received)];
        }),
      );
      if (xs.length === 0) continue;
      out.push({
        lane,
        stage,
        n: xs.length,
        p50: percentile(xs, 0.5),
        p90: percentile(xs, 0.9),
        p99: percentile(xs, 0.99),
        max: xs.at(-1)!,
        cdf: cdfOf(xs),
      });
    }
  }
  return out;
}

export function liquidationSamples(
  rows: readonly TraceRow[],
  startedAt: number,
  endedAt: number,
): LiquidationSample[] {
  return rows
    .filter((r) => r.kind === "liquidation" && r.accountId !== undefined)
    .map((r) => {
      const triggerAt = r.trigger?.at ?? r.received;
      const verified = r.batchTimes?.verified;
      return {
        accountId: r.accountId!,
        seq: r.seq,
        phase: triggerAt < startedAt ? "idle" : "load",
        triggerAt,
        ...(r.trigger?.marketId !== undefined ? { triggerMarketId: r.trigger.marketId } : {}),
        ...(verified !== undefined
          ? { verifiedMs: verified - triggerAt }
          : { censoredAtMs: Math.max(0, endedAt - triggerAt) }),
      } satisfies LiquidationSample;
    });
}

export function summarize(samples: readonly LiquidationSample[]): LiquidationSummary {
  const v = asc(samples.flatMap((s) => (s.verifiedMs === undefined ? [] : [s.verifiedMs])));
  // A censored sample is a lower bound: counting it at its bound keeps p99 honest (never too low).
  const all = asc(samples.map((s) => s.verifiedMs ?? s.censoredAtMs!));
  return {
    n: samples.length,
    verified: v.length,
    censored: samples.length - v.length,
    ...(all.length > 0 ? { p50: percentile(all, 0.5), p99: percentile(all, 0.99), max: all.at(-1)! } : {}),
  };
}

/** Groups trace rows by batch: one sample per batch, ascending by batch number. */
export function batchSamples(rows: readonly TraceRow[], startedAt: number): BatchSample[] {
  const by = new Map<string, BatchSample>();
  for (const r of rows) {
    let b = by.get(r.batch);
    if (!b) {
      const t = r.batchTimes ?? {};
      b = {
        batch: r.batch,
        txs: 0,
        liquidationTxs: 0,
        liquidations: 0,
        phase: "load",
        firstReceived: r.received,
        ...(t.sealed !== undefined ? { sealed: t.sealed } : {}),
        ...(t.provingStarted !== undefined ? { provingStarted: t.provingStarted } : {}),
        ...(t.proven !== undefined ? { proven: t.proven } : {}),
        ...(t.submitted !== undefined ? { submitted: t.submitted } : {}),
        ...(t.verified !== undefined ? { verified: t.verified } : {}),
      };
      by.set(r.batch, b);
    }
    b.txs++;
    if (r.lane === "liquidation") b.liquidationTxs++;
    if (r.kind === "liquidation") b.liquidations = (b.liquidations ?? 0) + 1;
    b.firstReceived = Math.min(b.firstReceived, r.received);
  }
  for (const b of by.values()) b.phase = b.firstReceived < startedAt ? "idle" : "load";
  return [...by.values()].sort((a, b) => (BigInt(a.batch) < BigInt(b.batch) ? -1 : 1));
}

export function analyzeRun(x: RunInputs): LabRun {
  const sent = x.records.filter((r) => r.sent !== undefined);
  const rejected: Record<string, number> = {};
  for (const r of sent) if (r.outcome === "rejected") rejected[r.code!] = (rejected[r.code!] ?? 0) + 1;
  const answers = asc(sent.flatMap((r) => (r.answered === undefined ? [] : [r.answered - r.sent!])));
  const shed = sent.filter((r) => r.code === "OVERLOADED").length;

  const loadRows = x.trace.filter((r) => r.received >= x.startedAt);
  const samples = liquidationSamples(x.trace, x.startedAt, x.endedAt);
  const idle = summarize(samples.filter((s) => s.phase === "idle"));
  const load = summarize(samples.filter((s) => s.phase === "load"));
  const normalV = asc(
    loadRows.flatMap((r) =>
      r.lane === "normal" && r.batchTimes?.verified !== undefined ? [r.batchTimes.verified - r.received] : [],
    ),
  );

  const seconds = Math.max(1, Math.ceil((x.endedAt - x.startedAt) / 1000));
  const zeros = () => new Array<number>(seconds).fill(0);
  const series = {
    t: Array.from({ length: seconds }, (_, k) => k),
    sent: zeros(),
    acked: zeros(),
    shed: zeros(),
    rejected: zeros(),
    proven: zeros(),
    verified: zeros(),
    backlog: zeros(),
    queueDepth: zeros(),
    index: zeros(),
  };
  const bin = (at: number | undefined) => {
    if (at === undefined) return -1;
    const k = Math.floor((at - x.startedAt) / 1000);
    return k >= 0 && k < seconds ? k : -1;
  };
  for (const r of sent) {
    const k = bin(r.sent);
    if (k >= 0) series.sent[k]!++;
    const a = bin(r.answered);
    if (a < 0) continue;
    if (r.outcome === "acked") series.acked[a]!++;
    else if (r.code === "OVERLOADED") series.shed[a]!++;
    else if (r.outcome === "rejected") series.rejected[a]!++;
  }
  for (const r of loadRows) {
    if (r.lane !== "normal") continue;
    const p = bin(r.batchTimes?.proven);
    if (p >= 0) series.proven[p]!++;
    const v = bin(r.batchTimes?.verified);
    if (v >= 0) series.verified[v]!++;
  }
  // Sample-and-hold: a second without a sample shows the last one.
  let si = 0;
  let last: StateSample | undefined;
  let pi = 0;
  let lastPrice = x.prices.find((p) => p.at <= x.startedAt)?.price ?? x.prices[0]?.price ?? 0n;
  for (let k = 0; k < seconds; k++) {
    const end = x.startedAt + (k + 1) * 1000;
    while (si < x.samples.length && x.samples[si]!.at < end) last = x.samples[si++];
    series.backlog[k] = last?.backlog ?? 0;
    series.queueDepth[k] = last?.queueDepth ?? 0;
    while (pi < x.prices.length && x.prices[pi]!.at < end) lastPrice = x.prices[pi++]!.price;
    series.index[k] = Number(lastPrice) / 1e6;
  }
  const during = x.samples.filter((s) => s.at >= x.startedAt);
  return {
    label: x.label,
    laneOn: x.laneOn,
    startedAt: x.startedAt,
    durationMs: x.endedAt - x.startedAt,
    requests: {
      sent: sent.length,
      acked: sent.filter((r) => r.outcome === "acked").length,
      rejected,
      timedOut: sent.filter((r) => r.outcome === "timeout").length,
      unanswered: sent.filter((r) => r.outcome === "unanswered").length,
      lateSends: sent.filter((r) => r.sent! - r.sched > 100).length,
      shedPct: sent.length === 0 ? 0 : (100 * shed) / sent.length,
      answer: {
        p50: answers.length ? percentile(answers, 0.5) : 0,
        p99: answers.length ? percentile(answers, 0.99) : 0,
        max: answers.at(-1) ?? 0,
      },
      ...(x.records.some((r) => r.outcome === "skipped")
        ? { skipped: x.records.filter((r) => r.outcome === "skipped").length }
        : {}),
    },
    stages: stageLatencies(loadRows),
    liquidations: {
      samples,
      idle,
      load,
      ...(idle.p99 && load.p99 !== undefined ? { p99Ratio: load.p99 / idle.p99 } : {}),
    },
    normalVerified: {
      n: normalV.length,
      ...(normalV.length ? { p50: percentile(normalV, 0.5), p99: percentile(normalV, 0.99) } : {}),
    },
    maxBacklog: during.reduce((m, s) => Math.max(m, s.backlog), 0),
    series,
    clientCpuShare: x.clientCpuShare,
    batches: batchSamples(x.trace, x.startedAt),
  };
}
