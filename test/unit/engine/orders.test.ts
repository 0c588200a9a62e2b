import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EngineError } from "../../../sequencer/engine/index.ts";
import { Driver, snapshot } from "./helpers.ts";

function setup() {
  const d = Driver.create();
  const ids = [d.fund(1_000_000n), d.fund(1_000_000n), d.fund(1_000_000n), d.fund(1_000_000n)];
  d.price(0, 1_000n);
  return { d, e: d.engine, a: ids as [number, number, number, number] };
}

function rejects(fn: () => unknown, code: string) {
  assert.throws(fn, (err: unknown) => err instanceof EngineError && err.code === code);
}

describe("orders", () => {
  it("fills at the best price first, then in time order, charging floor fees to both sides", () => {
    const { d, e, a } = setup();
    const s1 = d.order({ accountId: a[0], marketId: 0, side: "sell", price: 1_000n, size: 5n }).orderId;
    d.order({ accountId: a[1], marketId: 0, side: "sell", price: 1_000n, size: 5n });
    d.order({ accountId: a[2], marketId: 0, side: "sell", price: 999n, size: 5n });
    const r = d.order({ accountId: a[3], marketId: 0, side: "buy", price: 1_000n, size: 8n });
    assert.equal(r.status, "filled");
    // 5 @ 999 = 4995: taker 4 (4.995), maker 2 (2.4975); 3 @ 1000 = 3000: taker 3, maker 1 (1.5)
    assert.deepEqual(
      r.fills.map((f) => [f.maker, f.price, f.size, f.takerFee, f.makerFee]),
      [
        [a[2], 999n, 5n, 4n, 2n],
        [a[0], 1_000n, 3n, 3n, 1n],
      ],
    );
    assert.deepEqual(r.fills[1]?.makerOrderId, s1);
    assert.deepEqual(
      r.touched,
      [a[0], a[2], a[3]].sort((x, y) => x - y),
    );
    assert.equal(e.global().feePool, 10n);
    assert.deepEqual(e.account(a[3])?.positions[0], { size: 8n, entryNotional: 7_995n, fundingSnapshot: 0n });
    assert.equal(e.account(a[3])?.collateral, 1_000_000n - 7n);
    assert.deepEqual(e.book(0, 5).asks, [{ price: 1_000n, size: 7n, orders: 2 }]);
    assert.equal(e.openOrders(a[0])[0]?.remaining, 2n);
    assert.equal(e.global().markets[0]?.openInterest, 8n);
    assert.equal(e.conservedTotal(), 4_000_000n);
  });

  it("rests the remainder of a GTC order and cancels the remainder of an IOC order", () => {
    const { d, e, a } = setup();
    d.order({ accountId: a[0], marketId: 0, side: "sell", price: 1_000n, size: 2n });
    const gtc = d.order({ accountId: a[1], marketId: 0, side: "buy", price: 1_000n, size: 5n });
    assert.equal(gtc.status, "resting");
    assert.deepEqual(e.book(0, 5).bids, [{ price: 1_000n, size: 3n, orders: 1 }]);
    d.order({ accountId: a[2], marketId: 0, side: "buy", price: 990n, size: 1n });
    const ioc = d.order({ accountId: a[3], marketId: 0, side: "sell", price: 995n, size: 5n, tif: "IOC" });
    assert.equal(ioc.status, "partially_filled");
    assert.equal(ioc.fills.length, 1);
    assert.deepEqual(e.book(0, 5).asks, [], "the IOC remainder did not rest");
    assert.deepEqual(e.book(0, 5).bids, [{ price: 990n, size: 1n, orders: 1 }]);
    const none = d.order({ accountId: a[3], marketId: 0, side: "sell", price: 995n, size: 1n, tif: "IOC" });
    assert.equal(none.status, "cancelled");
    assert.deepEqual(none.touched, [a[3]], "an unfilled IOC still uses the nonce");
  });

  it("bounds a market order by the band around the mark", () => {
    const { d, e, a } = setup();
    d.order({ accountId: a[0], marketId: 0, side: "sell", price: 1_050n, size: 1n });
    d.order({ accountId: a[0], marketId: 0, side: "sell", price: 1_051n, size: 1n });
    const r = d.order({
      accountId: a[1],
      marketId: 0,
      side: "buy",
      type: "market",
      tif: "IOC",
      price: 0n,
      size: 2n,
    });
    assert.equal(r.status, "partially_filled");
    assert.deepEqual(
      r.fills.map((f) => f.price),
      [1_050n],
    );
    assert.deepEqual(e.book(0, 5).asks, [{ price: 1_051n, size: 1n, orders: 1 }]);
  });

  it("cancels the taker's own resting order instead of trading with itself", () => {
    const { d, e, a } = setup();
    const own = d.order({ accountId: a[0], marketId: 0, side: "sell", price: 1_000n, size: 2n }).orderId;
    d.order({ accountId: a[1], marketId: 0, side: "sell", price: 1_000n, size: 2n });
    const r = d.order({ accountId: a[0], marketId: 0, side: "buy", price: 1_000n, size: 2n });
    assert.deepEqual(
      r.fills.map((f) => f.maker),
      [a[1]],
    );
    assert.equal(
      e.openOrders(a[0]).find((o) => o.orderId === own),
      undefined,
    );
    assert.equal(e.account(a[0])?.positions[0]?.size, 2n);
  });

  it("cancels a maker whose fill would take it below initial margin and keeps matching", () => {
    const d = Driver.create();
    const maker = d.fund(10_000n);
    const other = d.fund(1_000_000n);
    const taker = d.fund(1_000_000n);
    d.price(0, 1_000n);
    d.order({ accountId: maker, marketId: 0, side: "sell", price: 1_000n, size: 90n });
    d.order({ accountId: other, marketId: 0, side: "sell", price: 1_000n, size: 10n });
    d.price(0, 1_100n); // a short 90 from 1000 marked at 1100 would be ~9000 under water
    const r = d.order({ accountId: taker, marketId: 0, side: "buy", price: 1_000n, size: 50n });
    assert.deepEqual(
      r.fills.map((f) => [f.maker, f.size]),
      [[other, 10n]],
    );
    assert.equal(r.status, "resting");
    assert.deepEqual(d.engine.openOrders(maker), []);
    assert.equal(d.engine.account(maker)?.positions[0]?.size, 0n);
  });

  it("lets an account cancel only its own live orders", () => {
    const { d, e, a } = setup();
    const id = d.order({ accountId: a[0], marketId: 0, side: "buy", price: 900n, size: 1n })
      .orderId as bigint;
    rejects(() => d.cancel(a[1], 0, id), "UNKNOWN_ORDER");
    rejects(() => d.cancel(a[0], 0, 12345n), "UNKNOWN_ORDER");
    const r = d.cancel(a[0], 0, id);
    assert.equal(r.status, "cancelled");
    assert.deepEqual(r.touched, [a[0]]);
    assert.deepEqual(e.book(0, 5).bids, []);
    rejects(() => d.cancel(a[0], 0, id), "UNKNOWN_ORDER");
  });

  it("rejects orders off the tick, out of size range, without a mark or with a stale nonce", () => {
    const d = Driver.create({
      markets: [
        {
          name: "T",
          tickSize: 10n,
          minOrderSize: 2n,
          maxOrderSize: 100n,
          maxPrice: 10_000n,
          imfBps: 1_000,
          mmfBps: 500,
          takerFeeBps: 0,
          makerFeeBps: 0,
        },
      ],
    });
    const a = d.fund(1_000_000n);
    const o = { accountId: a, marketId: 0, side: "buy" as const, price: 1_000n, size: 5n };
    rejects(() => d.order(o), "NO_PRICE");
    d.price(0, 1_000n);
    rejects(() => d.order({ ...o, price: 1_005n }), "BAD_PRICE");
    rejects(() => d.order({ ...o, price: 0n }), "BAD_PRICE");
    rejects(() => d.order({ ...o, price: 10_010n }), "BAD_PRICE");
    rejects(() => d.order({ ...o, size: 1n }), "SIZE_OUT_OF_RANGE");
    rejects(() => d.order({ ...o, size: 101n }), "SIZE_OUT_OF_RANGE");
    rejects(() => d.order({ ...o, marketId: 3 }), "UNKNOWN_MARKET");
    rejects(() => d.order({ ...o, accountId: 99 }), "UNKNOWN_ACCOUNT");
    rejects(() => d.apply({ kind: "order", type: "limit", tif: "GTC", ...o, nonce: 2n }), "BAD_NONCE");
    assert.equal(d.engine.account(a)?.nonce, 0n, "rejected txs consume no nonce");
    d.order(o);
    rejects(() => d.apply({ kind: "order", type: "limit", tif: "GTC", ...o, nonce: 1n }), "BAD_NONCE");
  });

  it("leaves the state untouched when an order is rejected mid-way", () => {
    const { d, e, a } = setup();
    d.order({ accountId: a[0], marketId: 0, side: "sell", price: 1_000n, size: 5n });
    const before = snapshot(e);
    // passes nonce and price checks, fails margin after exposure is computed
    rejects(
      () => d.order({ accountId: a[1], marketId: 0, side: "buy", price: 1_000n, size: 1_000_000n }),
      "INSUFFICIENT_MARGIN",
    );
    assert.deepEqual(snapshot(e), before);
  });
});

