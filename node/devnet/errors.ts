import { BaseError } from "../../core/errors.ts";

/** Root of the devnet's own errors (its children, its directory, the L1 it was started on). */
export class DevnetError extends BaseError {
  override name = "DevnetError";
}
