import { equity, oiScaledInitialRequirement } from "../risk/margin.ts";
import { engineError } from "./errors.ts";
import { AMOUNT_LIMIT, inUnsigned, L1_ADDRESS_LIMIT } from "./ranges.ts";
import { settleFunding } from "./settlement.ts";
import type { TxContext } from "./tx-context.ts";
import type { ApplyResult, EngineTx, MarketState } from "./types.ts";
import { restingExposure, useNonce } from "./validate.ts";

type WithdrawalTx = Extract<EngineTx, { kind: "withdrawal" }>;

/**
 * Debits collateral for payment on L1. Funding is settled first so `collateral` is real cash and not
 * money the account already owes. The account must keep initial margin for its positions and for its
 * resting orders filling (the same worst case orders are admitted with), or a withdrawal could strand
 * orders the account can no longer back.
 */
export function applyWithdrawal(ctx: TxContext, tx: WithdrawalTx): ApplyResult {
  if (tx.amount <= 0n || tx.amount >= AMOUNT_LIMIT)
    throw engineError("BAD_AMOUNT", "withdrawal amount must be in (0, 2^80)", { amount: tx.amount });
  if (!inUnsigned(tx.l1Address, L1_ADDRESS_LIMIT))
    throw engineError("BAD_ADDRESS", "l1Address must be a 160-bit address", {});
  const a = useNonce(ctx, tx.accountId, tx.nonce);
  ctx.touch(tx.accountId);
  ctx.markets.forEach((mk: MarketState, m) => {
    if (a.positions[m]?.size !== 0n) settleFunding(a, m, mk.fundingIndex);
  });
  if (a.collateral < tx.amount) {
    throw engineError("INSUFFICIENT_COLLATERAL", "withdrawal exceeds collateral", {
      accountId: tx.accountId,
      collateral: a.collateral,
    });
  }
  a.collateral -= tx.amount;
  const params = ctx.state.params;
  // The same OI-scaled IMF as order admission: a withdrawal must not leave less margin than an order may.
  const required = oiScaledInitialRequirement(
    a,
    ctx.markets,
    params.markets,
    restingExposure(ctx, tx.accountId),
  );
  const value = equity(a, ctx.markets);
  if (value < required) {
    throw engineError("INSUFFICIENT_MARGIN", "withdrawal would leave the account below initial margin", {
      accountId: tx.accountId,
      equityAfter: value,
      required,
    });
  }
  if (tx.accountId === ctx.state.params.backstopAccountId) {
    const risk = ctx.state.risk;
    ctx.onCommit(() => {
      risk.vaultNetDeposits -= tx.amount;
    });
  }
  return {
    touched: [],
    fills: [],
    withdrawal: { accountId: tx.accountId, l1Address: tx.l1Address, amount: tx.amount },
    liquidationsDetected: [],
  };
}
