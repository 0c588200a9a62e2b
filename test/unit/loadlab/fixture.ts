/**
 * A synthetic `LabReport` for the report renderers' tests: deterministic (a seeded PRNG), with a
 * lane-on run that keeps liquidations fast and a lane-off run whose backlog and liquidation times
 * grow during an 80x spike. The numbers are made up; only their shape resembles a real run.
 */
import {
  type LabReport,
  type LabRun,
  type LaneName,
  type LiquidationSample,
  type LiquidationSummary,
  type RunSeries,
  STAGES,
  type Stage,
  type StageLatency,
} from "../../../node/loadlab/report-types.ts";

export interface FixtureOptions {
  /** 2 (lane on, lane off; the default) or 1 (lane on only). */
  runs?: 1 | 2;
  /** Leave some lane-off load liquidations unverified (censored at the lab's wait limit). */
  censored?: boolean;
  /** Run length in seconds (default 300). */
  seconds?: number;
  seed?: number;
}

interface RunShape {
  label: string;
  laneOn: boolean;
  /** Requests/s the sequencer admits before it sheds (lane on) or accepts anyway (lane off). */
  admit: number;
  /** Normal txs/s the provers get through. */
  proveRate: number;
  liqIdleMedianMs: number;
  liqLoadMedianMs: number;
  stageScale: number;
  cpuShare: number;
  rejectedCodes: Record<string, number>;
  timedOut: number;
}

const SHAPES: RunShape[] = [
  {
    label: "lane on",
    laneOn: true,
    admit: 1200,
    proveRate: 900,
    liqIdleMedianMs: 1400,
    liqLoadMedianMs: 2100,
    stageScale: 1,
    cpuShare: 0.41,
    rejectedCodes: { INSUFFICIENT_MARGIN: 37, BAD_NONCE: 4 },
    timedOut: 3,
  },
  {
    label: "lane off",
    laneOn: false,
    admit: 4000,
    proveRate: 900,
    liqIdleMedianMs: 1450,
    liqLoadMedianMs: 38_000,
    stageScale: 6,
    cpuShare: 0.47,
    rejectedCodes: { INSUFFICIENT_MARGIN: 52, PRICE_BAND: 9 },
    timedOut: 211,
  },
];

export function fixtureReport(opts: FixtureOptions = {}): LabReport {
  const seconds = opts.seconds ?? 300;
  const rand = mulberry32(opts.seed ?? 7);
  const shapes = SHAPES.slice(0, opts.runs ?? 2);
  return {
    version: 1,
    createdAt: "2026-12-03T06:30:00.000Z",
    machine: {
      hostname: "lab-box",
      platform: "linux",
      arch: "x64",
      cpuModel: "AMD EPYC 7B13",
      cores: 2,
      memGiB: 7.8,
      node: "v20.19.0",
      loadavg: [1.92, 1.41, 0.88],
    },
    commit: { sha: "86781df0c0ffee1234567890abcdef1234567890", dirty: false },
    settings: {
      scenario: "oct11",
      minutes: seconds / 60,
      seed: "1",
      maxAccounts: 2000,
      compareLane: shapes.length === 2,
      devnet: {
        instance: "default",
        provers: 2,
        batchSize: 64,
        liquidationLane: true,
        admissionMaxBacklog: 4096,
      },
    },
    runs: shapes.map((shape, i) =>
      makeRun(shape, seconds, rand, Date.UTC(2026, 11, 3, 6, i * 7), opts.censored === true && !shape.laneOn),
    ),
  };
}

