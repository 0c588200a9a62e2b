import { crosses, type MatchPlan } from "../matching/matcher.ts";
import { type OrderBook, RestingOrder } from "../matching/order-book.ts";
import {
  bpsOf,
  equity,
  oiScaledInitialRequirement,
  type RestingExposure,
  worstCaseSize,
} from "../risk/margin.ts";
import { engineError } from "./errors.ts";
import { executeMatch, type MatchOutcome } from "./execute-match.ts";
import { requireBreakerAllows } from "./market-risk.ts";
import type { MarketParams } from "./params.ts";
import { orderTermsOfTx } from "./proof-terms.ts";
import { abs, SIZE_LIMIT } from "./ranges.ts";
import type { MarketRiskState } from "./risk-state.ts";
import { longSize } from "./settlement.ts";
import type { TxContext } from "./tx-context.ts";
import type { AccountLeaf, EngineTx, Fill, FlowResult, MarketState, OrderStatus, Position } from "./types.ts";
import { DEFAULT_MAX_FEE_BPS, NO_EXPIRY_MS } from "./types.ts";
import { checkNonce, requireMark, requireMarket, restingExposure } from "./validate.ts";

type OrderTx = Extract<EngineTx, { kind: "order" }>;

const BPS = 10_000n;

export function checkOrderPrice(mp: MarketParams, price: bigint, marketId: number): void {
  if (price <= 0n || price > mp.maxPrice || price % mp.tickSize !== 0n) {
    throw engineError("BAD_PRICE", "price must be positive, at most maxPrice and a multiple of the tick", {
      marketId,
      price,
      tickSize: mp.tickSize,
      maxPrice: mp.maxPrice,
    });
  }
}

/**
 * The worst price a market order may fill at: the mark moved by the band, rounded to the tick toward the
 * mark (so the band is never exceeded). A non-zero client price tightens it like a slippage limit.
 */
export function marketOrderLimit(
  mp: MarketParams,
  mark: bigint,
  side: "buy" | "sell",
  bandBps: number,
  clientPrice: bigint,
): bigint {
  const band = BigInt(bandBps);
  let limit: bigint;
  if (side === "buy") {
    limit = ((mark * (BPS + band)) / BPS / mp.tickSize) * mp.tickSize;
    if (limit > mp.maxPrice) limit = (mp.maxPrice / mp.tickSize) * mp.tickSize;
    if (clientPrice > 0n && clientPrice < limit) limit = clientPrice;
  } else {
    const raw = mark * (BPS - band);
    limit = ((raw + BPS * mp.tickSize - 1n) / (BPS * mp.tickSize)) * mp.tickSize;
    if (clientPrice > limit) limit = clientPrice;
  }
  return limit;
}

/**
 * Order admission and matching.
 * - Margin is checked up front for the worst case: the order fully filled at its limit price (the gap to
 *   the mark counts as an immediate loss, plus the taker fee) on top of the account's other resting
 *   orders all filling on their riskier side. Orders that do not raise that worst-case exposure (pure
 *   reductions) skip the check so a trader can always de-risk. The IMF is the dYdX v4 OI-scaled one
 *   (margin.ts `oiScaledImf`) for markets with `imfOiScaling`.
 * - The same "raises worst-case exposure" test decides what a tripped circuit breaker refuses
 *   (BREAKER_TRIPPED): reductions, like liquidations (which do not come through here), always go on.
 * - Open-interest cap (`oiCapLots`): fills that would leave OI above the cap and higher than before are
 *   refused (OI_CAP). A taker that only reduces cannot raise OI (its long side shrinks by what the maker's
 *   may grow), so reductions always pass.
 * - Remainders: GTC limit orders rest; IOC and market orders cancel the rest. When matching was cut short
 *   while the book still crossed (batch capacity, maxMakersPerOrder, the taker's own collateral or margin), the
 *   remainder is cancelled even for GTC, because resting it would leave a crossed book.
 */
