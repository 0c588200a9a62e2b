import { engineError } from "./errors.ts";
import { AMOUNT_LIMIT, FIELD_MODULUS, inUnsigned } from "./ranges.ts";
import { keyOf } from "./state.ts";
import type { TxContext } from "./tx-context.ts";
import type { EngineTx, FlowResult } from "./types.ts";

type DepositTx = Extract<EngineTx, { kind: "deposit" }>;

/**
 * Credits an L1 deposit. Deposits must arrive in L1 queue order: `depositIndex` is the 0-based position
 * in the Rollup's deposit queue (deposit k moves the chain from depositHash_k to depositHash_{k+1}), and
 * the engine insists on the next one so a deposit can be neither skipped nor credited twice.
 * An unknown key gets the next free id (ids are dense, so the choice is deterministic).
 */
export function applyDeposit(ctx: TxContext, tx: DepositTx): FlowResult {
  const s = ctx.state;
  if (tx.depositIndex !== s.nextDepositIndex) {
    throw engineError("BAD_DEPOSIT_INDEX", `next deposit index is ${s.nextDepositIndex}`, {
      expected: s.nextDepositIndex,
      got: tx.depositIndex,
    });
  }
  if (tx.amount <= 0n || tx.amount >= AMOUNT_LIMIT)
    throw engineError("BAD_AMOUNT", "deposit amount must be in (0, 2^80)", { amount: tx.amount });
  if (
    !inUnsigned(tx.pubKeyX, FIELD_MODULUS) ||
    !inUnsigned(tx.pubKeyY, FIELD_MODULUS) ||
    (tx.pubKeyX === 0n && tx.pubKeyY === 0n)
  ) {
    // The all-zero key is the empty leaf's key: an account with it would be indistinguishable from empty.
    throw engineError("BAD_KEY", "deposit key must be a non-zero pair of field elements", {});
  }
  let id = s.keyIndex.get(keyOf(tx.pubKeyX, tx.pubKeyY));
  const created = id === undefined;
  if (id === undefined) id = ctx.createAccount(tx.pubKeyX, tx.pubKeyY);
  else ctx.touch(id);
  ctx.acc(id).collateral += tx.amount;
  ctx.consumeDeposit();
  ctx.op({
    kind: "deposit",
    accountId: id,
    depositIndex: tx.depositIndex,
    pubKeyX: tx.pubKeyX,
    pubKeyY: tx.pubKeyY,
    amount: tx.amount,
  });
  if (id === s.params.backstopAccountId) {
    const risk = s.risk;
    ctx.onCommit(() => {
      risk.vaultNetDeposits += tx.amount;
    });
  }
  return { touched: [], fills: [], deposit: { accountId: id, created }, liquidationsDetected: [] };
}
