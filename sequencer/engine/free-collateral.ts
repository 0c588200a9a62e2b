import { equity, oiScaledInitialRequirement } from "../risk/margin.ts";
import { engineError } from "./errors.ts";
import type { TxContext } from "./tx-context.ts";
import type { AccountLeaf, MarketState } from "./types.ts";
import { restingExposure } from "./validate.ts";

/**
 * Takes `amount` of cash out of an account (a withdrawal to L1 or a transfer to a sub-account). Funding
 * is settled first so `collateral` is real cash and not money the account already owes. The account
 * must keep initial margin for its positions and for its resting orders filling (the same worst case
 * and OI-scaled IMF orders are admitted with), or the debit could strand orders it can no longer back.
 */
export function debitFreeCollateral(
  ctx: TxContext,
  accountId: number,
  a: AccountLeaf,
  amount: bigint,
  what: string,
): void {
  ctx.markets.forEach((_mk: MarketState, m) => {
    if (a.positions[m]?.size !== 0n) ctx.settle(accountId, a, m);
  });
  if (a.collateral < amount) {
    throw engineError("INSUFFICIENT_COLLATERAL", `${what} exceeds collateral`, {
      accountId,
      collateral: a.collateral,
    });
  }
  a.collateral -= amount;
  const params = ctx.state.params;
  const required = oiScaledInitialRequirement(
    a,
    ctx.markets,
    params.markets,
    restingExposure(ctx, accountId),
  );
  const value = equity(a, ctx.markets);
  if (value < required) {
    throw engineError("INSUFFICIENT_MARGIN", `${what} would leave the account below initial margin`, {
      accountId,
      equityAfter: value,
      required,
    });
  }
}
