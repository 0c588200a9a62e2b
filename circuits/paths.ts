/** The repo root and the circuits' error type, apart so every circuits/ module can import them. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BaseError } from "../core/errors.ts";

export class CircuitError extends BaseError {
  override name = "CircuitError";
}

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