export function placeOrder(ctx: TxContext, tx: OrderTx, seq: bigint): FlowResult {
  const params = ctx.state.params;
  const mp = requireMarket(ctx, tx.marketId);
  const m = tx.marketId;
  if (
    (tx.side !== "buy" && tx.side !== "sell") ||
    (tx.type !== "limit" && tx.type !== "market") ||
    (tx.tif !== "GTC" && tx.tif !== "IOC")
  ) {
    throw engineError("BAD_TX", "side, type or tif is not one of the allowed values", {
      side: tx.side,
      type: tx.type,
      tif: tx.tif,
    });
  }
  if (tx.size < mp.minOrderSize || tx.size > mp.maxOrderSize) {
    throw engineError("SIZE_OUT_OF_RANGE", `size must be in [${mp.minOrderSize}, ${mp.maxOrderSize}]`, {
      size: tx.size,
    });
  }
  if (ctx.state.isLiveOrderId(seq)) {
    // Order ids are log positions; a repeat means the caller reused a seq, which would corrupt the book.
    throw engineError("DUPLICATE_ORDER_ID", `seq ${seq} is already a live order id`, { seq });
  }
  const iso = ctx.state.isolated.get(tx.accountId);
  if (iso && iso.marketId !== m) {
    throw engineError("ISOLATED_MARKET", `account ${tx.accountId} is isolated to market ${iso.marketId}`, {
      accountId: tx.accountId,
      isolatedMarket: iso.marketId,
      marketId: m,
    });
  }
  const isMarket = tx.type === "market";
  if (!isMarket || tx.price !== 0n) checkOrderPrice(mp, tx.price, m);
  checkOrderTerms(ctx, mp, tx);
  checkNonce(ctx, tx.accountId, tx.nonce);
  // Read-only until the order is accepted: the committed leaf has the positions and collateral the
  // working copy would have (only its nonce differs), so an order refused below copies nothing.
  const taker = ctx.peek(tx.accountId) as AccountLeaf;
  cancelSlotPredecessors(ctx, tx.accountId, tx.nonce);
  const mark = requireMark(ctx, m);
  const limitPrice = isMarket
    ? marketOrderLimit(mp, mark, tx.side, params.marketOrderBandBps, tx.price)
    : tx.price;
  if (limitPrice <= 0n)
    throw engineError("BAD_PRICE", "market order band leaves no valid price", { marketId: m, mark });

  const pos = taker.positions[m] as Position;
  const signed = tx.side === "buy" ? tx.size : -tx.size;
  const sizeBefore = pos.size;
  if (abs(sizeBefore + signed) >= SIZE_LIMIT) {
    throw engineError("SIZE_OUT_OF_RANGE", "position would exceed the leaf's size range", { marketId: m });
  }

  const resting = restingExposure(ctx, tx.accountId);
  const r = resting[m] as RestingExposure;
  const withOrder =
    tx.side === "buy" ? { buy: r.buy + tx.size, sell: r.sell } : { buy: r.buy, sell: r.sell + tx.size };
  if (worstCaseSize(pos.size, withOrder) > worstCaseSize(pos.size, r)) {
    requireBreakerAllows(ctx.state.risk.markets[m] as MarketRiskState, m, tx.accountId);
    resting[m] = withOrder;
    const required = oiScaledInitialRequirement(taker, ctx.markets, params.markets, resting);
    const gap = tx.side === "buy" ? limitPrice - mark : mark - limitPrice;
    const adverse = gap > 0n ? gap * tx.size : 0n;
    const fee = bpsOf(tx.size * limitPrice, mp.takerFeeBps);
    const value = equity(taker, ctx.markets);
    if (value - adverse - fee < required) {
      throw engineError("INSUFFICIENT_MARGIN", "order needs more initial margin than the account has", {
        accountId: tx.accountId,
        equity: value,
        required: required + adverse + fee,
      });
    }
  }

  ctx.acc(tx.accountId).nonce = tx.nonce; // useNonce, past its check
  ctx.touch(tx.accountId);
  // An order that does not cross the book has nothing to match (the common resting order): skip the
  // matcher, which would walk no level and return exactly this.
  const { plan, fills, stopReason, anyOpened } = crossesBook(ctx, m, tx.side, limitPrice)
    ? executeMatch(ctx, {
        marketId: m,
        taker: tx.accountId,
        side: tx.side,
        limitPrice,
        size: tx.size,
        takerFeeBps: mp.takerFeeBps,
        allowTakerDeficit: false,
        reserve: [],
        proof: { kind: "order", taker: orderTermsOfTx(tx) },
      })
    : noMatch();

  if (fills.length === 0 && stopReason === "capacity") {
    throw engineError("BATCH_CAPACITY", "no maker of this order fits in the batch", {
      accountId: tx.accountId,
    });
  }
  if (fills.length === 0 && stopReason === "taker_margin") {
    throw engineError("INSUFFICIENT_MARGIN", "the first fill would leave the account below initial margin", {
      accountId: tx.accountId,
    });
  }
  if (fills.length === 0 && stopReason === "taker_collateral") {
    throw engineError("INSUFFICIENT_COLLATERAL", "the first fill would leave collateral negative", {
      accountId: tx.accountId,
    });
  }

  // Belt and braces for the up-front check: a taker some fill of which opened risk (grew the position
  // or flipped it, even to a smaller opposite one) must end above initial margin.
  const after = ctx.acc(tx.accountId);
  if (
    anyOpened &&
    equity(after, ctx.markets) < oiScaledInitialRequirement(after, ctx.markets, params.markets)
  ) {
    throw engineError("INSUFFICIENT_MARGIN", "fills would leave the account below initial margin", {
      accountId: tx.accountId,
    });
  }

  if (mp.oiCapLots > 0n && fills.length > 0) requireUnderOiCap(ctx, m, mp.oiCapLots, tx.accountId, fills);

  const remaining = tx.size - plan.filled;
  let status: OrderStatus;
  if (remaining === 0n) status = "filled";
  else if (!isMarket && tx.tif === "GTC" && stopReason === "none") {
    ctx.rest(
      // The signed terms as orderTermsOfTx fills them in (defaults for an unset cap or expiry).
      new RestingOrder(seq, tx.accountId, m, tx.side, tx.price, tx.size, remaining, {
        nonce: tx.nonce,
        type: tx.type,
        tif: tx.tif,
        maxFeeBps: tx.maxFeeBps ?? DEFAULT_MAX_FEE_BPS,
        expiryMs: tx.expiryMs ?? NO_EXPIRY_MS,
      }),
    );
    status = "resting";
  } else status = plan.filled > 0n ? "partially_filled" : "cancelled";

  return { touched: [], orderId: seq, status, fills, liquidationsDetected: [] };
}

