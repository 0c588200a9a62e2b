import type { FundSample } from "../risk/insurance-fund.ts";
import type { TakeoverRecord } from "../risk/liquidation/backstop-vault.ts";
import type { ChunkState } from "../risk/liquidation/on-book.ts";
import { INITIAL_MARK_STATE, type MarkEmaState } from "../risk/mark-price.ts";
import type { BreakerState, IndexSample } from "../risk/oracle.ts";
import type { LiquidationRecord } from "./ledger.ts";

/**
 * Off-tree risk state: what the mark, funding, breaker and waterfall remember between txs. None of it
 * is in the state root, but all of it is a pure function of the tx log, so a replay rebuilds it exactly.
 * Only TxContext.onCommit hooks write it, so a rejected tx leaves it untouched.
 */
export interface MarketRiskState {
  /** Last accepted index price. */
  index: IndexSample | undefined;
  /** Accepted index samples inside the breaker's TWAP window, oldest first. */
  indexSamples: IndexSample[];
  breaker: BreakerState;
  markState: MarkEmaState;
  /** Price of the last fill in this market (Hyperliquid's median uses it). */
  lastTradePrice: bigint | undefined;
  /** Premium-rate samples of the current funding period, oldest first. */
  premiumSamples: bigint[];
  lastSampleMs: bigint | undefined;
  /** When funding was last paid (or the first index arrived). */
  lastFundingMs: bigint | undefined;
  /** Rate of the last funding payment (RATE_SCALE). */
  lastFundingRate: bigint;
}

/** A liquidation event in progress: its ledger record and the on-book chunk schedule. */
export interface LiquidationProgress {
  recordId: number;
  /** Per market: when its next on-book chunk may go. */
  chunk: ChunkState[];
}

export class RiskState {
  /** Engine time: the latest sequencer receive time seen on a price tx (ms). */
  nowMs = 0n;
  readonly markets: MarketRiskState[];
  /** Vault (backstop) takeovers inside the last hour, for its capacity windows. */
  vaultTakeovers: TakeoverRecord[] = [];
  /** Insurance fund balance after each change, inside the drawdown window. */
  fundSamples: FundSample[] = [];
  readonly inProgress = new Map<number, LiquidationProgress>();
  readonly ledger: LiquidationRecord[] = [];
  /** Cash deposited into and withdrawn from the vault account, so its PnL excludes them. */
  vaultNetDeposits = 0n;

  constructor(marketCount: number) {
    this.markets = Array.from({ length: marketCount }, () => ({
      index: undefined,
      indexSamples: [],
      breaker: { tripped: false },
      markState: INITIAL_MARK_STATE,
      lastTradePrice: undefined,
      premiumSamples: [],
      lastSampleMs: undefined,
      lastFundingMs: undefined,
      lastFundingRate: 0n,
    }));
  }
}
