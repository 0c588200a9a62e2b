import type { RestingOrder } from "../matching/order-book.ts";
import { engineError } from "./errors.ts";
import { NONCE_LIMIT } from "./ranges.ts";
import type { EngineState } from "./state.ts";
import type { TxContext } from "./tx-context.ts";
import { type ApplyLimits, type ApplyResult, cloneAccount, type EngineTx, type FlowResult } from "./types.ts";
import { checkNonce, checkNonceOf, marketParamsOf, requireMarket } from "./validate.ts";

type CancelTx = Extract<EngineTx, { kind: "cancel" }>;

/**
 * Cancels one of the sender's live orders. The order is off-tree, but the nonce is a leaf field. Every
 * check runs before the account is copied (a cancel that lost the race to a fill is common), in the
 * order that decides which code a bad tx gets: market, account, nonce, order.
 */
export function cancelOrder(ctx: TxContext, tx: CancelTx): FlowResult {
  requireMarket(ctx, tx.marketId);
  checkNonce(ctx, tx.accountId, tx.nonce);
  const o = liveOrderOf(ctx.state, tx);
  ctx.acc(tx.accountId).nonce = tx.nonce; // checkNonce passed: this is useNonce without checking again
  ctx.touch(tx.accountId);
  ctx.cancelOrder(o);
  return { touched: [], orderId: o.id, status: "cancelled", fills: [], liquidationsDetected: [] };
}

/**
 * `cancelOrder` followed by `TxContext.commit`, written out for the one leaf field and the one order a
 * cancel changes (`Engine.apply` takes this path; the general one stays for comparison). The same checks
 * run in the same order with the same errors, and the same state and result come out. What the general
 * commit would also do has nothing to do here: collateral and positions are the committed ones (already
 * in range, so open interest and the holder sets do not move), the pools are untouched, and there are no
 * fills, rests, marks or hooks. test/unit/engine/fast-paths.test.ts compares the two on random txs.
 */
export function cancelDirect(state: EngineState, tx: CancelTx, limits: ApplyLimits | undefined): ApplyResult {
  marketParamsOf(state.params, tx.marketId);
  const id = tx.accountId;
  // TxContext.exists: an integer id below the account count (no account is created by a cancel).
  const committed =
    Number.isInteger(id) && id >= 0 && id < state.accounts.length ? state.accounts[id] : undefined;
  checkNonceOf(committed, id, tx.nonce);
  const o = liveOrderOf(state, tx);
  // TxContext.touch on an empty context.
  if (limits && limits.touchedInBatch.size + (limits.touchedInBatch.has(id) ? 0 : 1) > limits.maxTouched) {
    throw engineError("BATCH_CAPACITY", "batch has no room for another account update", {
      accountId: id,
      maxTouched: limits.maxTouched,
    });
  }
  // The commit's range check of the one changed field (tx.nonce is the committed nonce + 1).
  if (tx.nonce >= NONCE_LIMIT) {
    throw engineError("RANGE_OVERFLOW", "nonce would leave its SPEC range", {
      field: "nonce",
      accountId: id,
    });
  }
  const leaf = cloneAccount(committed as NonNullable<typeof committed>);
  leaf.nonce = tx.nonce;
  state.accounts[id] = leaf;
  state.removeRestingOrder(o);
  return {
    touched: [id],
    orderId: o.id,
    status: "cancelled",
    fills: [],
    liquidationsDetected: [],
    ops: [],
  };
}

/** The sender's live order the cancel names; UNKNOWN_ORDER otherwise. */
function liveOrderOf(state: EngineState, tx: CancelTx): RestingOrder {
  const o = state.books[tx.marketId]?.get(tx.orderId);
  // Someone else's order answers the same as a missing one: ids of other accounts' orders are not leaked.
  if (!o || o.accountId !== tx.accountId) {
    throw engineError(
      "UNKNOWN_ORDER",
      `no live order ${tx.orderId} of account ${tx.accountId} in market ${tx.marketId}`,
      {
        accountId: tx.accountId,
        marketId: tx.marketId,
        orderId: tx.orderId,
      },
    );
  }
  return o;
}
