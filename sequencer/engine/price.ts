import { type LiquidationCandidate, liquidationCandidate, rankLiquidations } from "../risk/liquidation.ts";
import { engineError } from "./errors.ts";
import { MARK_PRICE_LIMIT } from "./ranges.ts";
import type { TxContext } from "./tx-context.ts";
import type { AccountLeaf, ApplyResult, EngineTx, MarketState } from "./types.ts";
import { requireMarket } from "./validate.ts";

type PriceTx = Extract<EngineTx, { kind: "price" }>;

/**
 * The keeper's index price becomes the mark (mark = index until EMA/funding land). Timestamps must
 * strictly increase per market so a replayed or reordered old price cannot move the mark back.
 * Then every holder of that market is checked against maintenance at the new marks.
 */
export function applyPrice(ctx: TxContext, tx: PriceTx): ApplyResult {
  requireMarket(ctx, tx.marketId);
  if (tx.price <= 0n || tx.price >= MARK_PRICE_LIMIT) {
    throw engineError("BAD_PRICE", "index price must be in (0, 2^40)", {
      marketId: tx.marketId,
      price: tx.price,
    });
  }
  const last = ctx.state.lastPriceTimestamp[tx.marketId] as bigint;
  if (tx.timestampMs <= last) {
    throw engineError("STALE_PRICE", "price timestamp must be newer than the last one", {
      marketId: tx.marketId,
      last,
      got: tx.timestampMs,
    });
  }
  ctx.setMark(tx.marketId, tx.price, tx.timestampMs);
  const markets: MarketState[] = ctx.markets.map((mk, m) =>
    m === tx.marketId ? { ...mk, markPrice: tx.price } : mk,
  );
  const cands: LiquidationCandidate[] = [];
  for (const id of ctx.state.holders[tx.marketId] ?? []) {
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
