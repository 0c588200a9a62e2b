import type { RestingExposure } from "../risk/margin.ts";
import { engineError } from "./errors.ts";
import type { EngineParams, MarketParams } from "./params.ts";
import type { TxContext } from "./tx-context.ts";
import type { AccountLeaf, MarketState } from "./types.ts";

/** Shared admission checks. Each throws the matching typed error; none mutates anything. */

export function requireMarket(ctx: TxContext, marketId: number): MarketParams {
  return marketParamsOf(ctx.state.params, marketId);
}

/** `requireMarket` without a tx context. */
export function marketParamsOf(params: EngineParams, marketId: number): MarketParams {
  const mp = Number.isInteger(marketId) ? params.markets[marketId] : undefined;
  if (!mp) throw engineError("UNKNOWN_MARKET", `unknown market ${marketId}`, { marketId });
  return mp;
}

export function requireMark(ctx: TxContext, marketId: number): bigint {
  const mark = (ctx.markets[marketId] as MarketState).markPrice;
  if (mark <= 0n) throw engineError("NO_PRICE", `market ${marketId} has no mark price yet`, { marketId });
  return mark;
}

/**
 * Checks `nonce == account.nonce + 1` without copying the account: what `useNonce` would refuse, this
 * refuses with the same error, so a flow can run its other read-only checks before paying for the copy.
 */
export function checkNonce(ctx: TxContext, accountId: number, nonce: bigint): void {
  checkNonceOf(ctx.exists(accountId) ? ctx.peek(accountId) : undefined, accountId, nonce);
}

/** `checkNonce` on the leaf the tx sees for `accountId` (undefined: there is no such account). */
export function checkNonceOf(a: AccountLeaf | undefined, accountId: number, nonce: bigint): void {
  if (!a) throw engineError("UNKNOWN_ACCOUNT", `unknown account ${accountId}`, { accountId });
  if (nonce !== a.nonce + 1n) {
    throw engineError("BAD_NONCE", `nonce must be ${a.nonce + 1n}`, {
      accountId,
      expected: a.nonce + 1n,
      got: nonce,
    });
  }
}

/** Checks `nonce == account.nonce + 1` and advances it on the working copy. */
export function useNonce(ctx: TxContext, accountId: number, nonce: bigint): AccountLeaf {
  checkNonce(ctx, accountId, nonce);
  const a = ctx.acc(accountId);
  a.nonce = nonce;
  return a;
}

/** Lots still open on each side per market for an account, leaving out orders this tx cancels. O(M). */
export function restingExposure(ctx: TxContext, accountId: number): RestingExposure[] {
  const totals = ctx.state.restingTotals.get(accountId);
  const out = ctx.markets.map((_, m) => ({ buy: totals?.[m]?.buy ?? 0n, sell: totals?.[m]?.sell ?? 0n }));
  if (!totals || !ctx.cancelsAny) return out;
  for (const o of ctx.cancelsOf(accountId)) {
    const e = out[o.marketId] as RestingExposure;
    if (o.side === "buy") e.buy -= o.remaining;
    else e.sell -= o.remaining;
  }
  return out;
}
