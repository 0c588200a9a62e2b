import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Registry } from "prom-client";
import { buildServer } from "../../../sequencer/api/server.ts";
import { signPoseidon } from "../../../sequencer/crypto/eddsa.ts";
import { devKey } from "../../../sequencer/crypto/keys.ts";
import { signatureToJson } from "../../../sequencer/crypto/signature-json.ts";
import { type AdmissionSettings, ProvingCapacity } from "../../../sequencer/mempool/admission.ts";
import { signedMessageOf } from "../../../sequencer/proof/signed-message.ts";
import { openSequencer, submitSigned, UNIT_KEEPER } from "./open-sequencer.ts";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// One normal tx per batch, so the second normal request would need a second batch in flight.
const SETTINGS: AdmissionSettings = {
  targetMs: 0,
  sealWaitMs: 2_000,
  initialProofMs: 10_000,
  initialL1Ms: 1_000,
  initialTxPerBatch: 1,
};
const trader = devKey("bp trader");

async function open(laneOn = true) {
  const dir = mkdtempSync(join(tmpdir(), "seq-bp-"));
  dirs.push(dir);
  const capacity = new ProvingCapacity(SETTINGS);
  let proven = 0n;
  const { db, seq } = await openSequencer(dir, 60_000, undefined, 1, {
    backpressure: { settings: SETTINGS, capacity, provenThrough: () => proven },
    liquidationLane: laneOn,
  });
  await seq.start();
  return {
    seq,
    capacity,
    prove: (n: bigint) => {
      proven = n;
    },
    close: async () => {
      await seq.stop();
      await db.close();
    },
  };
}

const order = (nonce: bigint) => ({
  kind: "order" as const,
  accountId: 1,
  nonce,
  marketId: 0,
  side: "buy" as const,
  type: "limit" as const,
  tif: "GTC" as const,
  price: 900_000n,
  size: 1n,
});

describe("backpressure in the sequencer", () => {
  it("sheds normal orders past the backlog, never deposits, prices or liquidations; no state changes", async () => {
    const s = await open();
    const [x, y] = trader.pubKey;
    // A deposit is applied whatever the backlog: L1 already holds the funds.
    await s.seq.submitDeposit({ index: 0n, pubKeyX: x, pubKeyY: y, amount: 1_000_000_000n });
    await s.seq.submitDeposit({ index: 1n, pubKeyX: x, pubKeyY: y, amount: 1_000n });
    assert.equal(s.seq.depositsSeen, 2n);
    const before = s.seq.engine.account(1);
    // The open batch already holds work: a normal order would need a second batch.
    await assert.rejects(submitSigned(s.seq, "normal", order(1n), trader), (e: Error & { code?: string }) => {
      assert.equal(e.code, "OVERLOADED");
      return true;
    });
    assert.deepEqual(s.seq.engine.account(1), before);
    assert.equal(s.seq.lanes.size.normal, 0);
    // The liquidation lane is never asked.
    await submitSigned(
      s.seq,
      "liquidation",
      { kind: "price", marketId: 0, price: 1_000_000n, timestampMs: 1n },
      UNIT_KEEPER,
    );
    const st = s.seq.admission!.state();
    assert.equal(st.admitting, false);
    assert.equal(st.maxBacklog, 1);
    await s.close();
  });

  it("answers 503 OVERLOADED with Retry-After over HTTP, and GET /state shows the rule", async () => {
    const s = await open();
    const [x, y] = trader.pubKey;
    await s.seq.submitDeposit({ index: 0n, pubKeyX: x, pubKeyY: y, amount: 1_000_000_000n });
    const app = buildServer({
      sequencer: s.seq,
      keeperPubKey: UNIT_KEEPER.pubKey,
      registry: new Registry(),
      status: { stateRoot: () => 0n, lastProvenBatch: () => 0n, lastVerifiedBatch: () => 0n },
      now: () => 1_000,
    });
    const tx = { ...order(1n), maxFeeBps: 10_000, expiryMs: 2n ** 48n - 1n };
    const sig = signPoseidon(trader.prv, signedMessageOf(tx)!);
    after(async () => {
      await app.close();
      await s.close();
    });
    const res = await app.inject({
      method: "POST",
      url: "/orders",
      payload: {
        accountId: 1,
        nonce: "1",
        marketId: 0,
        side: "buy",
        type: "limit",
        tif: "GTC",
        price: "900000",
        size: "1",
        signature: signatureToJson(sig),
      },
    });
    assert.equal(res.statusCode, 503, res.body);
    const body = res.json() as { code: string; details: { reason: string; retryAfterMs: number } };
    assert.equal(body.code, "OVERLOADED");
    assert.equal(body.details.reason, "PROVING_BACKLOG");
    assert.equal(res.headers["retry-after"], "10");
    const state = (await app.inject({ method: "GET", url: "/state" })).json() as {
      liquidationLane: boolean;
      admission: { maxBacklog: number; admitting: boolean; liquidationBoundMs: number };
    };
    assert.equal(state.liquidationLane, true);
    assert.equal(state.admission.admitting, false);
    assert.equal(state.admission.maxBacklog, 1);
  });

  it("lane off: no admission rule at all", async () => {
    const s = await open(false);
    assert.equal(s.seq.admission, undefined);
    assert.equal(s.seq.laneOn, false);
    await s.close();
  });
});

