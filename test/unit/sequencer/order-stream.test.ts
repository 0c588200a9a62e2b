import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Registry } from "prom-client";
import WebSocket from "ws";
import { OrderStream } from "../../../node/client/order-stream.ts";
import { signedOrderBody, signedPriceBody } from "../../../node/client/signed-bodies.ts";
import { decodeRaw, encodeFrame, type FrameReply } from "../../../sequencer/api/order-frames.ts";
import { buildServer } from "../../../sequencer/api/server.ts";
import { devKey, warmUpCrypto } from "../../../sequencer/crypto/keys.ts";
import { VerifyPool } from "../../../sequencer/crypto/verify-pool.ts";
import { openSequencer, UNIT_KEEPER } from "./open-sequencer.ts";

/** The order-entry socket against a real sequencer (LevelDB WAL, engine, tree) on a real port. */
const alice = devKey("stream-alice");
const bob = devKey("stream-bob");
const PRICE = 1_000_000n;

let dir: string;
let ctx: Awaited<ReturnType<typeof start>>;

async function start() {
  warmUpCrypto();
  const { db, seq } = await openSequencer(dir);
  await seq.start();
  const pool = new VerifyPool({ threads: 2 });
  const app = buildServer({
    sequencer: seq,
    keeperPubKey: UNIT_KEEPER.pubKey,
    registry: new Registry(),
    status: { stateRoot: () => 0n, lastProvenBatch: () => 0n, lastVerifiedBatch: () => 0n },
    verifyPool: pool,
    now: () => 1_000, // the sequencer's fixed clock: a price stamped 1 ms is fresh
  });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  for (const [i, k] of [alice, bob].entries())
    await seq.submitDeposit({
      index: BigInt(i),
      pubKeyX: k.pubKey[0],
      pubKeyY: k.pubKey[1],
      amount: 10n ** 12n,
    });
  const id = (k: typeof alice) => seq.engine.accountIdByKey(...k.pubKey) as number;
  return { seq, app, pool, db, url, aliceId: id(alice), bobId: id(bob) };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "seq-stream-"));
  ctx = await start();
});
after(async () => {
  await ctx.app.close();
  await ctx.pool.close();
  await ctx.seq.stop();
  await ctx.db.close();
  rmSync(dir, { recursive: true, force: true });
});

const order = (
  accountId: number,
  nonce: bigint,
  side: "buy" | "sell",
  prv = accountId === ctx.aliceId ? alice.prv : bob.prv,
) => signedOrderBody(prv, { accountId, nonce, marketId: 0, side, type: "limit", price: PRICE, size: 5n });

/** What a rejected item must not have changed: nonces, the book, the queue. */
function snapshot() {
  const e = ctx.seq.engine;
  return {
    alice: e.account(ctx.aliceId),
    bob: e.account(ctx.bobId),
    book: e.book(0, 10),
    txs: ctx.seq.openBatchTxCount,
    lanes: ctx.seq.lanes.size,
  };
}

/** One raw frame over a fresh socket, and its one reply. */
async function raw(data: Buffer | string): Promise<FrameReply> {
  const ws = new WebSocket(`${ctx.url.replace("http", "ws")}/ws/orders`);
  await new Promise((r) => ws.once("open", r));
  const reply = new Promise<FrameReply>((resolve) =>
    ws.once("message", (m, isBinary) => resolve(decodeRaw(m as Buffer, isBinary) as FrameReply)),
  );
  ws.send(data);
  const r = await reply;
  ws.close();
  return r;
}

