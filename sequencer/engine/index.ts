/**
 * Public surface of the deterministic matching and risk engine.
 *
 * Layout: `engine.ts` dispatches one tx to a flow (`deposit.ts`, `place-order.ts`, `cancel.ts`,
 * `withdraw.ts`, `price.ts`, `liquidate.ts`). Every flow works on a `TxContext` (copy-on-write accounts,
 * recorded book changes) that `commit`s only after all SPEC range checks pass, so `apply` is atomic.
 * `settlement.ts` is the per-fill leaf arithmetic, `../matching` the book and the read-only matcher,
 * `../risk` margin and liquidation rules.
 *
 * Decisions worth knowing:
 * - Self-trade: a taker meeting its own resting order cancels that resting order and keeps matching.
 * - Reducing a position removes trunc(entryNotional·closed/|size|) of entryNotional (toward zero); a full
 *   close removes all of it. Cash is conserved exactly whatever the rounding.
 * - Fees and penalties round down, margin requirements round up.
 * - A GTC remainder rests only when matching ended because the book stopped crossing. If it ended early
 *   (batch capacity, maxMakersPerOrder, the taker's collateral) the remainder is cancelled, because
 *   resting it would cross the book.
 * - Deposits must come in L1 queue order: `depositIndex` is 0-based and must equal `nextDepositIndex()`.
 *   Priority requests likewise (`forced.ts`): `priorityIndex` must equal `nextPriorityIndex()`.
 * - Order ids are the `seq` passed to `apply`.
 * - Every accepted tx reports its proof ops (`ApplyResult.ops`, docs/PROOF.md), and the engine keeps
 *   to the rules the proof checks per op: an order's signed fee cap (FEE_CAP) and expiry
 *   (ORDER_EXPIRED; an expired resting order is cancelled when met), one live order per fill slot
 *   (nonce mod 2^orderSlotBits), a taker fill that opens risk ends at or above the base IMF, a
 *   liquidation fill only while the account is below maintenance, ADL at the bankruptcy price of the
 *   account's current state rounded against it.
 */
export { Engine, type EngineGenesis, type EngineOptions, type MarketView } from "./engine.ts";
export {
  CapacityError,
  ENGINE_ERROR_CODES,
  EngineError,
  type EngineErrorCode,
  EngineFaultError,
  isClientError,
  isEngineErrorCode,
  TxRejectedError,
} from "./errors.ts";
export {
  defaultEngineParams,
  type EngineParams,
  type EngineParamsInput,
  engineParamsSchema,
  type MarketParams,
  parseEngineParams,
} from "./params.ts";
export type * from "./types.ts";
export type { AccountView, PositionView } from "./views.ts";