describe("lanes", () => {
  const item = (lane: "normal" | "liquidation", n: number) => ({
    lane,
    tx: { kind: "cancel", accountId: n, orderId: 0n } as never,
    receivedAt: n,
    resolve: () => {},
    reject: () => {},
  });

  it("lane on: liquidations are taken before earlier normal requests", async () => {
    const { Lanes } = await import("../../../sequencer/mempool/lanes.ts");
    const l = new Lanes(10);
    l.push(item("normal", 1));
    l.push(item("liquidation", 2));
    assert.deepEqual(
      l.take(2).map((i) => i.receivedAt),
      [2, 1],
    );
  });

  it("lane off (fifo): every request in arrival order", async () => {
    const { Lanes } = await import("../../../sequencer/mempool/lanes.ts");
    const l = new Lanes(10, { fifo: true });
    l.push(item("normal", 1));
    l.push(item("liquidation", 2));
    assert.deepEqual(
      l.take(2).map((i) => i.receivedAt),
      [1, 2],
    );
  });
});

describe("price batches behind a busy prover pool", () => {
  it("holds prices that would seal a batch while every prover is busy, newest wins, in order", async () => {
    const s = await open();
    const price = (p: bigint, ts: bigint) =>
      submitSigned(
        s.seq,
        "liquidation",
        { kind: "price", marketId: 0, price: p, timestampMs: ts },
        UNIT_KEEPER,
      );
    await price(1_000_000n, 1n);
    // A second price for the market does not fit batch 1: it seals it (the pool was idle) and opens 2.
    await price(1_010_000n, 2n);
    assert.equal(s.seq.openBatchNumber, 2n);
    // Batch 1 is sealed and unproven: the one prover is busy. More prices must not each seal a batch.
    const held = [price(1_020_000n, 3n), price(1_030_000n, 4n), price(1_040_000n, 5n)];
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(s.seq.openBatchNumber, 2n, "no batch sealed while the pool is busy");
    assert.equal(s.seq.engine.global().markets[0]!.markPrice > 0n, true);
    // The prover finishes batch 1: the open batch seals and the newest held price goes in.
    s.prove(1n);
    const results = await Promise.all(held);
    assert.equal(results.length, 3);
    assert.equal(s.seq.openBatchNumber, 3n, "one batch for the three held prices");
    const rows = s.seq.trace.since(0n, 100).filter((r) => r.kind === "price");
    assert.equal(rows.length, 3, "the two superseded prices were never applied");
    assert.equal(rows.at(-1)!.batch, 3n);
    await s.close();
  });
});
