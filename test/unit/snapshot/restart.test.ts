import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { EngineTx } from "../../../sequencer/engine/types.ts";
import type { Sequencer } from "../../../sequencer/sequencer.ts";
import { SnapshotStore } from "../../../sequencer/snapshot/snapshot-store.ts";
import { WriteAheadLog } from "../../../sequencer/wal.ts";
import {
  gtcOrder,
  openSequencer,
  submitAsOwners,
  tempDirs,
  UNIT_TRADERS,
} from "../sequencer/open-sequencer.ts";

const tmp = tempDirs(after);

const traders = UNIT_TRADERS;
const submit = submitAsOwners(traders);
const order = gtcOrder;
const price = (p: bigint, ts: bigint): EngineTx => ({
  kind: "price",
  marketId: 0,
  price: p,
  timestampMs: ts,
});

async function until(what: string, ok: () => boolean) {
  for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(ok(), what);
}

/** A real sequencer sealing on every step (wait 0), so each awaited submit ends a batch. */
async function open(dir: string, snapshotEveryBatches: number) {
  const { db, seq } = await openSequencer(dir, 0, undefined, 1, { snapshotEveryBatches });
  const sealed: bigint[] = [];
  seq.on("sealed", (r) => sealed.push(r.newStateRoot));
  const started = await seq.start();
  return { db, seq, sealed, started };
}

/** Resting orders, fills, a liquidation left open on an empty book: state the snapshot must carry. */
async function history(seq: Sequencer) {
  const amounts = [1_000_000_000n, 5_100_000n, 1_000_000_000n];
  for (const [i, amount] of amounts.entries()) {
    const [x, y] = traders[i]!.pubKey;
    await seq.submitDeposit({ index: BigInt(i), pubKeyX: x, pubKeyY: y, amount });
  }
  await submit(seq, "liquidation", price(1_000_000n, 1n));
  await submit(seq, "normal", order(1, 1n, "sell", 1_000_000n, 50n));
  await submit(seq, "normal", order(2, 1n, "buy", 1_000_000n, 50n));
  await submit(seq, "normal", order(3, 1n, "buy", 900_000n, 10n));
  await submit(seq, "normal", order(1, 2n, "sell", 1_050_000n, 7n));
  // −6%: account 2 is under maintenance; the book below cannot take it all, so the event stays open.
  await submit(seq, "liquidation", price(940_000n, 2n));
  await until("the liquidation ran", () => (seq.engine.ledger()[0]?.steps ?? 0) >= 1);
  await submit(seq, "normal", order(3, 2n, "sell", 1_060_000n, 3n));
  await seq.settled();
}

/** What comes after the restart: it fills the makers that rested before the snapshot. */
async function more(seq: Sequencer) {
  await submit(seq, "normal", order(3, 3n, "buy", 1_050_000n, 5n));
  await submit(seq, "liquidation", price(950_000n, 3n));
  const resting = seq.engine.openOrders(3).find((o) => o.price === 1_060_000n)!;
  await submit(seq, "normal", {
    kind: "cancel",
    accountId: 3,
    nonce: 4n,
    marketId: 0,
    orderId: resting.orderId,
  });
  await submit(seq, "normal", order(1, 3n, "buy", 940_000n, 50n));
  seq.sweep();
  await until("the event ended", () => seq.engine.ledger()[0]?.closedAtMs !== undefined);
  await seq.settled();
}

function view(seq: Sequencer) {
  const e = seq.engine;
  return {
    accounts: Array.from({ length: e.accountCount() }, (_, i) => e.account(i)),
    book: e.book(0, 10),
    global: e.global(),
    ledger: e.ledger(),
    inProgress: e.liquidationsInProgress(),
    open: seq.openBatchNumber,
    next: seq.nextSeq,
    root: seq.stateRoot,
  };
}

async function walCount(dir: string) {
  const { Level } = await import("level");
  const db = new Level<string, Buffer>(dir, { valueEncoding: "buffer" });
  await db.open();
  const n = await new WriteAheadLog(db).count();
  const snaps = await new SnapshotStore(db).all();
  await db.close();
  return { n, snaps };
}

describe("restart from a snapshot", () => {
  for (const every of [1, 2]) {
    it(`every ${every} batch(es): restores the state, roots and seq a full replay gives, from the snapshot and the WAL tail`, async () => {
      const dirSnap = tmp("snap-on-");
      const dirFull = tmp("snap-off-");
      const a = await open(dirSnap, every);
      const b = await open(dirFull, 0);
      await history(a.seq);
      await history(b.seq);
      assert.deepEqual(view(a.seq), view(b.seq));
      assert.deepEqual(a.sealed, b.sealed);
      assert.ok(a.sealed.length >= 6, "the history spans several batches");
      const next = a.seq.nextSeq;
      for (const x of [a, b]) {
        await x.seq.stop();
        await x.db.close();
      }

      // Compacted: the WAL holds only what the older of the two kept snapshots does not cover.
      const onDisk = await walCount(dirSnap);
      assert.equal(onDisk.snaps.length, 2);
      const oldest = onDisk.snaps.at(-1)!;
      assert.equal(BigInt(onDisk.n), next - oldest.nextSeq);
      assert.ok(BigInt(onDisk.n) < next / 2n, `tail ${onDisk.n} of ${next} entries`);
      assert.equal((await walCount(dirFull)).n, Number(next));

      const a2 = await open(dirSnap, every);
      const b2 = await open(dirFull, 0);
      assert.equal(a2.started.snapshotBatch, onDisk.snaps[0]!.batchNumber);
      assert.ok(a2.started.replayed < b2.started.replayed);
      assert.deepEqual(view(a2.seq), view(b2.seq));
      assert.equal(a2.seq.lastSealed?.newStateRoot, b.sealed.at(-1));
      // The whole engine state, books' internals and risk memory included, prototypes and all.
      assert.deepEqual(a2.seq.engine.exportState(), b2.seq.engine.exportState());

      // Continuing the log: the same next batches, root for root.
      await more(a2.seq);
      await more(b2.seq);
      assert.ok(a2.sealed.length >= 4, "the continuation seals batches");
      assert.deepEqual(a2.sealed, b2.sealed.slice(-a2.sealed.length));
      assert.deepEqual(view(a2.seq), view(b2.seq));
      for (const x of [a2, b2]) {
        await x.seq.stop();
        await x.db.close();
      }
    });
  }
});
