import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildGenesis2 } from "../../../node/genesis.ts";
import { OrderBook, RestingOrder } from "../../../sequencer/matching/order-book.ts";
import { decodeGraph, encodeGraph } from "../../../sequencer/snapshot/graph-codec.ts";
import { SNAPSHOT_CLASSES } from "../../../sequencer/snapshot/registry.ts";
import { decodeSequencerPart, encodeSequencerPart } from "../../../sequencer/snapshot/snapshot.ts";
import { UNIT_KEEPER, unitInst } from "../sequencer/open-sequencer.ts";

const opts = { classes: SNAPSHOT_CLASSES };
class NotRegistered {
  x = 1n;
}

describe("graph codec", () => {
  it("restores cycles, identity, prototypes, Maps, Sets, bigints and typed arrays", () => {
    const book = new OrderBook(0);
    const o1 = new RestingOrder(1n, 1, 0, "buy", 100n, 5n, 5n);
    const o2 = new RestingOrder(2n, 2, 0, "buy", 100n, 3n, 3n);
    book.add(o1);
    book.add(o2);
    const root = { book, again: o1, set: new Set([1, 2]), bits: new Int32Array([7, -1]) };
    const back = decodeGraph<typeof root>(encodeGraph(root, opts), opts);
    assert.ok(back.book instanceof OrderBook);
    assert.equal(back.book.get(1n), back.again, "one object, reached twice");
    assert.equal(back.book.bids.best()?.head?.next, back.book.get(2n), "the level's FIFO links survive");
    assert.equal(back.book.bids.best()?.total, 8n, "prototype getters work");
    assert.deepEqual(back, root);
  });

  it("throws SNAPSHOT_UNSUPPORTED for an instance of an unregistered class anywhere in the engine state", () => {
    const g = buildGenesis2(unitInst, {
      backstopSeed: "unit-backstop",
      keeperPubKey: UNIT_KEEPER.pubKey,
      reservedForLiquidations: 1,
    });
    const rest = { signatures: new Map(), pendingLiquidations: [] };
    assert.ok(decodeSequencerPart(encodeSequencerPart(g.engine, rest), g.engine).engine);
    (g.engine.exportState().risk as unknown as { stray: unknown }).stray = [new NotRegistered()];
    assert.throws(() => encodeSequencerPart(g.engine, rest), {
      code: "SNAPSHOT_UNSUPPORTED",
      message: /unregistered class NotRegistered at root\.engine\.risk\.stray\.0/,
    });
  });

  it("throws SNAPSHOT_UNSUPPORTED for a function in the graph", () => {
    assert.throws(() => encodeGraph({ a: { f: () => 1 } }, opts), {
      code: "SNAPSHOT_UNSUPPORTED",
      message: /function/,
    });
  });

  it("leaves externals out of the bytes and puts them back by name", () => {
    const params = { tick: 5n };
    const bytes = encodeGraph({ p: params, n: 1 }, { ...opts, externals: { params } });
    const other = { tick: 5n };
    const back = decodeGraph<{ p: unknown }>(bytes, { ...opts, externals: { params: other } });
    assert.equal(back.p, other);
    assert.throws(() => decodeGraph(bytes, opts), { code: "SNAPSHOT_UNKNOWN_EXTERNAL" });
  });
});
