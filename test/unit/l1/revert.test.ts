import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ContractFunctionRevertedError, encodeErrorResult, RawContractError } from "viem";
import { RollupRevertError } from "../../../node/l1/errors.ts";
import { decodeRollupRevert } from "../../../node/l1/revert.ts";
import { rollupAbi } from "../../../node/l1/rollup-abi.ts";

describe("decodeRollupRevert", () => {
  it("turns a StaleRoot revert into a RollupRevertError with a stable code and the arguments", () => {
    const data = encodeErrorResult({ abi: rollupAbi, errorName: "StaleRoot", args: [5n, 6n] });
    const err = decodeRollupRevert(
      new ContractFunctionRevertedError({ abi: rollupAbi, data, functionName: "submitBatch" }),
    );
    assert.ok(err instanceof RollupRevertError);
    assert.equal(err.code, "ROLLUP_STALE_ROOT");
    assert.equal(err.errorName, "StaleRoot");
    assert.deepEqual(err.args, [5n, 6n]);
  });

  it("decodes revert bytes found only on a raw RPC error", () => {
    const data = encodeErrorResult({ abi: rollupAbi, errorName: "BatchAlreadyVerified", args: [3n] });
    const err = decodeRollupRevert(new Error("wrapped", { cause: new RawContractError({ data }) }));
    assert.equal(err?.code, "ROLLUP_BATCH_ALREADY_VERIFIED");
    assert.deepEqual(err?.args, [3n]);
  });

  it("returns undefined for errors that carry no Rollup revert", () => {
    assert.equal(decodeRollupRevert(new Error("fetch failed")), undefined);
    assert.equal(decodeRollupRevert(new RawContractError({ data: "0x08c379a0" })), undefined);
  });
});
