import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type PriorityRequestArgs, priorityRequestOf } from "../../../node/sequencer/priority-watcher.ts";

const at = { blockNumber: 12n, txHash: `0x${"ab".repeat(32)}` as const };
const args: PriorityRequestArgs = {
  index: 3n,
  kind: 1n,
  accountId: 5n,
  pubKeyX: 11n,
  pubKeyY: 12n,
  amount: 700n,
  to: "0x00000000000000000000000000000000000a11ce",
  deadlineBlock: 100n,
  deadlineTime: 2_000n,
  priorityHash: 99n,
};

describe("priorityRequestOf", () => {
  it("turns a PriorityRequest log into the engine's request, field for field", () => {
    assert.deepEqual(priorityRequestOf(args, at), {
      priorityIndex: 3n,
      request: "withdrawal",
      accountId: 5,
      pubKeyX: 11n,
      pubKeyY: 12n,
      amount: 700n,
      to: 0xa11cen,
      deadlineBlock: 100n,
      deadlineTime: 2_000n,
      priorityHash: 99n,
      ...at,
    });
    const c = priorityRequestOf({ ...args, kind: 2n, amount: 0n, to: `0x${"00".repeat(20)}` }, at);
    assert.equal(c.request, "cancel-all");
    assert.equal(c.to, 0n);
  });

  it("refuses a log it cannot serve exactly: unknown kind, missing field, inexact account id", () => {
    const bad = { code: "L1_BAD_PRIORITY_REQUEST" };
    assert.throws(() => priorityRequestOf({ ...args, kind: 3n }, at), bad);
    assert.throws(() => priorityRequestOf({ ...args, priorityHash: undefined }, at), bad);
    assert.throws(() => priorityRequestOf({ ...args, accountId: 1n << 60n }, at), bad);
  });
});
