import { engineError } from "./errors.ts";
import { debitFreeCollateral } from "./free-collateral.ts";
import { AMOUNT_LIMIT } from "./ranges.ts";
import type { TxContext } from "./tx-context.ts";
import type { EngineTx, FlowResult } from "./types.ts";
import { requireMarket, useNonce } from "./validate.ts";

type TransferTx = Extract<EngineTx, { kind: "transfer" }>;

/**
 * Isolated sub-accounts an owner may open. dYdX v4 numbers an owner's child subaccounts parent + 128·k
 * up to 128,000 (v4-abacus `NUM_PARENT_SUBACCOUNTS`, `MAX_SUBACCOUNT_NUMBER`); here each one is a leaf
 * of the account tree, a shared resource, so the cap is small.
 */
export const MAX_SUBACCOUNTS = 16;

/**
 * Isolated margin, the dYdX v4 way: an isolated position lives in its own sub-account, a leaf with the
 * owner's key funded by a transfer from the parent, that may trade one market only (x/subaccounts
 * refuses a second perpetual next to an isolated one). Margin, liquidation, the vault, ADL and the fund
 * then need nothing new: the sub-account is an ordinary cross-margin leaf, so its liquidation can lose
 * at most its own collateral and a deficit past it goes to the fund and ADL, never to the parent.
 *
 * A transfer moves cash between two leaves of the same key, so the circuit's conservation sum is
 * unchanged; the source keeps initial margin exactly as for a withdrawal. The backstop vault's capital
 * moves only through L1, so it can neither send nor receive one.
 */
export function applyTransfer(ctx: TxContext, tx: TransferTx): FlowResult {
  if ((tx.to === undefined) === (tx.isolatedMarket === undefined)) {
    throw engineError(
      "BAD_TX",
      "a transfer names exactly one of `to` (an existing account) or `isolatedMarket`",
      {
        to: tx.to,
        isolatedMarket: tx.isolatedMarket,
      },
    );
  }
  if (tx.amount <= 0n || tx.amount >= AMOUNT_LIMIT)
    throw engineError("BAD_AMOUNT", "transfer amount must be in (0, 2^80)", { amount: tx.amount });
  const s = ctx.state;
  const backstop = s.params.backstopAccountId;
  if (tx.accountId === backstop || tx.to === backstop) {
    throw engineError("TRANSFER_NOT_ALLOWED", "the backstop vault's capital moves only through L1", {
      accountId: tx.accountId,
      to: tx.to,
    });
  }
  if (tx.to === tx.accountId)
    throw engineError("TRANSFER_NOT_ALLOWED", "a transfer needs two different accounts", {
      accountId: tx.accountId,
    });
  if (tx.isolatedMarket !== undefined) requireMarket(ctx, tx.isolatedMarket);
  if (tx.to !== undefined && !ctx.exists(tx.to))
    throw engineError("UNKNOWN_ACCOUNT", `unknown account ${tx.to}`, { accountId: tx.to });

  const from = useNonce(ctx, tx.accountId, tx.nonce);
  ctx.touch(tx.accountId);
  const to = tx.to === undefined ? openSubaccount(ctx, tx.accountId, tx.isolatedMarket as number) : tx.to;
  const dest = ctx.acc(to);
  if (dest.pubKeyX !== from.pubKeyX || dest.pubKeyY !== from.pubKeyY) {
    throw engineError("NOT_SAME_OWNER", "transfers move cash only between accounts of one key", {
      accountId: tx.accountId,
      to,
    });
  }
  ctx.touch(to);
  debitFreeCollateral(ctx, tx.accountId, from, tx.amount, "transfer");
  dest.collateral += tx.amount;
  // The signed message's fields (SPEC.md "transfer"): to + 1 and isolatedMarket + 1, 0 for none.
  ctx.op({
    kind: "transfer",
    from: tx.accountId,
    to,
    nonce: tx.nonce,
    amount: tx.amount,
    toField: tx.to === undefined ? 0n : BigInt(tx.to) + 1n,
    isolatedField: tx.isolatedMarket === undefined ? 0n : BigInt(tx.isolatedMarket) + 1n,
  });
  return {
    touched: [],
    fills: [],
    transfer: { from: tx.accountId, to, amount: tx.amount, created: tx.to === undefined },
    liquidationsDetected: [],
  };
}

/**
 * Creates an empty sub-account with the key of `accountId`, isolated to `marketId`, for the parent of
 * `accountId` (a sub-account opening another opens it for the same parent).
 */
function openSubaccount(ctx: TxContext, accountId: number, marketId: number): number {
  const s = ctx.state;
  const parentId = s.isolated.get(accountId)?.parentId ?? accountId;
  if ((s.subaccounts.get(parentId)?.length ?? 0) >= MAX_SUBACCOUNTS) {
    throw engineError(
      "SUBACCOUNT_LIMIT",
      `an owner may open at most ${MAX_SUBACCOUNTS} isolated sub-accounts`,
      {
        parentId,
      },
    );
  }
  const owner = ctx.acc(accountId);
  const id = ctx.createAccount(owner.pubKeyX, owner.pubKeyY);
  ctx.onCommit(() => {
    s.isolated.set(id, { parentId, marketId });
    const list = s.subaccounts.get(parentId);
    if (list) list.push(id);
    else s.subaccounts.set(parentId, [id]);
  });
  return id;
}
