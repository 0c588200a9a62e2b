/**
 * The dashboard's snapshot: everything the ops page draws, in one JSON document. GET /dashboard/snapshot
 * returns it and GET /dashboard/events streams it. Big numbers (prices, cash, roots, batch numbers)
 * travel as decimal strings, as everywhere else in the API.
 */
import type { BatchStatus } from "../../batches/batch-record.ts";
import type { LiquidationTier } from "../../engine/ledger.ts";
import type { AdmissionView } from "../admission-view.ts";

/** A slow source either answered or says why not; the page shows the reason instead of stale data. */
export type Sourced<T> = { ok: true; value: T } | { ok: false; error: string };

/** What this node knows of the replicated log's leadership (docs/REPLICATION.md). */
export interface LeadershipView {
  /** "replicated" with a leader and standbys on the log; "single" on a local WAL only. */
  mode: "single" | "replicated";
  nodeId: string;
  /** This node's public API URL. */
  url: string;
  /** The leader's API URL as the lease names it (this node's own while it leads). */
  leaderUrl: string | undefined;
}

/** Another node of the cluster as its own GET /state answers (or why it did not). */
export interface PeerView {
  url: string;
  role: string | undefined;
  epoch: number | undefined;
  error: string | undefined;
}

export interface ProverView {
  /** BullMQ's client name of the worker connection, and where it connects from. */
  name: string;
  addr: string;
  /** Seconds since the connection opened, and since its last command. */
  ageS: number;
  idleS: number;
}

export interface L1View {
  stateRoot: string;
  lastVerifiedBatch: string;
  blockNumber: string;
}

export interface ProofQueueView {
  /** BullMQ job counts per state: waiting, prioritized, active, delayed, completed, failed. */
  states: Record<string, number>;
  /** Jobs not yet taken, per proof priority (liquidation batches are proven first). */
  pending: { liquidation: number; normal: number };
}

/**
 * What the sequencer cannot know by itself: the prover pool in Redis, the Rollup contract on L1, and
 * the leadership view. The node implements it (node/sequencer/dashboard-sources.ts); each call may be
 * slow, so implementations cache for about a second.
 */
export interface DashboardSources {
  provers(): Promise<ProverView[]>;
  proofQueue(): Promise<ProofQueueView>;
  l1(): Promise<L1View>;
  leadership(): LeadershipView;
  /** The other nodes (a standby, or the leader seen from one); none configured gives []. */
  peers(): Promise<PeerView[]>;
}

export interface BatchRow {
  batchNumber: string;
  stage: BatchStatus;
  priority: "liquidation" | "normal";
  txCount: number;
  proverId: string | undefined;
  l1TxHash: string | undefined;
  /** Wall-clock ms per stage (BatchRecord.times). */
  times: {
    sealed: number;
    provingStarted?: number;
    proven?: number;
    submitted?: number;
    verified?: number;
  };
}

/** One latency histogram of rollup_batch_stage_ms: per-bucket (not cumulative) counts. */
export interface StageHistogram {
  stage: string;
  priority: string;
  /** Upper bounds in ms; the last bucket is +Inf, sent as -1 (JSON has no Infinity). */
  le: number[];
  counts: number[];
  count: number;
  sumMs: number;
}

export interface BookLevelView {
  price: string;
  size: string;
  orders: number;
}

export interface MarketRow {
  marketId: number;
  name: string;
  markPrice: string;
  indexPrice: string;
  lastTradePrice: string | undefined;
  openInterest: string;
  lastFundingRate: string;
  breakerTripped: boolean;
  bids: BookLevelView[];
  asks: BookLevelView[];
}

export interface LiquidationRow {
  id: number;
  accountId: number;
  tier: LiquidationTier;
  policy: string;
  openedAtMs: string;
  closedAtMs: string | undefined;
  equityAtTrigger: string;
  maintenanceAtTrigger: string;
  /** Lots closed per tier (absolute), summed over the record's fills. */
  lotsByTier: Record<LiquidationTier, string>;
  penalty: string;
  deficitFromFund: string;
  deficitFromVault: string;
  steps: number;
  swept: boolean;
}

export interface DashboardSnapshot {
  /** Server wall clock (ms) when the snapshot was built. */
  at: number;
  node: {
    role: string;
    epoch: number;
    /** Undefined when the node wired no dashboard sources (a bare API in tests). */
    leadership: LeadershipView | undefined;
    peers: Sourced<PeerView[]>;
  };
  chain: {
    stateRoot: string;
    lastSealedBatch: string;
    lastProvenBatch: string;
    lastVerifiedBatch: string;
    openBatch: string;
    openBatchTxs: number;
    accounts: number;
    l1: Sourced<L1View>;
  };
  /** The most recent batches, newest first. */
  batches: BatchRow[];
  backlog: {
    lanes: { liquidation: number; normal: number };
    liquidationLane: boolean;
    /** Backpressure's view (docs/LANE.md), when it is on. */
    admission: AdmissionView | undefined;
    proofQueue: Sourced<ProofQueueView>;
  };
  histograms: StageHistogram[];
  markets: MarketRow[];
  liquidations: {
    total: number;
    /** The most recent records, newest first. */
    records: LiquidationRow[];
    open: number[];
    zombies: number[];
  };
  funds: {
    insuranceFund: string;
    feePool: string;
    vault: { accountId: number; equity: string; netDeposits: string; pnl: string };
  };
  provers: Sourced<ProverView[]>;
}
