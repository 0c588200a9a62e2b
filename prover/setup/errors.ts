import { BaseError } from "../../core/errors.ts";

/** Stable codes for everything that can go wrong while making a proving key. */
export type SetupErrorCode =
  | "SETUP_BAD_R1CS"
  | "SETUP_CIRCUIT_TOO_BIG"
  | "SETUP_WORKER_FAILED"
  | "SETUP_PTAU_FAILED";

export class SetupError extends BaseError {
  override name = "SetupError";
  constructor(
    code: SetupErrorCode,
    message: string,
    opts: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(code, message, opts);
  }
}
