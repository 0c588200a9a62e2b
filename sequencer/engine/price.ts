import { type LiquidationCandidate, liquidationCandidate, rankLiquidations } from "../risk/liquidation.ts";
import { engineError } from "./errors.ts";
import { IMPACT_BOOK_DEPTH, priceStep } from "./market-risk.ts";
import { MARK_PRICE_LIMIT } from "./ranges.ts";
import type { MarketRiskState } from "./risk-state.ts";
import type { TxContext } from "./tx-context.ts";
import type { AccountLeaf, EngineTx, FlowResult, MarketState } from "./types.ts";
import { requireMarket } from "./validate.ts";

type PriceTx = Extract<EngineTx, { kind: "price" }>;

/**
 * The keeper's index price, in order:
 * 1. Oracle guard (oracle.ts): STALE_ORACLE, ORACLE_NOT_MONOTONIC (a replayed or reordered old price
 *    must not move the mark back), ORACLE_DEVIATION. Freshness is judged at the sequencer's receive
 *    time (`nowMs`, logged in the WAL with the tx), not at apply time, so a replay decides the same.
 * 2. Breaker: the index against its TWAP; while tripped, orders adding exposure are refused.
 * 3. Mark from `params.risk.mark` (index, impact EMA or Hyperliquid's median); margin and liquidation
 *    read the mark, never the last trade.
 * 4. Funding: premium samples and, when a period closes, the global funding index moves.
 * 5. Every holder of that market is checked against maintenance at the new mark and funding index.
 */
export function applyPrice(ctx: TxContext, tx: PriceTx): FlowResult {
  const mp = requireMarket(ctx, tx.marketId);
  const m = tx.marketId;
  if (tx.price <= 0n || tx.price >= MARK_PRICE_LIMIT) {
    throw engineError("BAD_PRICE", "index price must be in (0, 2^40)", { marketId: m, price: tx.price });
  }
  const received = tx.nowMs ?? tx.timestampMs;
  // Engine time never runs backwards, even if the sequencer's clock did between two receipts.
  const nowMs = received > ctx.nowMs ? received : ctx.nowMs;
  const book = ctx.state.books[m];
  const risk = ctx.state.risk.markets[m] as MarketRiskState;
  const market = ctx.markets[m] as MarketState;
  const step = priceStep(ctx.state.params.risk, mp, risk, {
    marketId: m,
    price: tx.price,
    timestampMs: tx.timestampMs,
    nowMs,
    fundingIndex: market.fundingIndex,
    bids: book?.bids.depth(IMPACT_BOOK_DEPTH) ?? [],
    asks: book?.asks.depth(IMPACT_BOOK_DEPTH) ?? [],
  });

  ctx.setMark(m, step.mark, tx.timestampMs);
  if (step.fundingPaid) ctx.setFundingIndex(m, step.fundingIndex);
  ctx.op({
    kind: "price",
    marketId: m,
    indexPrice: tx.price,
    timestampMs: tx.timestampMs,
    mark: step.mark,
    fundingIndex: step.fundingPaid ? step.fundingIndex : market.fundingIndex,
  });
  ctx.onCommit(() => {
    const r = ctx.state.risk;
    if (nowMs > r.nowMs) r.nowMs = nowMs;
    Object.assign(r.markets[m] as MarketRiskState, step.next);
  });

  const markets: MarketState[] = ctx.markets.map((mk, i) =>
    i === m ? { ...mk, markPrice: step.mark, fundingIndex: step.fundingIndex } : mk,
  );
  const cands: LiquidationCandidate[] = [];
  for (const id of ctx.state.holders[m] ?? []) {
    const c = liquidationCandidate(
      id,
      ctx.state.accounts[id] as AccountLeaf,
      markets,
      ctx.state.params.markets,
    );
    if (c) cands.push(c);
  }
  return { touched: [], fills: [], liquidationsDetected: rankLiquidations(cands) };
}
