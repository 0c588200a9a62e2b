import { adlTriggered } from "../../risk/insurance-fund.ts";
import type { TakeoverRecord } from "../../risk/liquidation/backstop-vault.ts";
import type { ChunkState } from "../../risk/liquidation/on-book.ts";
import { deeperTier, type LedgerFill, type LiquidationRecord, type LiquidationTier } from "../ledger.ts";
import type { TxContext } from "../tx-context.ts";
import type { Fill, MarketState } from "../types.ts";

/**
 * One liquidation tx's working memory: the event's ledger record and chunk schedule (copies, written back
 * by a commit hook), what the tiers closed, and what the insurance fund may still pay for this event.
 */
export class LiquidationRun {
  readonly policy;
  readonly backstop: number;
  closedNotional = 0n;
  /** Book fills of this tx, in the shape every other tx reports them. */
  readonly bookFills: Fill[] = [];
  readonly newTakeovers: TakeoverRecord[] = [];
  /** OKX-style: the fund fell too far inside its window, so deficits go to ADL instead. */
  readonly drawdownAdl: boolean;

  constructor(
    readonly ctx: TxContext,
    readonly accountId: number,
    readonly seq: bigint,
    readonly record: LiquidationRecord,
    readonly chunks: ChunkState[],
    readonly rng: () => number,
  ) {
    const p = ctx.state.params;
    this.policy = p.risk.liquidation;
    this.backstop = p.backstopAccountId;
    const dd = p.risk.insurance.drawdown;
    this.drawdownAdl = dd !== undefined && adlTriggered(ctx.state.risk.fundSamples, ctx.nowMs, dd);
  }

  get now(): bigint {
    return this.ctx.nowMs;
  }

  /** What the fund may still pay towards this event: its balance, capped per event, 0 under drawdown. */
  fundAvailable(): bigint {
    if (this.drawdownAdl) return 0n;
    const cap = this.ctx.state.params.risk.insurance.maxCoverPerEvent - this.record.deficitFromFund;
    const bal = this.ctx.insuranceFund;
    const a = bal < cap ? bal : cap;
    return a > 0n ? a : 0n;
  }

  fill(tier: LiquidationTier, marketId: number, size: bigint, price: bigint, counterparty: number): void {
    const mark = (this.ctx.markets[marketId] as MarketState).markPrice;
    const f: LedgerFill = { tier, marketId, size, price, mark, counterparty, atMs: this.now, seq: this.seq };
    this.record.fills.push(f);
    this.record.tier = deeperTier(this.record.tier, tier);
  }
}
