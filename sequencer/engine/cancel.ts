import { engineError } from "./errors.ts";
import type { TxContext } from "./tx-context.ts";
import type { EngineTx, FlowResult } from "./types.ts";
import { checkNonce, requireMarket } from "./validate.ts";

type CancelTx = Extract<EngineTx, { kind: "cancel" }>;

/**
 * Cancels one of the sender's live orders. The order is off-tree, but the nonce is a leaf field. Every
 * check runs before the account is copied (a cancel that lost the race to a fill is common), in the
 * order that decides which code a bad tx gets: market, account, nonce, order.
 */
export function cancelOrder(ctx: TxContext, tx: CancelTx): FlowResult {
  requireMarket(ctx, tx.marketId);
  checkNonce(ctx, tx.accountId, tx.nonce);
  const o = ctx.state.books[tx.marketId]?.get(tx.orderId);
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
  ctx.acc(tx.accountId).nonce = tx.nonce; // checkNonce passed: this is useNonce without checking again
  ctx.touch(tx.accountId);
  ctx.cancelOrder(o);
  return { touched: [], orderId: o.id, status: "cancelled", fills: [], liquidationsDetected: [] };
}
