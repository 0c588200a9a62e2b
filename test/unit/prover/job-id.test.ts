import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BadJobIdError, decodeJobId, encodeJobId } from "../../../prover/job-id.ts";

describe("proof job ids", () => {
  it("decodes what it encodes, for batch 0 through a u64", () => {
    for (const n of [0n, 1n, 42n, (1n << 64n) - 1n]) {
      const id = encodeJobId(n, 0xabcdefn);
      assert.deepEqual(decodeJobId(id), { batchNumber: n, contentTag: "0000000000000000" });
    }
    const hash = (1n << 253n) + 12345n;
    assert.equal(
      decodeJobId(encodeJobId(7n, hash)).contentTag,
      hash.toString(16).padStart(64, "0").slice(0, 16),
    );
  });

  it("names another batch content with another id", () => {
    assert.notEqual(encodeJobId(3n, 1n << 250n), encodeJobId(3n, 2n << 250n));
  });

  for (const bad of [
    "",
    "batch-1",
    "batch--1-0000000000000000",
    "batch-01-0000000000000000",
    "batch-0x1-0000000000000000",
    "batch- 1-0000000000000000",
    "batch-1-000000000000000",
    "batch-1-00000000000000000",
    "batch-1-ABCDEF0000000000",
    "batch-1-0000000000000000-extra",
    `batch-${"9".repeat(21)}-0000000000000000`,
    "ok-1",
    "bad",
  ]) {
    it(`refuses ${JSON.stringify(bad)} with BAD_JOB_ID`, () => {
      assert.throws(
        () => decodeJobId(bad),
        (e: unknown) => e instanceof BadJobIdError && e.code === "BAD_JOB_ID",
      );
    });
  }
});
