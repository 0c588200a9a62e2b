import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EngineError } from "../../../sequencer/engine/index.ts";
import { Driver } from "./helpers.ts";

/** Engine rules that keep every accepted tx provable (docs/PROOF.md), each against the rule it serves. */
function rejects(fn: () => unknown, code: string) {
  assert.throws(fn, (err: unknown) => err instanceof EngineError && err.code === code, code);
}

describe("engine rules for the proof", () => {
  it("refuses an order whose fee cap is below the market's fee: FEE_CAP", () => {
    const d = Driver.create();
    const a = d.fund(100_000n);
    d.price(0, 1_000n);
    // testParams: taker 10 bps, maker 5 bps: the cap must cover 10.
    rejects(
      () => d.order({ accountId: a, marketId: 0, side: "buy", price: 1_000n, size: 1n, maxFeeBps: 9 }),
      "FEE_CAP",
    );
    const r = d.order({ accountId: a, marketId: 0, side: "buy", price: 1_000n, size: 1n, maxFeeBps: 10 });
    assert.equal(r.status, "resting");
    rejects(
      () => d.order({ accountId: a, marketId: 0, side: "buy", price: 1_000n, size: 1n, maxFeeBps: 10_001 }),
      "BAD_TX",
    );
  });

  it("refuses an order that expired by engine time: ORDER_EXPIRED", () => {
    const d = Driver.create();
    const a = d.fund(100_000n);
    d.price(0, 1_000n);
    const now = d.engine.nowMs();
    rejects(
      () => d.order({ accountId: a, marketId: 0, side: "buy", price: 1_000n, size: 1n, expiryMs: now }),
      "ORDER_EXPIRED",
    );
    const r = d.order({
      accountId: a,
      marketId: 0,
      side: "buy",
      price: 1_000n,
      size: 1n,
      expiryMs: now + 1n,
    });
    assert.equal(r.status, "resting");
  });

  it("cancels a resting order that expired instead of filling it", () => {
    const d = Driver.create();
    const maker = d.fund(100_000n);
    const other = d.fund(100_000n);
    const taker = d.fund(100_000n);
    d.price(0, 1_000n);
    const now = d.engine.nowMs();
    d.order({ accountId: maker, marketId: 0, side: "sell", price: 1_000n, size: 5n, expiryMs: now + 5n });
    d.order({ accountId: other, marketId: 0, side: "sell", price: 1_001n, size: 5n });
    d.apply({ kind: "price", marketId: 0, price: 1_000n, timestampMs: now + 5n });
    const r = d.order({ accountId: taker, marketId: 0, side: "buy", price: 1_001n, size: 5n });
    assert.deepEqual(
      r.fills.map((f) => [f.maker, f.price]),
      [[other, 1_001n]],
    );
    assert.deepEqual(d.engine.openOrders(maker), []);
  });

  it("cancels a resting order on the slot of a newer order of the same account", () => {
    const d = Driver.create({ orderSlotBits: 1 });
    const a = d.fund(1_000_000n);
    d.price(0, 1_000n);
    const o1 = d.order({ accountId: a, marketId: 0, side: "buy", price: 900n, size: 1n }).orderId; // nonce 1
    const o2 = d.order({ accountId: a, marketId: 0, side: "buy", price: 901n, size: 1n }).orderId; // nonce 2
    const o3 = d.order({ accountId: a, marketId: 0, side: "buy", price: 902n, size: 1n }).orderId; // nonce 3
    // nonce 3 ≡ 1 (mod 2): order 1 can never be filled in the proof again, so it is gone.
    assert.deepEqual(
      d.engine.openOrders(a).map((o) => o.orderId),
      [o2, o3].sort((x, y) => Number((x as bigint) - (y as bigint))),
    );
    assert.ok(!d.engine.openOrders(a).some((o) => o.orderId === o1));
  });

  it("stops a taker before a fill that opens risk below initial margin, even a flip to a smaller side", () => {
    const d = Driver.create();
    const a = d.fund(4_000n);
    const seller = d.fund(1_000_000n);
    const m2 = d.fund(1_000_000n);
    const m3 = d.fund(1_000_000n);
    d.price(0, 1_000n);
    d.order({ accountId: seller, marketId: 0, side: "sell", price: 1_000n, size: 10n });
    d.order({ accountId: a, marketId: 0, side: "buy", price: 1_000n, size: 10n }); // long 10, fee 10 → 3_990
    // A resting buy keeps a sell of up to 20 from raising A's worst case, so its up-front check is skipped.
    d.order({ accountId: a, marketId: 0, side: "buy", price: 500n, size: 20n });
    d.price(0, 640n); // equity 3_990 − 3_600 = 390: above maintenance 320, below the 512 of short 8
    d.order({ accountId: m2, marketId: 0, side: "buy", price: 640n, size: 10n });
    d.order({ accountId: m3, marketId: 0, side: "buy", price: 640n, size: 8n });
    const r = d.order({ accountId: a, marketId: 0, side: "sell", price: 640n, size: 18n });
    // The first fill only closes; the second would open short 8 at equity 379 < 512: matching stops.
    assert.equal(r.status, "partially_filled");
    assert.deepEqual(
      r.fills.map((f) => [f.maker, f.size]),
      [[m2, 10n]],
    );
    assert.equal(d.engine.account(a)?.positions[0]?.size, 0n);
  });

  it("closes a liquidation on the book only while the account is below maintenance", () => {
    const d = Driver.create();
    const victim = d.fund(10_000n);
    const shorter = d.fund(10_000_000n);
    const b1 = d.fund(10_000_000n);
    const b2 = d.fund(10_000_000n);
    d.price(0, 1_000n);
    d.order({ accountId: shorter, marketId: 0, side: "sell", price: 1_000n, size: 90n });
    d.order({ accountId: victim, marketId: 0, side: "buy", price: 1_000n, size: 90n });
    d.order({ accountId: b1, marketId: 0, side: "buy", price: 899n, size: 80n });
    d.order({ accountId: b2, marketId: 0, side: "buy", price: 899n, size: 10n });
    d.price(0, 900n); // equity 910 < maintenance 4_050
    const r = d.apply({ kind: "liquidation", accountId: victim });
    // After 80 @ 899: equity 830 ≥ maintenance 450 of the 10 left, so b2's order is not reached.
    assert.equal(r.liquidation?.closedOnBook, 80n);
    assert.deepEqual(
      r.fills.map((f) => f.maker),
      [b1],
    );
    assert.equal(d.engine.account(victim)?.positions[0]?.size, 10n);
  });

  it("hands positions to the vault one at a time, smallest requirement first, while still below maintenance", () => {
    const d = Driver.create({}, 2);
    const victim = d.fund(7_100n);
    const shorter = d.fund(10_000_000n);
    d.apply({
      kind: "deposit",
      depositIndex: d.engine.nextDepositIndex(),
      pubKeyX: 7n,
      pubKeyY: 7n,
      amount: 100_000n,
    });
    d.price(0, 1_000n);
    d.price(1, 1_000n);
    d.order({ accountId: shorter, marketId: 0, side: "sell", price: 1_000n, size: 10n });
    d.order({ accountId: victim, marketId: 0, side: "buy", price: 1_000n, size: 10n });
    d.order({ accountId: shorter, marketId: 1, side: "sell", price: 1_000n, size: 60n });
    d.order({ accountId: victim, marketId: 1, side: "buy", price: 1_000n, size: 60n }); // collateral 7_030
    // m0 at 600: equity 7_030 − 4_000 = 3_030 < maintenance 300 + 3_000. The vault takes m0 (300) at the
    // mark; then equity 3_030 ≥ 3_000, the requirement of m1: the account is no longer below, m1 stays.
    d.price(0, 600n);
    const r = d.apply({ kind: "liquidation", accountId: victim });
    assert.equal(r.liquidation?.toBackstop, 10n);
    assert.deepEqual(
      d.engine.account(victim)?.positions.map((p) => p.size),
      [0n, 60n],
    );
    assert.deepEqual(
      d.engine.account(0)?.positions.map((p) => p.size),
      [10n, 0n],
    );
  });

  it("refuses a partial vault takeover that would leave a debt the account's other positions back", () => {
    const d = Driver.create({}, 2);
    const victim = d.fund(7_070n);
    const shorter = d.fund(10_000_000n);
    d.apply({
      kind: "deposit",
      depositIndex: d.engine.nextDepositIndex(),
      pubKeyX: 7n,
      pubKeyY: 7n,
      amount: 1_000_000n,
    });
    d.price(0, 1_000n);
    d.price(1, 1_000n);
    d.order({ accountId: shorter, marketId: 0, side: "sell", price: 1_000n, size: 10n });
    d.order({ accountId: victim, marketId: 0, side: "buy", price: 1_000n, size: 10n });
    d.order({ accountId: shorter, marketId: 1, side: "sell", price: 1_000n, size: 60n });
    d.order({ accountId: victim, marketId: 1, side: "buy", price: 1_000n, size: 60n }); // collateral 7_000
    d.price(1, 1_100n); // +6_000 unrealised on m1
    for (const p of [500n, 250n, 125n, 63n, 32n, 30n]) d.price(0, p); // −9_700 on m0
    // Equity 3_300 < maintenance 15 + 3_300. Taking m0 first would leave the account above maintenance
    // (3_300 ≥ 3_300) but with collateral 7_000 − 9_700 < 0: a debt the fund would pay while m1's gain
    // still backs it. The vault refuses; nothing changes.
    const r = d.apply({ kind: "liquidation", accountId: victim });
    assert.equal(r.liquidation?.toBackstop, 0n);
    assert.deepEqual(
      d.engine.account(victim)?.positions.map((p) => p.size),
      [10n, 60n],
    );
  });
});
