import { BaseError } from "../../core/errors.ts";

/** A desert-mode exit that could not be built or was refused (codes EXIT_*). */
export class ExitError extends BaseError {
  override name = "ExitError";
}
