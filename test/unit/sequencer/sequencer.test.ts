import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { Batch2Instance } from "../../../circuits/batch2-instance.ts";
import { type DevKey, devKey } from "../../../sequencer/crypto/keys.ts";
import type { EngineTx } from "../../../sequencer/engine/types.ts";
import type { Sequencer } from "../../../sequencer/sequencer.ts";
import { openSequencer, submitAsOwners, unitInst } from "./open-sequencer.ts";

const shape = unitInst;
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function open(dir: string, maxBatchWaitMs = 60_000, inst: Batch2Instance = unitInst, reserved = 1) {
  const { db, seq, genesis: g } = await openSequencer(dir, maxBatchWaitMs, inst, reserved);
  const sealed: bigint[] = [];
  seq.on("sealed", (r) => sealed.push(r.newStateRoot));
  await seq.start();
  return { db, seq, sealed, genesis: g };
}

// Deposit i opens account i + 1 with trader i's key.
const traders: DevKey[] = Array.from({ length: 4 }, (_, i) => devKey(`unit trader ${i}`));
const key = (i: number): readonly [bigint, bigint] => traders[i]!.pubKey;
const submit = submitAsOwners(traders);
const order = (
  accountId: number,
  nonce: bigint,
  side: "buy" | "sell",
  price: bigint,
  size: bigint,
): EngineTx => ({
  kind: "order",
  accountId,
  nonce,
  marketId: 0,
  side,
  type: "limit",
  tif: "GTC",
  price,
  size,
});

async function scenario(seq: Sequencer) {
  for (let i = 0; i < 3; i++) {
    const [x, y] = key(i);
    await seq.submitDeposit({ index: BigInt(i), pubKeyX: x, pubKeyY: y, amount: 1_000_000_000n });
  }
  await submit(seq, "liquidation", { kind: "price", marketId: 0, price: 1_000_000n, timestampMs: 1n });
  await submit(seq, "normal", order(1, 1n, "sell", 1_000_000n, 50n));
  await submit(seq, "normal", order(2, 1n, "buy", 1_000_000n, 20n));
  await submit(seq, "normal", order(3, 1n, "buy", 990_000n, 10n));
}

function snapshot(seq: Sequencer) {
  const e = seq.engine;
  const accounts = Array.from({ length: e.accountCount() }, (_, i) => e.account(i));
  return { accounts, book: e.book(0, 10), global: e.global(), open: seq.openBatchNumber };
}

