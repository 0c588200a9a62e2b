import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Level } from "level";
import { createMetrics } from "../../../node/sequencer/metrics.ts";
import { stageHistograms } from "../../../sequencer/api/dashboard/histograms.ts";
import { buildSnapshot } from "../../../sequencer/api/dashboard/snapshot.ts";
import type { DashboardSources } from "../../../sequencer/api/dashboard/types.ts";
import { type DevKey, devKey } from "../../../sequencer/crypto/keys.ts";
import type { EngineTx } from "../../../sequencer/engine/types.ts";
import type { Sequencer } from "../../../sequencer/sequencer.ts";
import { openSequencer, submitAsOwners, tempDirs } from "../sequencer/open-sequencer.ts";

const dir = tempDirs(after);
const traders: DevKey[] = Array.from({ length: 2 }, (_, i) => devKey(`dash trader ${i}`));
const submit = submitAsOwners(traders);
const order = (accountId: number, side: "buy" | "sell", price: bigint, size = 50n): EngineTx => ({
  kind: "order",
  accountId,
  nonce: 1n,
  marketId: 0,
  side,
  type: "limit",
  tif: "GTC",
  price,
  size,
});

/** Stand-ins for the node's Redis and L1 reads: this test is about what the builder makes of them. */
const sources = (over: Partial<DashboardSources> = {}): DashboardSources => ({
  provers: async () => [{ name: "w1", addr: "127.0.0.1:1", ageS: 3, idleS: 0 }],
  proofQueue: async () => ({ states: { active: 1, prioritized: 2 }, pending: { liquidation: 1, normal: 1 } }),
  l1: async () => ({ stateRoot: `0x${"ab".repeat(32)}`, lastVerifiedBatch: "1", blockNumber: "9" }),
  leadership: () => ({ mode: "single", nodeId: "n1", url: "http://x", leaderUrl: "http://x" }),
  peers: async () => [{ url: "http://y", role: "follower", epoch: 0, error: undefined }],
  ...over,
});

