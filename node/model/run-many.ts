/**
 * Runs the model at each N, several replications per N (each its own seed, derived from one), and
 * summarises each figure by its median over the replications: one replication's liquidation p99 rests
 * on a few draws from the proof-time sample.
 */
import type { Calibration } from "./calibration.ts";
import { seededRandom } from "./rng.ts";
import { type RunResult, simulate } from "./simulate.ts";
import type { Workload } from "./workload.ts";

export interface ScaleOptions {
  provers: readonly number[];
  /** Provers per host: a number (hosts of their own), or "all" (every prover on the sequencer's host, as on the devnet). */
  proversPerHost: number | "all";
  drainMs: number;
  seed: string;
  reps: number;
  referenceL1?: boolean;
}

const med = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
};

function medianOf(rs: RunResult[]): RunResult {
  const pick = <T>(f: (r: RunResult) => T) => rs.map(f);
  const m = (f: (r: RunResult) => number) => med(pick(f));
  const opt = (f: (r: RunResult) => number | undefined) => {
    const xs = pick(f).filter((x): x is number => x !== undefined);
    return xs.length ? med(xs) : undefined;
  };
  const first = rs[0]!;
  const p50 = opt((r) => r.liquidations.p50);
  const p99 = opt((r) => r.liquidations.p99);
  const max = opt((r) => r.liquidations.max);
  return {
    ...first,
    sent: m((r) => r.sent),
    shed: m((r) => r.shed),
    shedPct: m((r) => r.shedPct),
    skipped: m((r) => r.skipped),
    batches: m((r) => r.batches),
    provenNormalPerS: m((r) => r.provenNormalPerS),
    provenNormalTxs: m((r) => r.provenNormalTxs),
    maxBacklog: m((r) => r.maxBacklog),
    liquidations: {
      n: m((r) => r.liquidations.n),
      censored: m((r) => r.liquidations.censored),
      ...(p50 !== undefined ? { p50 } : {}),
      ...(p99 !== undefined ? { p99 } : {}),
      ...(max !== undefined ? { max } : {}),
    },
    proverUtilisation: m((r) => r.proverUtilisation),
    proverPeak: m((r) => r.proverPeak),
    resources: {
      intake: m((r) => r.resources.intake),
      signatures: m((r) => r.resources.signatures),
      redis: m((r) => r.resources.redis),
      l1Gas: m((r) => r.resources.l1Gas),
      l1Submitter: m((r) => r.resources.l1Submitter),
    },
    endedAtMs: m((r) => r.endedAtMs),
  };
}

export interface ScaleRow {
  summary: RunResult;
  reps: RunResult[];
}

export function runScale(cal: Calibration, w: Workload, o: ScaleOptions): ScaleRow[] {
  return o.provers.map((n) => {
    const reps = Array.from({ length: o.reps }, (_, k) =>
      simulate(cal, w, {
        provers: n,
        proversPerHost: o.proversPerHost === "all" ? n : Math.min(n, o.proversPerHost),
        withSequencer: o.proversPerHost === "all",
        ...(o.referenceL1 ? { referenceL1: true } : {}),
        drainMs: o.drainMs,
        rng: seededRandom(`${o.seed}:${n}:${k}`),
      }),
    );
    return { summary: medianOf(reps), reps };
  });
}
