import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { type Abi, type AbiFunction, toFunctionSignature } from "viem";
import { loadArtifact } from "../../../node/l1/artifacts.ts";
import { forgeBuild } from "../../../node/l1/forge.ts";
import { CONTRACTS_OUT_DIR } from "../../../node/l1/paths.ts";
import { rollupAbi } from "../../../node/l1/rollup-abi.ts";

/** One string per entry with everything a caller depends on: kind, name, input types, indexed flags, outputs. */
function keys(abi: Abi): string[] {
  return abi
    .filter((i) => i.type === "function" || i.type === "event" || i.type === "error")
    .map((i) => {
      const inputs = i.inputs.map((p) => ({ ...p, name: p.name ?? "" }));
      const sig = toFunctionSignature({
        type: "function",
        name: i.name,
        inputs,
        outputs: [],
        stateMutability: "view",
      } as AbiFunction);
      const indexed = i.type === "event" ? i.inputs.map((p) => (p.indexed ? "i" : "-")).join("") : "";
      const outputs = i.type === "function" ? i.outputs.map((p) => p.type).join(",") : "";
      return `${i.type} ${sig} ${indexed} ${outputs}`;
    })
    .sort();
}

describe("rollupAbi", () => {
  before(async () => {
    if (!existsSync(join(CONTRACTS_OUT_DIR, "Rollup.sol", "Rollup.json"))) await forgeBuild();
  });

  it("matches the compiled Rollup entry for entry (functions, events with indexed flags, errors)", () => {
    assert.deepEqual(keys(rollupAbi as unknown as Abi), keys(loadArtifact("Rollup").abi));
  });
});
