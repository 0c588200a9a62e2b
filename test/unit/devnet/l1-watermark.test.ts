import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { notBehind } from "../../../node/devnet/l1-reset.ts";
import { backoffDelay, DEFAULT_BACKOFF } from "../../../node/devnet/supervisor.ts";

describe("notBehind (the L1 watermark only moves forward)", () => {
  const seen = { lastVerifiedBatch: 5n, stateRoot: 55n, depositCount: 3n };
  it("accepts the same chain and a chain that moved on", () => {
    assert.ok(notBehind(seen, seen));
    assert.ok(notBehind({ lastVerifiedBatch: 6n, stateRoot: 66n, depositCount: 4n }, seen));
    assert.ok(notBehind({ ...seen, depositCount: 4n }, seen));
  });
  it("rejects fewer verified batches, fewer deposits, or another root at the same batch", () => {
    assert.ok(!notBehind({ ...seen, lastVerifiedBatch: 4n }, seen));
    assert.ok(!notBehind({ ...seen, depositCount: 2n }, seen));
    assert.ok(!notBehind({ ...seen, stateRoot: 56n }, seen));
  });
});

describe("backoffDelay", () => {
  it("doubles from 250 ms and stops at 8 s", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoffDelay(a, DEFAULT_BACKOFF)),
      [250, 500, 1000, 2000, 4000, 8000, 8000, 8000],
    );
  });
});