describe("settlement through orders", () => {
  it("flips a long to a short through zero, realising PnL on the closed part, with open interest following", () => {
    const { d, e, a } = setup();
    d.order({ accountId: a[1], marketId: 0, side: "sell", price: 1_000n, size: 10n });
    d.order({ accountId: a[0], marketId: 0, side: "buy", price: 1_000n, size: 10n }); // taker fee 10
    assert.equal(e.global().markets[0]?.openInterest, 10n);
    d.price(0, 1_100n);
    d.order({ accountId: a[2], marketId: 0, side: "buy", price: 1_100n, size: 15n });
    const r = d.order({ accountId: a[0], marketId: 0, side: "sell", price: 1_100n, size: 15n }); // taker fee 16 (16.5)
    assert.equal(r.status, "filled");
    // close 10: 11_000 − 10_000 = +1_000; then short 5 @ 1100
    assert.equal(e.account(a[0])?.collateral, 1_000_000n - 10n + 1_000n - 16n);
    assert.deepEqual(e.account(a[0])?.positions[0], {
      size: -5n,
      entryNotional: -5_500n,
      fundingSnapshot: 0n,
    });
    assert.equal(e.global().markets[0]?.openInterest, 15n, "only the new long of 15 is open interest");
    assert.equal(e.conservedTotal(), 4_000_000n);
  });
});

