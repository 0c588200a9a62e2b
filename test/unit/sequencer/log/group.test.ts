import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encode } from "../../../../sequencer/codec.ts";
import { EpochGate } from "../../../../sequencer/log/epoch-gate.ts";
import { decodeGroup, encodeGroup, groupMsgId, type LogGroup } from "../../../../sequencer/log/group.ts";
import { walEntries } from "../../../utils/wal-entries.ts";

describe("log group encoding", () => {
  it("round-trips a group of 256 entries with bigint seqs and nested objects", () => {
    const group: LogGroup = { kind: "entries", epoch: 7, entries: walEntries(1000n, 256) };
    const back = decodeGroup(encodeGroup(group));
    assert.deepEqual(back, group);
  });

  it("round-trips an epoch-start marker", () => {
    const group: LogGroup = { kind: "epoch-start", epoch: 3, leaderId: "b", url: "http://b:8080" };
    assert.deepEqual(decodeGroup(encodeGroup(group)), group);
  });

  it("keeps a group of 256 order entries well under the default 1 MiB max_payload", () => {
    const bytes = encodeGroup({ kind: "entries", epoch: 1, entries: walEntries(0n, 256) }).length;
    assert.ok(bytes < 256 * 1024, `${bytes} bytes`);
  });

  it("refuses a payload of another format, kind or a bad epoch", () => {
    const good = { v: 1, kind: "entries", epoch: 1, entries: [] };
    assert.throws(() => decodeGroup(encode({ ...good, v: 2 })), /format/);
    assert.throws(() => decodeGroup(encode({ ...good, kind: "other" })), /kind/);
    assert.throws(() => decodeGroup(encode({ ...good, epoch: 0 })), /epoch/);
    assert.throws(() => decodeGroup(encode({ ...good, epoch: 1.5 })), /epoch/);
  });

  it("names a group by epoch and entry seq range, so only a retry of the same group dedups", () => {
    const entries = walEntries(10n, 3);
    assert.equal(groupMsgId({ kind: "entries", epoch: 4, entries }), "e4:10-12");
    assert.notEqual(groupMsgId({ kind: "entries", epoch: 5, entries }), "e4:10-12");
    assert.equal(groupMsgId({ kind: "epoch-start", epoch: 5, leaderId: "a", url: "" }), "e5:start");
    assert.throws(() => groupMsgId({ kind: "entries", epoch: 1, entries: [] }));
  });
});

describe("epoch gate", () => {
  it("admits equal and rising epochs and drops one below the highest seen", () => {
    const gate = new EpochGate();
    const seen = [1, 1, 3, 2, 3, 5, 4].map((epoch) => gate.admit({ epoch }));
    assert.deepEqual(seen, [true, true, true, false, true, true, false]);
    assert.equal(gate.highest, 5);
  });

  it("starts from the epoch the caller already applied", () => {
    const gate = new EpochGate(9);
    assert.equal(gate.admit({ epoch: 8 }), false);
    assert.equal(gate.admit({ epoch: 9 }), true);
  });
});
