/**
 * Builds the dashboard's snapshot from the sequencer's own state (engine views, batch store, lanes,
 * admission) and the node's slow sources (provers, proof queue, L1). Read-only: building one changes
 * nothing, so any number of pages can watch.
 */

import type { Registry } from "prom-client";
import type { BatchRecord } from "../../batches/batch-record.ts";
import { type LiquidationRecord, type LiquidationTier, TIER_ORDER } from "../../engine/ledger.ts";
import type { Sequencer } from "../../sequencer.ts";
import { admissionView } from "../admission-view.ts";
import type { PipelineStatus } from "../server.ts";
import { stageHistograms } from "./histograms.ts";
import type {
  BatchRow,
  DashboardSnapshot,
  DashboardSources,
  LiquidationRow,
  MarketRow,
  Sourced,
} from "./types.ts";

export interface SnapshotInputs {
  sequencer: Sequencer;
  status: PipelineStatus;
  registry: Registry;
  sources?: DashboardSources | undefined;
  now?: () => number;
}

export interface SnapshotLimits {
  /** Recent batches shown in the pipeline panel. */
  batches: number;
  /** Price levels per side per market. */
  bookDepth: number;
  /** Recent liquidation records. */
  liquidations: number;
}

export const DEFAULT_LIMITS: SnapshotLimits = { batches: 30, bookDepth: 8, liquidations: 20 };

export async function buildSnapshot(
  d: SnapshotInputs,
  limits: SnapshotLimits = DEFAULT_LIMITS,
): Promise<DashboardSnapshot> {
  const { sequencer: seq, status, sources } = d;
  const engine = seq.engine;
  const lastSealed = seq.lastSealed?.batchNumber ?? 0n;
  const [batches, histograms, l1, proofQueue, provers, peers] = await Promise.all([
    recentBatches(seq, lastSealed, limits.batches),
    stageHistograms(d.registry),
    sourced(sources ? () => sources.l1() : undefined),
    sourced(sources ? () => sources.proofQueue() : undefined),
    sourced(sources ? () => sources.provers() : undefined),
    sourced(sources ? () => sources.peers() : undefined),
  ]);
  const global = engine.global();
  const vault = engine.vaultReport();
  const ledger = engine.ledgerTail(limits.liquidations);
  const lanes = seq.lanes.size;
  return {
    at: (d.now ?? Date.now)(),
    node: { role: seq.role, epoch: seq.epoch, leadership: sources?.leadership(), peers },
    chain: {
      stateRoot: hex(status.stateRoot()),
      lastSealedBatch: lastSealed.toString(),
      lastProvenBatch: status.lastProvenBatch().toString(),
      lastVerifiedBatch: status.lastVerifiedBatch().toString(),
      openBatch: seq.openBatchNumber.toString(),
      openBatchTxs: seq.openBatchTxCount,
      accounts: engine.accountCount(),
      l1,
    },
    batches,
    backlog: {
      lanes: { liquidation: lanes.liquidation, normal: lanes.normal },
      liquidationLane: seq.laneOn,
      admission: seq.admission ? admissionView(seq.admission) : undefined,
      proofQueue,
    },
    histograms,
    markets: engine.markets().map((m): MarketRow => {
      const book = engine.book(m.marketId, limits.bookDepth);
      const level = (l: { price: bigint; size: bigint; orders: number }) => ({
        price: l.price.toString(),
        size: l.size.toString(),
        orders: l.orders,
      });
      return {
        marketId: m.marketId,
        name: m.name,
        markPrice: m.markPrice.toString(),
        indexPrice: m.indexPrice.toString(),
        lastTradePrice: m.lastTradePrice?.toString(),
        openInterest: m.openInterest.toString(),
        lastFundingRate: m.lastFundingRate.toString(),
        breakerTripped: m.breakerTripped,
        bids: book.bids.map(level),
        asks: book.asks.map(level),
      };
    }),
    liquidations: {
      total: ledger.total,
      records: ledger.records.reverse().map(liquidationRow),
      open: engine.liquidationsInProgress(),
      zombies: engine.zombies(),
    },
    funds: {
      insuranceFund: global.insuranceFund.toString(),
      feePool: global.feePool.toString(),
      vault: {
        accountId: vault.accountId,
        equity: vault.equity.toString(),
        netDeposits: vault.netDeposits.toString(),
        pnl: vault.pnl.toString(),
      },
    },
    provers,
  };
}

/** Newest first, from the last sealed batch down; a gap (a node seeded from L1) is skipped. */
async function recentBatches(seq: Sequencer, last: bigint, limit: number): Promise<BatchRow[]> {
  const rows: BatchRow[] = [];
  for (let n = last; n >= 1n && rows.length < limit && n > last - BigInt(limit); n--) {
    const r = await seq.batches.get(n);
    if (r) rows.push(batchRow(r));
  }
  return rows;
}

export function batchRow(r: BatchRecord): BatchRow {
  return {
    batchNumber: r.batchNumber.toString(),
    stage: r.status,
    priority: r.priority,
    txCount: r.txCount,
    proverId: r.proverId,
    l1TxHash: r.l1TxHash,
    times: { ...r.times },
  };
}

export function liquidationRow(r: LiquidationRecord): LiquidationRow {
  const lots = Object.fromEntries(TIER_ORDER.map((t) => [t, 0n])) as Record<LiquidationTier, bigint>;
  for (const f of r.fills) lots[f.tier] += f.size < 0n ? -f.size : f.size;
  return {
    id: r.id,
    accountId: r.accountId,
    tier: r.tier,
    policy: r.policy,
    openedAtMs: r.openedAtMs.toString(),
    closedAtMs: r.closedAtMs?.toString(),
    equityAtTrigger: r.equityAtTrigger.toString(),
    maintenanceAtTrigger: r.maintenanceAtTrigger.toString(),
    lotsByTier: Object.fromEntries(TIER_ORDER.map((t) => [t, lots[t].toString()])) as Record<
      LiquidationTier,
      string
    >,
    penalty: r.penalty.toString(),
    deficitFromFund: r.deficitFromFund.toString(),
    deficitFromVault: r.deficitFromVault.toString(),
    steps: r.steps,
    swept: r.swept,
  };
}

/** A failing source becomes its error message, so one dead dependency does not blank the page. */
async function sourced<T>(fn: (() => Promise<T>) | undefined): Promise<Sourced<T>> {
  if (!fn) return { ok: false, error: "not wired in this process" };
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

const hex = (v: bigint) => `0x${v.toString(16).padStart(64, "0")}`;
