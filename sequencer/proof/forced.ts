/**
 * Priority requests filed on L1 (Rollup.requestWithdrawal / requestCancelAll, docs/SPEC.md
 * "Priority requests"): what the proof lets a forced withdrawal pay. One function, used by the engine
 * (which applies it) and by the proof's model (which checks it), equal to the circuit's ForcedSlot.
 */

import type { MarketParams } from "../engine/params.ts";
import { equity, initialRequirement } from "../risk/margin.ts";
import type { MarketState } from "../state/global-state.ts";
import type { AccountLeaf } from "../state/leaf.ts";

export type ForcedRequestKind = "withdrawal" | "cancel-all";

/** Codes in the priority queue hash and the circuit (0 is a disabled slot). */
export const FORCED_KIND_CODE: Record<ForcedRequestKind, bigint> = { withdrawal: 1n, "cancel-all": 2n };

/** A request as L1 queued it (the PriorityRequest event). */
export interface ForcedRequest {
  /** 0-based position in the Rollup's priority queue. */
  priorityIndex: bigint;
  request: ForcedRequestKind;
  accountId: number;
  pubKeyX: bigint;
  pubKeyY: bigint;
  /** Most the withdrawal may pay (0 for a cancel-all). */
  amount: bigint;
  /** L1 address paid (0 for a cancel-all). */
  to: bigint;
}

/**
 * The free collateral a forced withdrawal pays: min(amount, collateral, equity − initial requirement at
 * the base IMF), floored at 0, and 0 unless the request's key is the account's. The base IMF, not a
 * policy's OI-scaled one, because the circuit proves this number: an operator must pay exactly it.
 */
export function forcedWithdrawalPay(
  a: AccountLeaf | undefined,
  req: Pick<ForcedRequest, "pubKeyX" | "pubKeyY" | "amount">,
  markets: readonly MarketState[],
  params: readonly Pick<MarketParams, "imfBps">[],
): bigint {
  if (!a || a.pubKeyX !== req.pubKeyX || a.pubKeyY !== req.pubKeyY) return 0n;
  const free = equity(a, markets) - initialRequirement(a, markets, params as readonly MarketParams[]);
  let pay = free > 0n ? free : 0n;
  if (a.collateral < pay) pay = a.collateral;
  if (req.amount < pay) pay = req.amount;
  return pay;
}
