import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { genesisHashWidths, instanceWidths, writePoseidonSol } from "../../../node/l1/poseidon-sol.ts";

describe("poseidon-sol generator", () => {
  it("derives the widths from the TS leaf (4 + 3M) and global (3M + 2) encodings", () => {
    assert.deepEqual(genesisHashWidths(2), { leaf: 10, global: 8 });
    assert.deepEqual(genesisHashWidths(1), { leaf: 7, global: 5 });
    // Every instance in circuits/circuits.json has M = 2 today.
    assert.deepEqual(instanceWidths(), [8, 10]);
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
