import { BaseError } from "../../core/errors.ts";

/** Errors of the account/global state model and the batch transition. Codes are stable. */
export class StateError extends BaseError {
  override name = "StateError";
}

/** The old leaf a diff claims does not match the tree (stale state or a wrong diff). */
export class StaleLeafError extends StateError {
  override name = "StaleLeafError";
}

/** A batch does not fit the circuit instance (too many updates, deposits or withdrawals). */
export class BatchTooLargeError extends StateError {
  override name = "BatchTooLargeError";
}

/** A value is outside the range SPEC.md allows for its field. */
export class OutOfRangeError extends StateError {
  override name = "OutOfRangeError";
}
