import { BaseError } from "../../core/errors.ts";

/** Root of the L1 layer's errors (Anvil, forge, artifacts, deployment, submission). */
export class L1Error extends BaseError {
  override name = "L1Error";
}

/** A forge artifact is missing from contracts/out: the contracts were not built. */
export class ArtifactMissingError extends L1Error {
  override name = "ArtifactMissingError";
}

/** Anvil did not start or did not answer in time. */
export class AnvilStartError extends L1Error {
  override name = "AnvilStartError";
}

/** `forge build` failed. */
export class ForgeBuildError extends L1Error {
  override name = "ForgeBuildError";
}

/** A deployment transaction failed. */
export class DeployError extends L1Error {
  override name = "DeployError";
}

/**
 * The Rollup contract reverted with one of its custom errors (IRollup.sol). `code` is
 * `ROLLUP_<ErrorName>` in snake upper case, e.g. `ROLLUP_STALE_ROOT`; `details` has `errorName` and `args`.
 */
export class RollupRevertError extends L1Error {
  override name = "RollupRevertError";
  readonly errorName: string;
  readonly args: readonly unknown[];

  constructor(errorName: string, args: readonly unknown[], cause?: unknown) {
    super(
      `ROLLUP_${toSnakeUpper(errorName)}`,
      `Rollup reverted with ${errorName}(${args.map(String).join(", ")})`,
      {
        details: { errorName, args },
        cause,
      },
    );
    this.errorName = errorName;
    this.args = args;
  }
}

/** The proven-batch source handed the submitter something inconsistent (e.g. the wrong batch number). */
export class BadProvenBatchError extends L1Error {
  override name = "BadProvenBatchError";
}

/** A submitted transaction was mined but reverted, without a decodable reason. */
export class SubmitRevertedError extends L1Error {
  override name = "SubmitRevertedError";
}

function toSnakeUpper(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}