describe("GET /ws/orders", () => {
  it("acks valid orders, refuses a bad signature and a bad body per item, and changes nothing for them", async () => {
    const s = await OrderStream.connect(ctx.url);
    const price = s.send(
      "price",
      signedPriceBody(UNIT_KEEPER.prv, { marketId: 0, price: PRICE, timestampMs: 1n }),
    );
    const sell = s.send("order", order(ctx.aliceId, 1n, "sell"));
    // Bob's nonce 1 signed with Alice's key: refused, and nonce 1 stays Bob's to use.
    const forged = s.send("order", order(ctx.bobId, 1n, "buy", alice.prv));
    const { size: _size, ...noSize } = order(ctx.aliceId, 2n, "sell");
    const badBody = s.send("order", noSize);
    const unknown = s.send("order", order(9_999, 1n, "buy"));
    const outcomes = await Promise.all([price, sell, forged, badBody, unknown]);
    assert.equal(outcomes[0]!.ok, true, JSON.stringify(outcomes[0]));
    assert.equal(outcomes[1]!.ok, true, JSON.stringify(outcomes[1]));
    const codes = outcomes.slice(2).map((o) => (!o.ok && "error" in o ? o.error.code : "ok"));
    assert.deepEqual(codes, ["BAD_SIGNATURE", "BAD_REQUEST", "UNKNOWN_ACCOUNT"]);
    const bobBefore = ctx.seq.engine.account(ctx.bobId);
    assert.equal(bobBefore!.nonce, 0n);

    // The same forged body over HTTP: the same code, as the routes share one admission path.
    const http = await ctx.app.inject({
      method: "POST",
      url: "/orders",
      payload: order(ctx.bobId, 1n, "buy", alice.prv),
    });
    assert.equal(http.statusCode, 401);
    assert.equal(http.json().code, "BAD_SIGNATURE");

    // Nonce 1 was not burnt by the forged item: Bob's real order fills against Alice's.
    const fill = await s.submit("order", order(ctx.bobId, 1n, "buy"));
    assert.equal(ctx.seq.engine.account(ctx.bobId)!.nonce, 1n);
    assert.equal(fill.status, "filled");
    assert.equal((fill.fills as unknown[]).length, 1);
    await s.close();
  });

  it("answers a malformed frame with BAD_FRAME, changes no state, and keeps the socket open", async () => {
    const before = snapshot();
    const notJson = await raw("{not json");
    assert.equal("error" in notJson && notJson.error.code, "BAD_FRAME");
    const notMsgpack = await raw(Buffer.from([0xc1, 0xc1, 0xc1]));
    assert.equal("error" in notMsgpack && notMsgpack.error.code, "BAD_FRAME");
    // A valid order beside an item of an unknown kind: the whole frame is refused, the order not queued.
    const mixed = await raw(
      encodeFrame(
        {
          frame: 7,
          items: [
            { id: 1, kind: "order", body: order(ctx.aliceId, 2n, "sell") },
            { id: 2, kind: "teleport" as "order", body: {} },
          ],
        },
        false,
      ) as string,
    );
    assert.deepEqual([mixed.frame, "error" in mixed && mixed.error.code], [7, "BAD_FRAME"]);
    assert.deepEqual(snapshot(), before);

    // The client's socket survives a bad item and goes on.
    const s = await OrderStream.connect(ctx.url, { encoding: "json" });
    const bad = await s.send("order", { nonsense: true });
    assert.equal(!bad.ok && "error" in bad && bad.error.code, "BAD_REQUEST");
    const ok = await s.send("order", order(ctx.aliceId, 2n, "sell"));
    assert.equal(ok.ok, true, JSON.stringify(ok));
    await s.close();
  });

  it("queues items in frame order, and frames in the order sent (nonces would refuse any other)", async () => {
    const s = await OrderStream.connect(ctx.url, { maxItemsPerFrame: 7 });
    const nonces = Array.from({ length: 40 }, (_, i) => 3n + BigInt(i));
    const outcomes = await Promise.all(nonces.map((n) => s.send("order", order(ctx.aliceId, n, "sell"))));
    assert.deepEqual(
      outcomes.map((o) => o.ok),
      nonces.map(() => true),
      JSON.stringify(outcomes.find((o) => !o.ok)),
    );
    await s.close();
  });

  it("ends every item still unanswered as closed when the socket closes", async () => {
    const s = await OrderStream.connect(ctx.url);
    const queued = s.send("order", order(ctx.aliceId, 100n, "sell"));
    await s.close();
    const o = await queued;
    assert.equal(!o.ok && "closed" in o && o.closed.code, "STREAM_CLOSED");
    const later = await s.send("order", order(ctx.aliceId, 100n, "sell"));
    assert.equal(!later.ok && "closed" in later, true);
    assert.equal(s.pending, 0);
  });
});

describe("GET /ws/orders when the normal lane sheds", () => {
  it("answers OVERLOADED per item with retryAfterMs (HTTP's 503 Retry-After), and the item changes nothing", async () => {
    const dir2 = mkdtempSync(join(tmpdir(), "seq-stream-shed-"));
    // A normal lane of one: the second item of a frame finds it full (a frame queues in one loop).
    const { db, seq } = await openSequencer(dir2, 60_000, undefined, 1, { maxNormalQueue: 1 });
    await seq.start();
    const app = buildServer({
      sequencer: seq,
      keeperPubKey: UNIT_KEEPER.pubKey,
      registry: new Registry(),
      status: { stateRoot: () => 0n, lastProvenBatch: () => 0n, lastVerifiedBatch: () => 0n },
      now: () => 1_000,
    });
    const url = await app.listen({ host: "127.0.0.1", port: 0 });
    try {
      for (const [i, k] of [alice, bob].entries())
        await seq.submitDeposit({
          index: BigInt(i),
          pubKeyX: k.pubKey[0],
          pubKeyY: k.pubKey[1],
          amount: 10n ** 9n,
        });
      const [a, b] = [alice, bob].map((k) => seq.engine.accountIdByKey(...k.pubKey) as number);
      const terms = { nonce: 1n, marketId: 0, side: "buy", type: "limit", price: PRICE, size: 1n } as const;
      const s = await OrderStream.connect(url);
      const [first, second] = await Promise.all([
        s.send("order", signedOrderBody(alice.prv, { accountId: a!, ...terms })),
        s.send("order", signedOrderBody(bob.prv, { accountId: b!, ...terms })),
      ]);
      await s.close();
      assert.ok(first!.ok || ("error" in first! && first.error.code !== "OVERLOADED"), JSON.stringify(first));
      assert.ok(!second!.ok && "error" in second!, JSON.stringify(second));
      assert.equal(second.error.code, "OVERLOADED");
      assert.equal(second.error.retryAfterMs, 1000);
      assert.equal(seq.engine.account(b!)!.nonce, 0n);
    } finally {
      await app.close();
      await seq.stop();
      await db.close();
      rmSync(dir2, { recursive: true, force: true });
    }
  });
});