describe("order margin", () => {
  function one(collateral: bigint) {
    const d = Driver.create();
    const a = d.fund(collateral);
    const mm = d.fund(10_000_000n);
    d.price(0, 1_000n);
    return { d, e: d.engine, a, mm };
  }

  it("admits an opening order only if equity after worst-case loss and fee covers initial margin", () => {
    const { d, a } = one(10_000n);
    // buy 99 @ 1000: IM 9900, fee 99 → 10000 − 99 = 9901 ≥ 9900
    assert.equal(
      d.order({ accountId: a, marketId: 0, side: "buy", price: 1_000n, size: 99n }).status,
      "resting",
    );
    // one more lot: worst case 100 lots needs 10000 + fee 1
    rejects(
      () => d.order({ accountId: a, marketId: 0, side: "buy", price: 1_000n, size: 1n }),
      "INSUFFICIENT_MARGIN",
    );
  });

  it("charges the gap between the limit price and the mark as an immediate loss", () => {
    const { d, a } = one(10_000n);
    // buy 50 @ 1100: IM 5000, gap 100·50 = 5000, fee 55 → 10000 − 5055 < 5000
    rejects(
      () => d.order({ accountId: a, marketId: 0, side: "buy", price: 1_100n, size: 50n }),
      "INSUFFICIENT_MARGIN",
    );
    assert.equal(
      d.order({ accountId: a, marketId: 0, side: "buy", price: 1_000n, size: 50n }).status,
      "resting",
    );
  });

  it("always admits orders that do not raise the worst-case exposure", () => {
    const { d, e, a, mm } = one(10_000n);
    d.order({ accountId: mm, marketId: 0, side: "sell", price: 1_000n, size: 90n });
    d.order({ accountId: a, marketId: 0, side: "buy", price: 1_000n, size: 90n });
    d.price(0, 920n); // equity ≈ 10000 − 90 − 7200 = 2710 < IM 8280
    assert.ok((e.accountView(a)?.equity ?? 0n) < (e.accountView(a)?.initialRequirement ?? 0n));
    d.order({ accountId: mm, marketId: 0, side: "buy", price: 920n, size: 40n });
    const r = d.order({ accountId: a, marketId: 0, side: "sell", price: 920n, size: 40n });
    assert.equal(r.status, "filled");
    assert.equal(e.account(a)?.positions[0]?.size, 50n);
  });

  it("counts the account's other resting orders in the worst case", () => {
    const { d, a } = one(10_000n);
    d.order({ accountId: a, marketId: 0, side: "buy", price: 1_000n, size: 60n });
    // a sell of 50 does not raise max(|0+60|, |0−50|) = 60, so no check applies
    assert.equal(
      d.order({ accountId: a, marketId: 0, side: "sell", price: 1_100n, size: 50n }).status,
      "resting",
    );
    rejects(
      () => d.order({ accountId: a, marketId: 0, side: "buy", price: 1_000n, size: 40n }),
      "INSUFFICIENT_MARGIN",
    );
  });
});

