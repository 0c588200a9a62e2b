import { forcedWithdrawalPay } from "../proof/forced.ts";
import { engineError } from "./errors.ts";
import type { TxContext } from "./tx-context.ts";
import type { EngineTx, FlowResult } from "./types.ts";

type ForcedTx = Extract<EngineTx, { kind: "forced" }>;

/**
 * Serves a priority request L1 queued (docs/SPEC.md "Priority requests"). Like deposits they arrive in
 * queue order and the engine insists on the next index, so a request is neither skipped nor served twice.
 *
 * When the request's key is the account's, every resting order of the account is cancelled and, for a
 * withdrawal, `forcedWithdrawalPay` (the proof's own rule) is debited, computed after the cancels. The
 * request was checked on L1 (signature, amount, address), so nothing here can refuse it: a key that is
 * not the account's, or an account that does not exist, is served as a no-op that pays 0. Funding is
 * not settled: the rule counts unsettled funding inside equity, so settling would change no number and
 * only add settle ops; the one "forced" op is all the proof gets.
 */
export function applyForced(ctx: TxContext, tx: ForcedTx): FlowResult {
  const s = ctx.state;
  if (tx.priorityIndex !== s.nextPriorityIndex) {
    throw engineError("BAD_PRIORITY_INDEX", `next priority index is ${s.nextPriorityIndex}`, {
      expected: s.nextPriorityIndex,
      got: tx.priorityIndex,
    });
  }
  const id = tx.accountId;
  const exists = ctx.exists(id);
  const owner = exists ? ctx.peek(id) : undefined;
  const applied = owner !== undefined && owner.pubKeyX === tx.pubKeyX && owner.pubKeyY === tx.pubKeyY;
  // The circuit's forced slot reads the account's leaf whatever the outcome: it takes its slot.
  if (exists) ctx.touch(id);

  const cancelledOrderIds: bigint[] = [];
  let paid = 0n;
  if (applied) {
    // Cancels are recorded and applied at commit (after fills, like a matched plan's), so the list
    // is read from the committed index, not mutated while iterating.
    for (const o of s.ordersByAccount.get(id) ?? []) {
      ctx.cancelOrder(o);
      cancelledOrderIds.push(o.id);
    }
    if (tx.request === "withdrawal") {
      // Resting orders add no margin requirement in the proof's rule, so "after the cancels" is the
      // account's leaf as it stands.
      paid = forcedWithdrawalPay(ctx.peek(id), tx, ctx.markets, s.params.markets);
      if (paid > 0n) ctx.acc(id).collateral -= paid;
    }
  }
  ctx.consumePriority();
  ctx.op({
    kind: "forced",
    priorityIndex: tx.priorityIndex,
    request: tx.request,
    accountId: id,
    pubKeyX: tx.pubKeyX,
    pubKeyY: tx.pubKeyY,
    amount: tx.amount,
    to: tx.to,
    paid,
  });
  if (paid > 0n && id === s.params.backstopAccountId) {
    const risk = s.risk;
    ctx.onCommit(() => {
      risk.vaultNetDeposits -= paid;
    });
  }
  return {
    touched: [],
    fills: [],
    forced: {
      priorityIndex: tx.priorityIndex,
      request: tx.request,
      accountId: id,
      applied,
      paid,
      cancelledOrderIds,
    },
    liquidationsDetected: [],
  };
}
