import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { commitPlan, planMatch } from "../../../sequencer/matching/matcher.ts";
import { OrderBook, RestingOrder } from "../../../sequencer/matching/order-book.ts";

function order(id: bigint, side: "buy" | "sell", price: bigint, size: bigint, accountId = 1): RestingOrder {
  return new RestingOrder(id, accountId, 0, side, price, size, size);
}

describe("OrderBook", () => {
  it("sorts bids descending and asks ascending, aggregating each level", () => {
    const b = new OrderBook(0);
    for (const [id, p] of [
      [1n, 100n],
      [2n, 103n],
      [3n, 101n],
      [4n, 103n],
    ] as const)
      b.add(order(id, "buy", p, 5n));
    for (const [id, p] of [
      [5n, 110n],
      [6n, 107n],
      [7n, 120n],
    ] as const)
      b.add(order(id, "sell", p, 2n));
    assert.deepEqual(b.bids.depth(10), [
      { price: 103n, size: 10n, orders: 2 },
      { price: 101n, size: 5n, orders: 1 },
      { price: 100n, size: 5n, orders: 1 },
    ]);
    assert.deepEqual(
      b.asks.depth(2).map((l) => l.price),
      [107n, 110n],
    );
  });

  it("removes an order from the middle of a level and drops empty levels", () => {
    const b = new OrderBook(0);
    b.add(order(1n, "buy", 100n, 1n));
    b.add(order(2n, "buy", 100n, 2n));
    b.add(order(3n, "buy", 100n, 3n));
    b.add(order(4n, "buy", 99n, 4n));
    b.remove(2n);
    assert.deepEqual(b.bids.depth(1), [{ price: 100n, size: 4n, orders: 2 }]);
    b.remove(4n);
    assert.equal(b.bids.levelCount, 1);
    assert.equal(b.remove(4n), undefined, "second remove is a no-op");
    b.remove(1n);
    b.remove(3n);
    assert.equal(b.bids.levelCount, 0);
    assert.equal(b.size, 0);
  });

  it("keeps time priority when an order is partly filled", () => {
    const b = new OrderBook(0);
    b.add(order(1n, "sell", 100n, 5n));
    b.add(order(2n, "sell", 100n, 5n));
    b.fill(1n, 3n);
    assert.equal(b.asks.best()?.head?.id, 1n);
    assert.equal(b.asks.best()?.total, 7n);
    b.fill(1n, 2n);
    assert.equal(b.get(1n), undefined, "a filled-out order leaves the book");
    assert.equal(b.asks.best()?.head?.id, 2n);
  });

  it("inserts levels in sorted order whatever the arrival order", () => {
    const b = new OrderBook(0);
    const prices = [50n, 10n, 90n, 30n, 70n, 20n, 80n, 60n, 40n];
    prices.forEach((p, i) => {
      b.add(order(BigInt(i), "sell", p, 1n));
    });
    assert.deepEqual(
      b.asks.depth(100).map((l) => l.price),
      [...prices].sort((x, y) => Number(x - y)),
    );
    b.remove(4n); // 70
    b.remove(1n); // 10 (the best)
    assert.deepEqual(
      b.asks.depth(100).map((l) => l.price),
      [20n, 30n, 40n, 50n, 60n, 80n, 90n],
    );
  });
});

describe("planMatch", () => {
  function book(): OrderBook {
    const b = new OrderBook(0);
    b.add(order(1n, "sell", 101n, 4n, 10));
    b.add(order(2n, "sell", 100n, 3n, 11));
    b.add(order(3n, "sell", 100n, 2n, 12));
    b.add(order(4n, "sell", 105n, 9n, 13));
    return b;
  }

  it("fills best price first, then FIFO within a price, and stops at the limit", () => {
    const b = book();
    const plan = planMatch(b, "buy", 101n, 100n, (o, wanted) => ({
      kind: "fill",
      size: wanted < o.remaining ? wanted : o.remaining,
    }));
    assert.deepEqual(
      plan.fills.map((f) => [f.order.id, f.size]),
      [
        [2n, 3n],
        [3n, 2n],
        [1n, 4n],
      ],
    );
    assert.equal(plan.filled, 9n);
  });

  it("partially fills the last maker and does not touch the book until committed", () => {
    const b = book();
    const plan = planMatch(b, "buy", 200n, 4n, (o, wanted) => ({
      kind: "fill",
      size: wanted < o.remaining ? wanted : o.remaining,
    }));
    assert.deepEqual(
      plan.fills.map((f) => [f.order.id, f.size]),
      [
        [2n, 3n],
        [3n, 1n],
      ],
    );
    assert.equal(b.get(2n)?.remaining, 3n, "planning leaves the book alone");
    commitPlan(b, plan);
    assert.equal(b.get(2n), undefined);
    assert.equal(b.get(3n)?.remaining, 1n);
    assert.deepEqual(b.asks.depth(1), [{ price: 100n, size: 1n, orders: 1 }]);
  });

  it("cancels makers the caller rejects and keeps matching", () => {
    const b = book();
    const plan = planMatch(b, "buy", 100n, 2n, (o, wanted) =>
      o.accountId === 11
        ? { kind: "cancel" }
        : { kind: "fill", size: wanted < o.remaining ? wanted : o.remaining },
    );
    commitPlan(b, plan);
    assert.equal(b.get(2n), undefined, "the rejected maker is cancelled");
    assert.equal(b.get(3n), undefined, "the next maker filled");
    assert.equal(plan.filled, 2n);
  });

  it("ends the walk on stop and reports it", () => {
    const b = book();
    const plan = planMatch(b, "buy", 200n, 100n, (o) =>
      o.id === 3n ? { kind: "stop" } : { kind: "fill", size: o.remaining },
    );
    assert.equal(plan.stopped, true);
    assert.equal(plan.filled, 3n);
  });
});