describe("withdrawals", () => {
  it("needs collateral and initial margin after the debit", () => {
    const d = Driver.create();
    const a = d.fund(10_000n);
    const mm = d.fund(10_000_000n);
    d.price(0, 1_000n);
    d.order({ accountId: mm, marketId: 0, side: "sell", price: 1_000n, size: 50n });
    d.order({ accountId: a, marketId: 0, side: "buy", price: 1_000n, size: 50n }); // fee 50, IM 5000
    const before = snapshot(d.engine);
    rejects(() => d.withdraw(a, 20_000n), "INSUFFICIENT_COLLATERAL");
    rejects(() => d.withdraw(a, 4_951n), "INSUFFICIENT_MARGIN");
    assert.deepEqual(snapshot(d.engine), before);
    const r = d.withdraw(a, 4_950n);
    assert.deepEqual(r.withdrawal, { accountId: a, l1Address: 0xabcn, amount: 4_950n });
    assert.deepEqual(r.touched, [a]);
    assert.equal(d.engine.account(a)?.collateral, 5_000n);
    assert.equal(d.engine.conservedTotal(), 10_010_000n - 4_950n);
  });

  it("rejects zero amounts, over-long addresses and the zero address", () => {
    const d = Driver.create();
    const a = d.fund(100n);
    rejects(() => d.withdraw(a, 0n), "BAD_AMOUNT");
    rejects(
      () => d.apply({ kind: "withdrawal", accountId: a, nonce: 1n, amount: 1n, l1Address: 1n << 160n }),
      "BAD_ADDRESS",
    );
    const before = d.engine.account(a);
    rejects(
      () => d.apply({ kind: "withdrawal", accountId: a, nonce: 1n, amount: 1n, l1Address: 0n }),
      "BAD_ADDRESS",
    );
    assert.deepEqual(d.engine.account(a), before, "nonce and collateral untouched");
  });
});

describe("deposits", () => {
  it("credits a known key and gives an unknown key the next id, in L1 queue order", () => {
    const d = Driver.create();
    const r1 = d.apply({ kind: "deposit", depositIndex: 0n, pubKeyX: 5n, pubKeyY: 6n, amount: 100n });
    assert.deepEqual(r1.deposit, { accountId: 1, created: true });
    const r2 = d.apply({ kind: "deposit", depositIndex: 1n, pubKeyX: 5n, pubKeyY: 6n, amount: 50n });
    assert.deepEqual(r2.deposit, { accountId: 1, created: false });
    assert.equal(d.engine.account(1)?.collateral, 150n);
    const r3 = d.apply({ kind: "deposit", depositIndex: 2n, pubKeyX: 7n, pubKeyY: 7n, amount: 9n });
    assert.deepEqual(r3.deposit, { accountId: 0, created: false }, "the backstop key credits account 0");
    assert.equal(d.engine.accountIdByKey(5n, 6n), 1);
    rejects(
      () => d.apply({ kind: "deposit", depositIndex: 2n, pubKeyX: 8n, pubKeyY: 8n, amount: 1n }),
      "BAD_DEPOSIT_INDEX",
    );
    rejects(
      () => d.apply({ kind: "deposit", depositIndex: 3n, pubKeyX: 0n, pubKeyY: 0n, amount: 1n }),
      "BAD_KEY",
    );
    rejects(
      () => d.apply({ kind: "deposit", depositIndex: 3n, pubKeyX: 8n, pubKeyY: 8n, amount: 0n }),
      "BAD_AMOUNT",
    );
  });

  it("refuses a new account when the tree is full", () => {
    const d = Driver.create({ maxAccounts: 2 });
    d.fund(1n);
    rejects(() => d.fund(1n), "ACCOUNTS_FULL");
  });
});