describe("dashboard snapshot", () => {
  let seq: Sequencer;
  let db: Level<string, Buffer>;
  let now = 1_000;
  before(async () => {
    ({ seq, db } = await openSequencer(dir("dash-snap-"), 60_000, undefined, 1, { clock: () => now }));
    await seq.start();
    for (const [i, amount] of [1_000_000_000n, 5_100_000n].entries()) {
      const [x, y] = traders[i]!.pubKey;
      await seq.submitDeposit({ index: BigInt(i), pubKeyX: x, pubKeyY: y, amount });
    }
    await submit(seq, "liquidation", { kind: "price", marketId: 0, price: 1_000_000n, timestampMs: 1n });
    await submit(seq, "normal", order(1, "sell", 1_000_000n));
    await submit(seq, "normal", order(2, "buy", 1_000_000n));
    // A resting bid under the mark, so the book shows a level on each side after the crash.
    await submit(seq, "normal", { ...order(1, "buy", 900_000n, 10n), nonce: 2n } as EngineTx);
    now = 5_000;
    await submit(seq, "liquidation", { kind: "price", marketId: 0, price: 940_000n, timestampMs: 2n });
    for (let i = 0; i < 200 && seq.engine.ledger().length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
  });
  after(async () => {
    await seq.stop();
    await db.close();
  });

  it("shows the engine's books, marks, index, ledger with tiers, fund and vault, as JSON-safe strings", async () => {
    const m = createMetrics();
    const snap = await buildSnapshot({
      sequencer: seq,
      registry: m.registry,
      status: { stateRoot: () => seq.stateRoot, lastProvenBatch: () => 0n, lastVerifiedBatch: () => 0n },
      sources: sources(),
      now: () => 42,
    });
    assert.equal(snap.at, 42);
    assert.doesNotThrow(() => JSON.stringify(snap), "no bigint left in the snapshot");
    const m0 = snap.markets[0]!;
    const view = seq.engine.markets()[0]!;
    assert.equal(m0.markPrice, view.markPrice.toString());
    assert.equal(m0.indexPrice, "940000");
    const book = seq.engine.book(0, 8);
    assert.deepEqual(
      m0.bids.map((l) => [l.price, l.size]),
      book.bids.map((l) => [l.price.toString(), l.size.toString()]),
    );
    const ledger = seq.engine.ledger();
    assert.ok(ledger.length > 0, "the crash liquidated account 2");
    assert.equal(snap.liquidations.total, ledger.length);
    const last = ledger.at(-1)!;
    const row = snap.liquidations.records[0]!;
    assert.equal(row.id, last.id, "newest first");
    assert.equal(row.accountId, 2);
    assert.equal(row.tier, last.tier);
    const lots = last.fills
      .filter((f) => f.tier === last.tier)
      .reduce((a, f) => a + (f.size < 0n ? -f.size : f.size), 0n);
    assert.equal(row.lotsByTier[last.tier], lots.toString());
    assert.equal(snap.funds.insuranceFund, seq.engine.global().insuranceFund.toString());
    assert.equal(snap.funds.vault.equity, seq.engine.vaultReport().equity.toString());
    assert.equal(snap.chain.stateRoot, `0x${seq.stateRoot.toString(16).padStart(64, "0")}`);
    assert.equal(snap.node.role, "leader");
    assert.deepEqual(snap.provers, {
      ok: true,
      value: [{ name: "w1", addr: "127.0.0.1:1", ageS: 3, idleS: 0 }],
    });
    assert.equal(snap.chain.l1.ok && snap.chain.l1.value.lastVerifiedBatch, "1");
    assert.equal(snap.node.peers.ok && snap.node.peers.value[0]?.role, "follower");
  });

  it("lists the sealed batches newest first, each with its stage and priority", async () => {
    const snap = await buildSnapshot({
      sequencer: seq,
      registry: createMetrics().registry,
      status: { stateRoot: () => seq.stateRoot, lastProvenBatch: () => 0n, lastVerifiedBatch: () => 0n },
    });
    const last = seq.lastSealed?.batchNumber ?? 0n;
    assert.ok(last >= 1n, "the txs filled at least one batch");
    assert.equal(snap.batches.length, Number(last));
    assert.equal(snap.chain.lastSealedBatch, last.toString());
    for (const [i, b] of snap.batches.entries()) {
      const rec = (await seq.batches.get(last - BigInt(i)))!;
      assert.equal(b.batchNumber, rec.batchNumber.toString());
      assert.equal(b.stage, rec.status);
      assert.equal(b.priority, rec.priority);
      assert.equal(b.txCount, rec.txCount);
    }
  });

  it("reads only the ledger's tail, as copies", () => {
    const all = seq.engine.ledger();
    const tail = seq.engine.ledgerTail(1);
    assert.equal(tail.total, all.length);
    assert.deepEqual(tail.records, all.slice(-1));
    assert.deepEqual(seq.engine.ledgerTail(0).records, []);
    assert.deepEqual(seq.engine.ledgerTail(1000).records, all);
    tail.records[0]!.steps = 999;
    assert.notEqual(seq.engine.ledger().at(-1)!.steps, 999, "the engine's record is untouched");
  });

  it("bounds the batch window and the ledger to their limits", async () => {
    const snap = await buildSnapshot(
      {
        sequencer: seq,
        registry: createMetrics().registry,
        status: { stateRoot: () => 0n, lastProvenBatch: () => 0n, lastVerifiedBatch: () => 0n },
      },
      { batches: 1, bookDepth: 1, liquidations: 1 },
    );
    assert.ok(snap.batches.length <= 1);
    assert.ok(snap.liquidations.records.length <= 1);
    assert.ok(snap.markets[0]!.bids.length <= 1 && snap.markets[0]!.asks.length <= 1);
  });

  it("turns a failing source into its error and an absent one into 'not wired', keeping the rest", async () => {
    const status = { stateRoot: () => 0n, lastProvenBatch: () => 0n, lastVerifiedBatch: () => 0n };
    const failing = await buildSnapshot({
      sequencer: seq,
      registry: createMetrics().registry,
      status,
      sources: sources({
        l1: async () => {
          throw new Error("anvil is down");
        },
      }),
    });
    assert.deepEqual(failing.chain.l1, { ok: false, error: "anvil is down" });
    assert.equal(failing.provers.ok, true);
    assert.ok(failing.markets.length > 0);
    const bare = await buildSnapshot({ sequencer: seq, registry: createMetrics().registry, status });
    assert.equal(bare.provers.ok, false);
    assert.equal(bare.node.leadership, undefined);
  });
});

describe("stage histograms", () => {
  it("gives each bucket its own count (prom-client's are cumulative), per stage and priority", async () => {
    const m = createMetrics();
    for (const v of [3, 4, 40, 200_000]) m.stage.observe({ stage: "proving→proven", priority: "normal" }, v);
    m.stage.observe({ stage: "proving→proven", priority: "liquidation" }, 7);
    const hs = await stageHistograms(m.registry);
    assert.deepEqual(
      hs.map((h) => [h.stage, h.priority]),
      [
        ["proving→proven", "liquidation"],
        ["proving→proven", "normal"],
      ],
    );
    const norm = hs[1]!;
    assert.equal(norm.count, 4);
    assert.equal(norm.sumMs, 3 + 4 + 40 + 200_000);
    assert.equal(norm.le.at(-1), -1, "+Inf sent as -1");
    const at = (le: number) => norm.counts[norm.le.indexOf(le)];
    assert.equal(at(5), 2);
    assert.equal(at(50), 1);
    assert.equal(at(300_000), 1);
    assert.equal(at(1), 0);
    assert.equal(
      norm.counts.reduce((a, b) => a + b, 0),
      4,
    );
    assert.equal(hs[0]!.counts[hs[0]!.le.indexOf(10)], 1);
  });

  it("gives no histograms for a registry without the metric", async () => {
    const { Registry } = await import("prom-client");
    assert.deepEqual(await stageHistograms(new Registry()), []);
  });
});
