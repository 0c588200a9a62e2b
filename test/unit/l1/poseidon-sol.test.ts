import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadBatch2Instance } from "../../../circuits/batch2-instance.ts";
import { buildGenesis2 } from "../../../node/genesis.ts";
import { genesisHashWidths, instanceWidths, writePoseidonSol } from "../../../node/l1/poseidon-sol.ts";
import { devKey } from "../../../sequencer/crypto/keys.ts";

describe("poseidon-sol generator", () => {
  it("derives the widths from the Batch2 encoding (leaf 5 + 3M, market 6, global M + 4)", () => {
    assert.deepEqual(genesisHashWidths(2), { leaf: 11, market: 6, global: 6 });
    assert.deepEqual(genesisHashWidths(1), { leaf: 8, market: 6, global: 5 });
    // circuits/batch2.json: trace has M = 1, the others M = 2.
    assert.deepEqual(instanceWidths(), [5, 6, 8, 11]);
    // The TS encoding's own lengths: the leaf, and 6 fields per market plus the tail of 4.
    const g = buildGenesis2(loadBatch2Instance("tiny"), {
      backstopSeed: "widths",
      keeperPubKey: devKey("widths-keeper").pubKey,
      reservedForLiquidations: 0,
    });
    assert.equal(g.chain.leafFields(0).length, genesisHashWidths(2).leaf);
    assert.equal(g.chain.globalFields().length, 2 * genesisHashWidths(2).market + 4);
  });

  it("splits each width's constants into libraries under the code limit and drops stale files", () => {
    const dir = mkdtempSync(join(tmpdir(), "poseidon-sol-"));
    try {
      writeFileSync(join(dir, "PoseidonT4Constants0.sol"), "// stale");
      const { files } = writePoseidonSol({ dir, widths: [10] });
      // t = 11: 8t + 66 round constants, two 11x11 matrices, 66 * 21 sparse words = 1,782 words, 3 libraries.
      assert.deepEqual(files, [
        "PoseidonN.sol",
        "PoseidonT11Constants0.sol",
        "PoseidonT11Constants1.sol",
        "PoseidonT11Constants2.sol",
      ]);
      assert.deepEqual(readdirSync(dir).sort(), files);
      for (const f of files.filter((x) => x.includes("Constants"))) {
        // hex digits / 2 = data bytes; each library's code must stay under 24,576 bytes.
        assert.ok(statSync(join(dir, f)).size / 2 < 24_000, `${f} is small enough`);
      }
      const before = statSync(join(dir, "PoseidonN.sol")).mtimeMs;
      writePoseidonSol({ dir, widths: [10] });
      assert.equal(statSync(join(dir, "PoseidonN.sol")).mtimeMs, before, "unchanged files are not rewritten");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a width circomlib has no constants for", () => {
    const dir = mkdtempSync(join(tmpdir(), "poseidon-sol-"));
    try {
      assert.throws(() => writePoseidonSol({ dir, widths: [17] }), /1\.\.16 inputs/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
