/**
 * The load lab's `report.json`: everything the HTML report draws, plus the machine, the commit and
 * the settings, so a figure can be traced back to what produced it. Times are milliseconds; series
 * are sampled once a second from the run's start.
 */

export type LaneName = "normal" | "liquidation";

/** The stages a tx passes, in order; each is a time on the sequencer's clock. */
export const STAGES = [
  "received",
  "acked",
  "sealed",
  "provingStarted",
  "proven",
  "submitted",
  "verified",
] as const;
export type Stage = (typeof STAGES)[number];

/** Latency from `received` to one stage, for one lane: the summary and a CDF to plot. */
export interface StageLatency {
  lane: LaneName;
  stage: Exclude<Stage, "received">;
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** [latency ms, fraction ≤ it], ascending, at most ~200 points. */
  cdf: [number, number][];
}

/** One liquidation: its trigger (the mark update that made the account liquidatable) to L1. */
export interface LiquidationSample {
  accountId: number;
  seq: string;
  /** "idle" probes ran with no load; "load" ones during the scenario. */
  phase: "idle" | "load";
  triggerAt: number;
  /** The market of the price that triggered it (absent in older reports). */
  triggerMarketId?: number;
  /** triggerAt → L1-verified; undefined when it was not verified before the lab stopped waiting. */
  verifiedMs?: number;
  /** When undefined: how long the lab waited after the trigger (a lower bound, "censored"). */
  censoredAtMs?: number;
}

export interface LiquidationSummary {
  n: number;
  verified: number;
  censored: number;
  p50?: number;
  p99?: number;
  max?: number;
}

export interface RequestAccounting {
  /** Every request the lab scheduled and sent; sent = acked + rejected + timedOut + unanswered. */
  sent: number;
  acked: number;
  rejected: Record<string, number>;
  timedOut: number;
  /** Requests with no answer when the lab stopped: a defect if not 0. */
  unanswered: number;
  /** Requests sent more than 100 ms after their scheduled time (the client fell behind). */
  lateSends: number;
  /** OVERLOADED ÷ sent, percent. */
  shedPct: number;
  /** Cancels not sent because their order was never acked (nothing to cancel). */
  skipped?: number;
  /** Answer latency (send → answer), ms. */
  answer: { p50: number; p99: number; max: number };
}

/** Once-a-second samples; every array has the length of `t`. */
export interface RunSeries {
  /** Seconds since the run's start. */
  t: number[];
  /** Requests per second sent / acked / shed (503 OVERLOADED) / rejected otherwise. */
  sent: number[];
  acked: number[];
  shed: number[];
  rejected: number[];
  /** Normal-lane txs per second whose batch became proven / L1-verified in that second. */
  proven: number[];
  verified: number[];
  /** The admission rule's backlog, in batches: sealed-but-unproven ones plus the pending normal txs, in batches. */
  backlog: number[];
  /** Batches sealed but not yet proven (the proof-queue depth). */
  queueDepth: number[];
  /** The index price the lab posted (quote units per base, as a float), for context. */
  index: number[];
}

/**
 * One batch as the trace saw it (only batches holding at least one applied tx): its size, whether it
 * carried liquidation-lane txs, and its stage times on the sequencer's clock. Per-batch proof and L1
 * times are what the scale-out model (docs/MODEL.md) is calibrated from.
 */
export interface BatchSample {
  batch: string;
  txs: number;
  /** Txs of the liquidation lane (liquidations and the price updates that ride it). */
  liquidationTxs: number;
  /** Liquidation txs alone (absent in the first reports with batches). */
  liquidations?: number;
  /** "idle" when its first tx was received before the tape started. */
  phase: "idle" | "load";
  firstReceived: number;
  sealed?: number;
  provingStarted?: number;
  proven?: number;
  submitted?: number;
  verified?: number;
}

export interface LabRun {
  label: string;
  laneOn: boolean;
  /** Epoch ms of the first scheduled request. */
  startedAt: number;
  durationMs: number;
  requests: RequestAccounting;
  stages: StageLatency[];
  liquidations: {
    samples: LiquidationSample[];
    idle: LiquidationSummary;
    load: LiquidationSummary;
    /** load p99 ÷ idle p99 (the goal is ≤ 2 with the lane on). */
    p99Ratio?: number;
  };
  /** Normal-lane received → L1-verified. */
  normalVerified: { n: number; p50?: number; p99?: number };
  maxBacklog: number;
  series: RunSeries;
  /** Load client's CPU time ÷ wall time over the run (1.0 = one core busy). */
  clientCpuShare: number;
  /** Per-batch stage times, ascending by batch; absent in reports written before it was added. */
  batches?: BatchSample[];
}

export interface LabReport {
  version: 1;
  createdAt: string;
  machine: {
    hostname: string;
    platform: string;
    arch: string;
    cpuModel: string;
    cores: number;
    memGiB: number;
    node: string;
    loadavg: number[];
  };
  commit: { sha: string; dirty: boolean };
  settings: {
    scenario: string;
    minutes: number;
    seed: string;
    tape?: string;
    maxAccounts: number;
    compareLane: boolean;
    /** The devnet's own settings as read from it (instance, provers, batch size, lane, admission). */
    devnet: Record<string, string | number | boolean>;
  };
  runs: LabRun[];
}
