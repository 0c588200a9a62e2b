import { BaseError } from "../../core/errors.ts";

/** Errors of rebuilding the state from L1 alone. Codes are stable; the CLI prints the message only. */
export class ReconstructError extends BaseError {
  override name = "ReconstructError";
}

/** A batch's records rebuild a state whose root is not the one its BatchVerified event says. */
export class RootMismatchError extends ReconstructError {
  override name = "RootMismatchError";
}

/** A published record names something the state cannot have (a slot, a deposit or an account). */
export class BadRecordError extends ReconstructError {
  override name = "BadRecordError";
}