describe("batch capacity", () => {
  it("caps maker fills to the batch and cancels the remainder even for GTC", () => {
    const { d, e, a } = setup();
    d.order({ accountId: a[0], marketId: 0, side: "sell", price: 1_000n, size: 2n });
    d.order({ accountId: a[1], marketId: 0, side: "sell", price: 1_000n, size: 2n });
    const r = e.apply(
      {
        kind: "order",
        accountId: a[2],
        nonce: 1n,
        marketId: 0,
        side: "buy",
        type: "limit",
        tif: "GTC",
        price: 1_000n,
        size: 4n,
      },
      ++d.seq,
      { touchedInBatch: new Set([50, 51]), maxTouched: 4 },
    );
    assert.equal(r.status, "partially_filled");
    assert.deepEqual(
      r.fills.map((f) => f.maker),
      [a[0]],
    );
    assert.deepEqual(e.book(0, 5).bids, []);
    assert.deepEqual(e.book(0, 5).asks, [{ price: 1_000n, size: 2n, orders: 1 }]);
  });

  it("throws BATCH_CAPACITY and changes nothing when no account update fits", () => {
    const { d, e, a } = setup();
    d.order({ accountId: a[0], marketId: 0, side: "sell", price: 1_000n, size: 2n });
    const before = snapshot(e);
    const tx = {
      kind: "order",
      accountId: a[2],
      nonce: 1n,
      marketId: 0,
      side: "buy",
      type: "limit",
      tif: "GTC",
      price: 1_000n,
      size: 1n,
    } as const;
    rejects(() => e.apply(tx, 100n, { touchedInBatch: new Set([50]), maxTouched: 2 }), "BATCH_CAPACITY");
    rejects(() => e.apply(tx, 100n, { touchedInBatch: new Set([50, 51]), maxTouched: 2 }), "BATCH_CAPACITY");
    assert.deepEqual(snapshot(e), before);
    // accounts already in the batch cost nothing extra
    const r = e.apply(tx, 100n, { touchedInBatch: new Set([a[0], a[2]]), maxTouched: 2 });
    assert.equal(r.status, "filled");
  });
});

describe("maker cap", () => {
  it("stops after maxMakersPerOrder fills and cancels the rest of the order", () => {
    const d = Driver.create({ maxMakersPerOrder: 2 });
    const makers = [d.fund(1_000_000n), d.fund(1_000_000n), d.fund(1_000_000n)];
    const taker = d.fund(1_000_000n);
    d.price(0, 1_000n);
    for (const m of makers) d.order({ accountId: m, marketId: 0, side: "sell", price: 1_000n, size: 1n });
    const r = d.order({ accountId: taker, marketId: 0, side: "buy", price: 1_000n, size: 3n });
    assert.equal(r.status, "partially_filled");
    assert.equal(r.fills.length, 2);
    assert.deepEqual(d.engine.book(0, 5), {
      marketId: 0,
      bids: [],
      asks: [{ price: 1_000n, size: 1n, orders: 1 }],
    });
  });
});

describe("price", () => {
  it("sets the mark and refuses an older or equal timestamp", () => {
    const d = Driver.create();
    d.apply({ kind: "price", marketId: 0, price: 1_234n, timestampMs: 10n });
    assert.equal(d.engine.global().markets[0]?.markPrice, 1_234n);
    rejects(
      () => d.apply({ kind: "price", marketId: 0, price: 1_000n, timestampMs: 10n }),
      "ORACLE_NOT_MONOTONIC",
    );
    rejects(() => d.apply({ kind: "price", marketId: 0, price: 0n, timestampMs: 11n }), "BAD_PRICE");
    rejects(() => d.apply({ kind: "price", marketId: 0, price: 1n << 40n, timestampMs: 11n }), "BAD_PRICE");
  });
});
