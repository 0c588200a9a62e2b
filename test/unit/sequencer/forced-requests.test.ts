import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { BatchRecord } from "../../../sequencer/batches/batch-record.ts";
import type { ForcedRequest } from "../../../sequencer/proof/forced.ts";
import { gtcOrder, openSequencer, submitAsOwners, tempDirs, UNIT_TRADERS } from "./open-sequencer.ts";

const tempDir = tempDirs(after);
const submit = submitAsOwners(UNIT_TRADERS);

async function open(dir: string) {
  const { db, seq } = await openSequencer(dir);
  const sealed: BatchRecord[] = [];
  seq.on("sealed", (r) => sealed.push(r));
  await seq.start();
  return { db, seq, sealed };
}

/** A forced cancel-all by trader 0, who owns account 1 (deposit 0 opened it). */
const cancelAll = (priorityIndex: bigint): ForcedRequest => {
  const [pubKeyX, pubKeyY] = UNIT_TRADERS[0]!.pubKey;
  return { priorityIndex, request: "cancel-all", accountId: 1, pubKeyX, pubKeyY, amount: 0n, to: 0n };
};

describe("sequencer: L1 priority requests", () => {
  it("serves a forced cancel-all in order, seals its batch right after it, and replays it", async () => {
    const dir = tempDir("seq-forced-");
    const a = await open(dir);
    const [x, y] = UNIT_TRADERS[0]!.pubKey;
    await a.seq.submitDeposit({ index: 0n, pubKeyX: x, pubKeyY: y, amount: 1_000_000_000n });
    await submit(a.seq, "liquidation", { kind: "price", marketId: 0, price: 1_000_000n, timestampMs: 1n });
    const o = await submit(a.seq, "normal", gtcOrder(1, 1n, "buy", 990_000n, 5n));
    assert.equal(o.status, "resting");

    await assert.rejects(a.seq.submitForced(cancelAll(1n)), { code: "PRIORITY_GAP" });
    const served = await a.seq.submitForced(cancelAll(0n));
    assert.deepEqual(served?.cancelledOrderIds, [o.orderId]);
    assert.equal(served?.applied, true);
    assert.equal(await a.seq.submitForced(cancelAll(0n)), undefined, "served once");
    assert.deepEqual(a.seq.engine.openOrders(1), []);
    assert.equal(a.seq.prioritySeen, 1n);

    await a.seq.settled();
    const last = a.sealed.at(-1);
    assert.ok(last, "the request's batch sealed without waiting for the timer");
    assert.equal(last.priorityCount, 1n);
    assert.equal(a.seq.openBatchTxCount, 0, "nothing followed it into its batch");
    assert.equal(
      a.sealed.reduce((n, r) => n + r.priorityCount, 0n),
      1n,
    );
    const roots = a.sealed.map((r) => r.newStateRoot);
    await a.seq.stop();
    await a.db.close();

    const b = await open(dir);
    await b.seq.settled();
    assert.equal(b.seq.prioritySeen, 1n);
    assert.deepEqual(b.seq.engine.openOrders(1), []);
    assert.equal((await b.seq.batches.get(BigInt(roots.length)))?.priorityCount, 1n);
    assert.deepEqual(
      b.sealed.map((r) => r.newStateRoot),
      roots,
    );
    await b.seq.stop();
    await b.db.close();
  });
});
