import { BaseError } from "../../core/errors.ts";

/** Bad input to the model (a file, a flag, a calibration): the CLI prints it and exits 2. */
export class ModelInputError extends BaseError {
  override name = "ModelInputError";
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("MODEL_INPUT", message, { details });
  }
}
