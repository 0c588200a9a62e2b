import { engineError } from "./errors.ts";
import { debitFreeCollateral } from "./free-collateral.ts";
import { AMOUNT_LIMIT, inUnsigned, L1_ADDRESS_LIMIT } from "./ranges.ts";
import type { TxContext } from "./tx-context.ts";
import type { EngineTx, FlowResult } from "./types.ts";
import { useNonce } from "./validate.ts";

type WithdrawalTx = Extract<EngineTx, { kind: "withdrawal" }>;

/** Debits collateral for payment on L1, keeping initial margin (free-collateral.ts). */
export function applyWithdrawal(ctx: TxContext, tx: WithdrawalTx): FlowResult {
  if (tx.amount <= 0n || tx.amount >= AMOUNT_LIMIT)
    throw engineError("BAD_AMOUNT", "withdrawal amount must be in (0, 2^80)", { amount: tx.amount });
  if (!inUnsigned(tx.l1Address, L1_ADDRESS_LIMIT))
    throw engineError("BAD_ADDRESS", "l1Address must be a 160-bit address", {});
  // Rollup.sol refuses a batch that pays address 0 (nobody can claim it): refusing it here, before the
  // nonce and the collateral are touched, keeps such a withdrawal out of every batch.
  if (tx.l1Address === 0n)
    throw engineError("BAD_ADDRESS", "l1Address must not be the zero address: nobody could claim it", {
      l1Address: "0x0000000000000000000000000000000000000000",
    });
  const a = useNonce(ctx, tx.accountId, tx.nonce);
  ctx.touch(tx.accountId);
  debitFreeCollateral(ctx, tx.accountId, a, tx.amount, "withdrawal");
  ctx.op({
    kind: "withdrawal",
    accountId: tx.accountId,
    nonce: tx.nonce,
    amount: tx.amount,
    l1Address: tx.l1Address,
  });
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
