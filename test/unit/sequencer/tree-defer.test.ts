import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { devKey } from "../../../sequencer/crypto/keys.ts";
import { openSequencer } from "./open-sequencer.ts";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Positive outcomes are awaited (a loaded machine may take longer than the 5 ms poll); 2 s at most. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await sleep(10);
}

describe("tree work deferral (treeDeferMs)", () => {
  it("waits while requests arrive, runs once they stop, and never waits past its deadline", async () => {
    const dir = mkdtempSync(join(tmpdir(), "seq-tree-defer-"));
    dirs.push(dir);
    let t = 1_000;
    const { db, seq } = await openSequencer(dir, 60_000, undefined, 1, {
      treeDeferMs: 1_000,
      clock: () => t,
    });
    const sealed: bigint[] = [];
    seq.on("sealed", (r) => sealed.push(r.batchNumber));
    await seq.start();
    let index = 0n;
    const deposit = () => {
      const k = devKey(`defer-${index}`);
      return seq.submitDeposit({
        index: index++,
        pubKeyX: k.pubKey[0],
        pubKeyY: k.pubKey[1],
        amount: 1_000n,
      });
    };

    // The unit instance takes two deposits per batch: the third seals batch 1 (ack first, tree later).
    for (let i = 0; i < 3; i++) await deposit();
    assert.equal(seq.openBatchNumber, 2n);
    await sleep(40);
    assert.deepEqual(sealed, [], "a request came in just now: the tree work waits");

    t += 100; // 100 ms without a request: idle
    await until(() => sealed.length === 1);
    assert.deepEqual(sealed, [1n]);

    // Batch 2 seals at t = 1100; at t = 2101 its deadline has passed, so a fresh request does not hold it.
    await deposit();
    await deposit();
    assert.equal(seq.openBatchNumber, 3n);
    await sleep(40);
    assert.deepEqual(sealed, [1n]);
    t = 2_101;
    await deposit();
    await until(() => sealed.length === 2);
    assert.deepEqual(sealed, [1n, 2n]);

    await seq.stop();
    await db.close();
  });
});
