import { ContractFunctionRevertedError, decodeErrorResult, type Hex, BaseError as ViemBaseError } from "viem";
import { RollupRevertError } from "./errors.ts";
import { rollupAbi } from "./rollup-abi.ts";

/**
 * Turns a viem error from a Rollup call into a `RollupRevertError` when it carries one of the Rollup's
 * custom errors; returns undefined otherwise (network errors, timeouts, ...).
 */
export function decodeRollupRevert(err: unknown): RollupRevertError | undefined {
  if (err instanceof RollupRevertError) return err;
  if (err instanceof ViemBaseError) {
    const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      if (reverted.data?.errorName)
        return new RollupRevertError(reverted.data.errorName, reverted.data.args ?? [], err);
      if (reverted.raw) return fromData(reverted.raw, err);
    }
  }
  // Some paths (raw RPC errors) only carry the revert bytes.
  const data = findRevertData(err);
  return data ? fromData(data, err) : undefined;
}

function fromData(data: Hex, cause: unknown): RollupRevertError | undefined {
  try {
    const decoded = decodeErrorResult({ abi: rollupAbi, data });
    return new RollupRevertError(decoded.errorName, decoded.args ?? [], cause);
  } catch {
    return undefined;
  }
}

function findRevertData(err: unknown): Hex | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 10; depth++) {
    const data = (e as { data?: unknown }).data;
    if (typeof data === "string" && /^0x[0-9a-fA-F]{8}/.test(data)) return data as Hex;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
