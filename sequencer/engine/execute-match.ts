import { type MatchPlan, planMatch } from "../matching/matcher.ts";
import type { OrderBook, RestingOrder } from "../matching/order-book.ts";
import type { OrderTerms, ProofOp } from "../proof/ops.ts";
import { liquidationCandidate } from "../risk/liquidation.ts";
import { bpsOf, equity, initialRequirement, oiScaledInitialRequirement } from "../risk/margin.ts";
import { orderTermsOfResting } from "./proof-terms.ts";
import { abs, COLLATERAL_LIMIT, inUnsigned, SIZE_LIMIT } from "./ranges.ts";
import { applyTrade } from "./settlement.ts";
import type { TxContext } from "./tx-context.ts";
import { cloneAccount, type Fill, type Side } from "./types.ts";

export type StopReason =
  | "none"
  | "max_makers"
  | "capacity"
  | "taker_collateral"
  /** The next fill would open risk and leave the taker below the base initial margin. */
  | "taker_margin"
  /** A liquidation's taker is no longer below maintenance: nothing more may be closed without its signature. */
  | "recovered";

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
  /**
   * How the fills are proven: an order's `fill` ops (with the taker's signed terms; each fill that opens
   * risk must leave the taker at or above the base initial margin), or a liquidation's on-book
   * `liquidation-fill` ops (each made only while the taker is still below maintenance).
   */
  proof: { kind: "order"; taker: OrderTerms } | { kind: "liquidation" };
}

export interface MatchOutcome {
  plan: MatchPlan;
  fills: Fill[];
  stopReason: StopReason;
  /** Some fill opened risk for the taker (grew its position or flipped it). */
  anyOpened: boolean;
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
  if (!mp) throw new Error(`executeMatch: market ${m}`);
  const book = ctx.state.books[m] as OrderBook;
  const takerSign = req.side === "buy" ? 1n : -1n;
  const fills: Fill[] = [];
  let stopReason: StopReason = "none";
  let anyOpened = false;
  const proof = req.proof;

  const plan = planMatch(book, req.side, req.limitPrice, req.size, (o: RestingOrder, wanted: bigint) => {
    if (ctx.isCancelled(o.id)) return { kind: "skip" };
    // Self-trade prevention: the resting order is cancelled, the taker keeps matching deeper.
    if (o.accountId === taker) return { kind: "cancel" };
    // An expired order can no longer be filled in any batch (the proof checks the signed expiry).
    if (o.terms.expiryMs <= ctx.nowMs) return { kind: "cancel" };
    if (
      proof.kind === "liquidation" &&
      liquidationCandidate(taker, ctx.acc(taker), ctx.markets, params.markets) === undefined
    ) {
      stopReason = "recovered";
      return { kind: "stop" };
    }
    if (fills.length >= params.maxMakersPerOrder) {
      stopReason = "max_makers";
      return { kind: "stop" };
    }
    if (!(req.reserve.length === 0 ? ctx.fits(o.accountId) : ctx.fits(o.accountId, ...req.reserve))) {
      stopReason = "capacity";
      return { kind: "stop" };
    }
    const size = wanted < o.remaining ? wanted : o.remaining;
    const price = o.price;
    const notional = size * price;
    const makerFee = bpsOf(notional, mp.makerFeeBps);
    const takerFee = bpsOf(notional, req.takerFeeBps);

    const pending: ProofOp[] = [];
    // The trial copy is taken from the working copy if the maker has one, else straight from the
    // committed leaf (`ctx.put` adopts it if the fill is accepted; a refused maker leaves no copy).
    const mk = cloneAccount(ctx.peek(o.accountId) ?? ctx.acc(o.accountId));
    ctx.settle(o.accountId, mk, m, pending);
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
    ctx.settle(taker, tk, m, pending);
    const tkEff = applyTrade(tk, m, takerSign * size, price);
    tk.collateral -= takerFee;
    if (tk.collateral < 0n && !req.allowTakerDeficit) {
      stopReason = "taker_collateral";
      return { kind: "stop" };
    }
    // The proof's rule for every fill (docs/PROOF.md "risk grew"), at the base IMF; the order's
    // OI-scaled check of the whole order comes after matching.
    if (
      proof.kind === "order" &&
      tkEff.opened > 0n &&
      equity(tk, ctx.markets) < initialRequirement(tk, ctx.markets, params.markets)
    ) {
      stopReason = "taker_margin";
      return { kind: "stop" };
    }
    if (tkEff.opened > 0n) anyOpened = true;

    ctx.touch(o.accountId);
    ctx.put(o.accountId, mk);
    ctx.put(taker, tk);
    ctx.feePool += makerFee + takerFee;
    for (const op of pending) ctx.op(op);
    const makerTerms = orderTermsOfResting(o);
    if (proof.kind === "order") {
      ctx.op({
        kind: "fill",
        marketId: m,
        taker: proof.taker,
        maker: makerTerms,
        size,
        price,
        takerFee,
        makerFee,
      });
    } else {
      ctx.op({
        kind: "liquidation-fill",
        tier: "on-book",
        marketId: m,
        liquidated: taker,
        counterparty: o.accountId,
        counterOrder: makerTerms,
        size: takerSign * size,
        price,
        counterFee: makerFee,
      });
    }
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
  return { plan, fills, stopReason, anyOpened };
}