describe("sequencer", () => {
  it("rebuilds the same state, batches and roots from its write-ahead log after a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "seq-replay-"));
    dirs.push(dir);
    const a = await open(dir);
    await scenario(a.seq);
    await a.seq.settled();
    const before = snapshot(a.seq);
    const rootsBefore = [...a.sealed];
    assert.ok(rootsBefore.length >= 1, "the scenario seals at least one batch");
    await a.seq.stop();
    await a.db.close();

    const b = await open(dir);
    await b.seq.settled();
    assert.deepEqual(snapshot(b.seq), before);
    assert.deepEqual(b.sealed, rootsBefore);
    const last = await b.seq.batches.get(BigInt(rootsBefore.length));
    assert.equal(last?.newStateRoot, rootsBefore.at(-1));
    await b.seq.stop();
    await b.db.close();
  });

  it("rejects a reused nonce with a typed error and logs nothing for it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "seq-reject-"));
    dirs.push(dir);
    const a = await open(dir);
    await scenario(a.seq);
    const before = snapshot(a.seq);
    await assert.rejects(submit(a.seq, "normal", order(1, 1n, "sell", 1_000_000n, 5n)), {
      code: "BAD_NONCE",
    });
    assert.deepEqual(snapshot(a.seq), before);
    await a.seq.stop();
    await a.db.close();
    const b = await open(dir);
    assert.deepEqual(snapshot(b.seq), before);
    await b.seq.stop();
    await b.db.close();
  });

  it("drains the liquidation lane before the normal lane", async () => {
    const dir = mkdtempSync(join(tmpdir(), "seq-lanes-"));
    dirs.push(dir);
    const a = await open(dir);
    await scenario(a.seq);
    const order_: string[] = [];
    a.seq.on("applied", ({ lane }) => order_.push(lane));
    // Queue both lanes in the same tick: normal first, then a price on the liquidation lane.
    const p1 = submit(a.seq, "normal", order(3, 2n, "buy", 980_000n, 1n));
    const p2 = submit(a.seq, "liquidation", {
      kind: "price",
      marketId: 0,
      price: 1_010_000n,
      timestampMs: 2n,
    });
    await Promise.all([p1, p2]);
    assert.deepEqual(order_.slice(0, 2), ["liquidation", "normal"]);
    await a.seq.stop();
    await a.db.close();
  });

  it("seals a batch when the touched accounts reach the circuit's N", async () => {
    const dir = mkdtempSync(join(tmpdir(), "seq-seal-"));
    dirs.push(dir);
    const a = await open(dir);
    await scenario(a.seq);
    await a.seq.settled();
    for (let n = 1n; n <= BigInt(a.sealed.length); n++) {
      const rec = await a.seq.batches.get(n);
      assert.ok(rec, `batch ${n} stored`);
      assert.ok(rec.touched.length <= shape.N, `batch ${n} touches ${rec.touched.length} ≤ N accounts`);
      assert.ok(rec.depositCount <= BigInt(shape.ND));
    }
    await a.seq.stop();
    await a.db.close();
  });

  it("seals a batch of only oracle prices even when every leaf of the tree is taken", async () => {
    const dir = mkdtempSync(join(tmpdir(), "seq-full-"));
    dirs.push(dir);
    const full: Batch2Instance = { ...unitInst, name: "unit-full", D: 2, N: 2, S: 2, T: 4 };
    const a = await open(dir, 0, full, 0);
    for (let i = 0; i < 3; i++) {
      const [x, y] = key(i);
      await a.seq.submitDeposit({ index: BigInt(i), pubKeyX: x, pubKeyY: y, amount: 1_000n });
    }
    assert.equal(a.seq.engine.accountCount(), 4, "accounts 0..3 fill a depth-2 tree");
    await submit(a.seq, "liquidation", { kind: "price", marketId: 0, price: 1_000_000n, timestampMs: 1n });
    await submit(a.seq, "liquidation", { kind: "price", marketId: 1, price: 2_000_000n, timestampMs: 1n });
    await a.seq.settled();
    const last = a.seq.lastSealed;
    assert.ok(last, "a batch was sealed");
    assert.deepEqual(last.touched, [], "the last batch holds only prices");
    await a.seq.stop();
    await a.db.close();
  });

  it("follows an open liquidation event with sweeps through the liquidation lane, and replays the same ledger", async () => {
    const dir = mkdtempSync(join(tmpdir(), "seq-sweep-"));
    dirs.push(dir);
    const a = await open(dir);
    const until = async (what: string, ok: () => boolean) => {
      for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(ok(), what);
    };
    const [sx, sy] = key(0);
    const [vx, vy] = key(1);
    await a.seq.submitDeposit({ index: 0n, pubKeyX: sx, pubKeyY: sy, amount: 1_000_000_000n });
    await a.seq.submitDeposit({ index: 1n, pubKeyX: vx, pubKeyY: vy, amount: 5_100_000n });
    await submit(a.seq, "liquidation", { kind: "price", marketId: 0, price: 1_000_000n, timestampMs: 1n });
    await submit(a.seq, "normal", order(1, 1n, "sell", 1_000_000n, 50n));
    await submit(a.seq, "normal", order(2, 1n, "buy", 1_000_000n, 50n));
    // −6%: the victim (equity 5.075 − 3 USDC) is below maintenance (2.35) but solvent. The book is empty
    // and the unfunded backstop cannot take it over, so the event stays open with nothing filled.
    await submit(a.seq, "liquidation", { kind: "price", marketId: 0, price: 940_000n, timestampMs: 2n });
    await until("the detected liquidation ran", () => a.seq.engine.ledger()[0]?.steps === 1);
    assert.deepEqual(a.seq.engine.liquidationsInProgress(), [2]);
    assert.equal(a.seq.sweep(), 1, "the sweep queues the open event's next step");
    await until("the swept step ran", () => a.seq.engine.ledger()[0]?.steps === 2);
    assert.equal(a.seq.engine.account(2)?.positions[0]?.size, 50n);
    // Someone bids: the next sweep's step closes the position on the book and ends the event.
    await submit(a.seq, "normal", order(1, 2n, "buy", 940_000n, 50n));
    assert.equal(a.seq.sweep(), 1);
    await until("the event ended", () => a.seq.engine.ledger()[0]?.closedAtMs !== undefined);
    assert.equal(a.seq.engine.account(2)?.positions[0]?.size, 0n);
    assert.equal(a.seq.sweep(), 0, "nothing open, no zombies");
    const ledger = a.seq.engine.ledger();
    await a.seq.settled();
    await a.seq.stop();
    await a.db.close();

    const b = await open(dir);
    assert.deepEqual(b.seq.engine.ledger(), ledger);
    await b.seq.stop();
    await b.db.close();
  });

  it("folds small keeper moves into the open price-only batch and seals at once for a big one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "seq-price-defer-"));
    dirs.push(dir);
    const a = await open(dir);
    const price = (price: bigint, timestampMs: bigint): EngineTx => ({
      kind: "price",
      marketId: 0,
      price,
      timestampMs,
    });
    await submit(a.seq, "liquidation", price(1_000_000n, 1n));
    // +0.1%: waits for the price-only batch (which seals on its 60 s timer here), superseded by +0.2%.
    const small1 = submit(a.seq, "liquidation", price(1_001_000n, 2n));
    const small2 = submit(a.seq, "liquidation", price(1_002_000n, 3n));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(a.seq.engine.global().markets[0]?.markPrice, 1_000_000n, "small moves wait");
    assert.equal(a.seq.openBatchNumber, 1n, "nothing sealed yet");
    // −10%: seals the price-only batch and applies first in the next one.
    await submit(a.seq, "liquidation", price(900_000n, 4n));
    await a.seq.settled();
    assert.equal(a.seq.openBatchNumber, 2n, "the crash price sealed batch 1");
    assert.equal((await a.seq.batches.get(1n))?.txCount, 1, "batch 1 holds only the first price");
    assert.equal(a.seq.engine.global().markets[0]?.markPrice, 900_000n);
    await a.seq.stop();
    // The deferred ones never applied: stopping refuses them with a typed error, nothing is lost silently.
    await assert.rejects(small1, { code: "SEQUENCER_STOPPED" });
    await assert.rejects(small2, { code: "SEQUENCER_STOPPED" });
    await a.db.close();
  });
});