/** Does the best opposite level cross `limitPrice`? (What `planMatch` checks before its first maker.) */
function crossesBook(ctx: TxContext, m: number, side: "buy" | "sell", limitPrice: bigint): boolean {
  const book = ctx.state.books[m] as OrderBook;
  const best = (side === "buy" ? book.asks : book.bids).best();
  return best !== undefined && crosses(side, limitPrice, best.price);
}

/** The plan of a match that walked no level: nothing to fill or cancel, so nothing for commit to do. */
const NO_PLAN: MatchPlan = Object.freeze({
  fills: Object.freeze([]) as unknown as MatchPlan["fills"],
  cancels: Object.freeze([]) as unknown as MatchPlan["cancels"],
  filled: 0n,
  stopped: false,
}) as MatchPlan;

/**
 * What `executeMatch` returns for a book that does not cross. Its empty plan is not handed to the tx
 * context: an empty plan changes nothing at commit.
 */
function noMatch(): MatchOutcome {
  return { plan: NO_PLAN, fills: [], stopReason: "none", anyOpened: false };
}

/**
 * The order's signed fee cap and expiry (docs/PROOF.md: the proof checks every fill against both).
 * FEE_CAP: the cap is below a fee the market may charge the order (it pays the taker fee when it takes,
 * the maker fee when it rests and is hit). ORDER_EXPIRED: the expiry is not after engine time.
 */
function checkOrderTerms(ctx: TxContext, mp: MarketParams, tx: OrderTx): void {
  const cap = tx.maxFeeBps ?? DEFAULT_MAX_FEE_BPS;
  const expiry = tx.expiryMs ?? NO_EXPIRY_MS;
  if (!Number.isInteger(cap) || cap < 0 || cap > 10_000 || expiry < 0n || expiry > NO_EXPIRY_MS) {
    throw engineError("BAD_TX", "maxFeeBps must be an integer in [0, 10000] and expiryMs in [0, 2^48)", {
      maxFeeBps: tx.maxFeeBps,
      expiryMs: tx.expiryMs,
    });
  }
  const fee = mp.takerFeeBps > mp.makerFeeBps ? mp.takerFeeBps : mp.makerFeeBps;
  if (cap < fee) {
    throw engineError("FEE_CAP", `the order's fee cap of ${cap} bps is below the market's ${fee} bps`, {
      marketId: tx.marketId,
      maxFeeBps: cap,
      feeBps: fee,
    });
  }
  if (expiry <= ctx.nowMs) {
    throw engineError("ORDER_EXPIRED", "the order's expiry is not after engine time", {
      expiryMs: expiry,
      nowMs: ctx.nowMs,
    });
  }
}

/**
 * Order-fill slots (docs/PROOF.md): the proof tracks an order's fills in slot nonce mod 2^orderSlotBits
 * of its account's tree, and an order landing on a slot evicts the older one there for good. So a
 * resting order of the same account on the new order's slot is cancelled first.
 */
function cancelSlotPredecessors(ctx: TxContext, accountId: number, nonce: bigint): void {
  const mine = ctx.state.ordersByAccount.get(accountId);
  if (!mine) return;
  // Slots as Numbers: nonces here are below 2^33 (a resting order's was committed under NONCE_LIMIT,
  // this one is at most one above its account's), so `n % 2^bits` is exact and equals `n & mask`.
  const slots = ctx.state.orderSlotCount;
  const slot = Number(nonce) % slots;
  for (const o of mine.values()) {
    if (o.terms.nonce < nonce && Number(o.terms.nonce) % slots === slot) ctx.cancelOrder(o);
  }
}

/** Open interest (Σ long sizes) after this order's fills, from the working copies of everyone who traded. */
function requireUnderOiCap(
  ctx: TxContext,
  m: number,
  cap: bigint,
  taker: number,
  fills: readonly Fill[],
): void {
  const before = (ctx.markets[m] as MarketState).openInterest;
  let after = before;
  for (const id of new Set([taker, ...fills.map((f) => f.maker)])) {
    const was = ctx.state.accounts[id]?.positions[m]?.size ?? 0n;
    after += longSize((ctx.acc(id).positions[m] as Position).size) - longSize(was);
  }
  if (after > cap && after > before) {
    throw engineError("OI_CAP", "fills would raise open interest above the market's cap", {
      marketId: m,
      accountId: taker,
      openInterest: before,
      after,
      cap,
    });
  }
}