function makeRun(
  shape: RunShape,
  seconds: number,
  rand: () => number,
  startedAt: number,
  censor: boolean,
): LabRun {
  const series = makeSeries(shape, seconds);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const sent = sum(series.sent);
  const shed = sum(series.shed);
  const rejected = shape.rejectedCodes;
  const rejectedTotal = sum(Object.values(rejected)) + shed;
  const acked = sent - rejectedTotal - shape.timedOut;

  const stages: StageLatency[] = [];
  for (const lane of ["normal", "liquidation"] as LaneName[]) {
    const laneScale = lane === "liquidation" && shape.laneOn ? 0.3 : 1;
    (STAGES.slice(1) as Exclude<Stage, "received">[]).forEach((stage, k) => {
      const median = [4, 180, 900, 4000, 4600, 6500][k]! * shape.stageScale * laneScale;
      const xs = Array.from({ length: 2000 }, () => logNormal(rand, median, 0.6));
      stages.push({ lane, stage, ...percentiles(xs), cdf: cdf(xs, 200) });
    });
  }

  const waitLimitMs = 120_000;
  const samples: LiquidationSample[] = [];
  for (const [phase, n, median] of [
    ["idle", 20, shape.liqIdleMedianMs],
    ["load", 60, shape.liqLoadMedianMs],
  ] as const) {
    for (let j = 0; j < n; j++) {
      const ms = logNormal(rand, median, phase === "load" && !shape.laneOn ? 0.9 : 0.35);
      const sample: LiquidationSample = {
        accountId: 1000 + samples.length,
        seq: String(50_000 + samples.length * 13),
        phase,
        triggerAt: startedAt + (phase === "idle" ? j * 500 : 60_000 + j * 2000),
      };
      if (censor && phase === "load" && ms > 60_000) sample.censoredAtMs = Math.min(ms, waitLimitMs);
      else sample.verifiedMs = Math.round(ms);
      samples.push(sample);
    }
  }
  const idle = summarizeLiquidations(samples.filter((s) => s.phase === "idle"));
  const load = summarizeLiquidations(samples.filter((s) => s.phase === "load"));
  const normal = stages.find((s) => s.lane === "normal" && s.stage === "verified")!;

  return {
    label: shape.label,
    laneOn: shape.laneOn,
    startedAt,
    durationMs: seconds * 1000,
    requests: {
      sent,
      acked,
      rejected: { ...rejected, OVERLOADED: shed },
      timedOut: shape.timedOut,
      unanswered: 0,
      lateSends: shape.laneOn ? 12 : 140,
      shedPct: (shed / sent) * 100,
      answer: { p50: 2.4 * shape.stageScale, p99: 41 * shape.stageScale, max: 310 * shape.stageScale },
    },
    stages,
    liquidations: {
      samples,
      idle,
      load,
      ...(idle.p99 && load.p99 ? { p99Ratio: load.p99 / idle.p99 } : {}),
    },
    normalVerified: { n: normal.n, p50: normal.p50, p99: normal.p99 },
    maxBacklog: Math.max(...series.backlog),
    series,
    clientCpuShare: shape.cpuShare,
  };
}

/** Calm 50/s, then 80x from 20 % to 60 % of the run, then calm; the index drops 15 % at 40 %. */
function makeSeries(shape: RunShape, seconds: number): RunSeries {
  const s: RunSeries = {
    t: [],
    sent: [],
    acked: [],
    shed: [],
    rejected: [],
    proven: [],
    verified: [],
    backlog: [],
    queueDepth: [],
    index: [],
  };
  let backlog = 0;
  const provenLag: number[] = [];
  for (let t = 0; t < seconds; t++) {
    const spike = t >= seconds * 0.2 && t < seconds * 0.6;
    const sent = spike ? 4000 : 50;
    const admitted = Math.min(sent, shape.admit);
    const rejected = Math.round(admitted * 0.004);
    const proven = Math.min(backlog + admitted, shape.proveRate);
    backlog += admitted - rejected - proven;
    provenLag.push(proven);
    s.t.push(t);
    s.sent.push(sent);
    s.acked.push(admitted - rejected);
    s.shed.push(sent - admitted);
    s.rejected.push(rejected);
    s.proven.push(proven);
    s.verified.push(provenLag[t - 4] ?? 0);
    s.backlog.push(backlog);
    s.queueDepth.push(Math.ceil(backlog / 64));
    s.index.push(t < seconds * 0.4 ? 100 : 85 + 2 * Math.sin(t / 10));
  }
  return s;
}

export function summarizeLiquidations(samples: LiquidationSample[]): LiquidationSummary {
  const ms = samples.flatMap((s) => (s.verifiedMs === undefined ? [] : [s.verifiedMs]));
  const out: LiquidationSummary = {
    n: samples.length,
    verified: ms.length,
    censored: samples.length - ms.length,
  };
  if (ms.length > 0) {
    const p = percentiles(ms);
    out.p50 = p.p50;
    out.p99 = p.p99;
    out.max = p.max;
  }
  return out;
}

function percentiles(xs: number[]) {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { n: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1]! };
}

function cdf(xs: number[], points: number): [number, number][] {
  const sorted = [...xs].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (let i = 1; i <= points; i++) {
    const k = Math.ceil((i / points) * sorted.length) - 1;
    out.push([Math.round(sorted[k]! * 100) / 100, (k + 1) / sorted.length]);
  }
  return out;
}

function logNormal(rand: () => number, median: number, sigma: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return median * Math.exp(sigma * z);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
