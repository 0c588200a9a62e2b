import { BaseError } from "../../core/errors.ts";

/** Poseidon was called with an arity circomlib does not define (outside 1..16). */
export class PoseidonInputError extends BaseError {
  override name = "PoseidonInputError";
  constructor(message: string, details: Record<string, unknown>) {
    super("POSEIDON_BAD_ARITY", message, { details });
  }
}

/** A signature in its JSON form does not parse (not decimal strings, or out of range). */
export class SignatureFormatError extends BaseError {
  override name = "SignatureFormatError";
  constructor(message: string, opts: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super("SIGNATURE_MALFORMED", message, opts);
  }
}

/** A private key has the wrong shape. */
export class PrivateKeyError extends BaseError {
  override name = "PrivateKeyError";
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("PRIVATE_KEY_INVALID", message, { details });
  }
}
