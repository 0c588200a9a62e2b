import { type MatchPlan, planMatch } from "../matching/matcher.ts";
import type { OrderBook, RestingOrder } from "../matching/order-book.ts";
import { bpsOf, equity, oiScaledInitialRequirement } from "../risk/margin.ts";
import { abs, COLLATERAL_LIMIT, inUnsigned, SIZE_LIMIT } from "./ranges.ts";
import { applyTrade, settleFunding } from "./settlement.ts";
import type { TxContext } from "./tx-context.ts";
import { cloneAccount, type Fill, type MarketState, type Side } from "./types.ts";

export type StopReason = "none" | "max_makers" | "capacity" | "taker_collateral";

export interface MatchRequest {
  marketId: number;
  taker: number;
  side: Side;
  limitPrice: bigint;
  size: bigint;
  takerFeeBps: number;
  /** Liquidations may drive the taker's collateral below zero; the deficit is covered afterwards. */
  allowTakerDeficit: boolean;
  /** Accounts that must still fit in the batch after any maker is added (the liquidation's backstop). */
  reserve: number[];
}

export interface MatchOutcome {
  plan: MatchPlan;
  fills: Fill[];
  stopReason: StopReason;
}

/**
 * Matches a taker against the book and settles every fill into the tx's working accounts. Each fill is
 * first tried on copies of both accounts, so a maker that cannot take it is cancelled (and matching
 * goes on) and a taker that cannot take it ends matching, without half-applied fills.
 */
export function executeMatch(ctx: TxContext, req: MatchRequest): MatchOutcome {
  const { marketId: m, taker } = req;
  const params = ctx.state.params;
  const mp = params.markets[m];
  const market = ctx.markets[m] as MarketState;
  if (!mp) throw new Error(`executeMatch: market ${m}`);
  const book = ctx.state.books[m] as OrderBook;
  const takerSign = req.side === "buy" ? 1n : -1n;
  const fills: Fill[] = [];
  let stopReason: StopReason = "none";

  const plan = planMatch(book, req.side, req.limitPrice, req.size, (o: RestingOrder, wanted: bigint) => {
    if (ctx.isCancelled(o.id)) return { kind: "skip" };
    // Self-trade prevention: the resting order is cancelled, the taker keeps matching deeper.
    if (o.accountId === taker) return { kind: "cancel" };
    if (fills.length >= params.maxMakersPerOrder) {
      stopReason = "max_makers";
      return { kind: "stop" };
    }
    if (!ctx.fits(o.accountId, ...req.reserve)) {
      stopReason = "capacity";
      return { kind: "stop" };
    }
    const size = wanted < o.remaining ? wanted : o.remaining;
    const price = o.price;
    const notional = size * price;
    const makerFee = bpsOf(notional, mp.makerFeeBps);
    const takerFee = bpsOf(notional, req.takerFeeBps);

    const mk = cloneAccount(ctx.acc(o.accountId));
    settleFunding(mk, m, market.fundingIndex);
    const mkEff = applyTrade(mk, m, -takerSign * size, price);
    mk.collateral -= makerFee;
    const mkSize = mk.positions[m]?.size ?? 0n;
    const makerOk =
      inUnsigned(mk.collateral, COLLATERAL_LIMIT) &&
      abs(mkSize) < SIZE_LIMIT &&
      (mkEff.opened === 0n ||
        equity(mk, ctx.markets) >= oiScaledInitialRequirement(mk, ctx.markets, params.markets));
    if (!makerOk) return { kind: "cancel" };

    const tk = cloneAccount(ctx.acc(taker));
    settleFunding(tk, m, market.fundingIndex);
    applyTrade(tk, m, takerSign * size, price);
    tk.collateral -= takerFee;
    if (tk.collateral < 0n && !req.allowTakerDeficit) {
      stopReason = "taker_collateral";
      return { kind: "stop" };
    }

    ctx.touch(o.accountId);
    ctx.put(o.accountId, mk);
    ctx.put(taker, tk);
    ctx.feePool += makerFee + takerFee;
    fills.push({
      marketId: m,
      makerOrderId: o.id,
      maker: o.accountId,
      taker,
      price,
      size,
      takerFee,
      makerFee,
    });
    return { kind: "fill", size };
  });
  ctx.addPlan(plan);
  const last = fills[fills.length - 1];
  if (last) {
    // Hyperliquid's mark takes the last trade as one of its book inputs (mark-price.ts).
    ctx.onCommit(() => {
      const r = ctx.state.risk.markets[m];
      if (r) r.lastTradePrice = last.price;
    });
  }
  return { plan, fills, stopReason };
}
