import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { BookLevel, Side } from "../../../sequencer/engine/types.ts";
import { commitPlan, planMatch } from "../../../sequencer/matching/matcher.ts";
import { type BookSide, OrderBook, RestingOrder } from "../../../sequencer/matching/order-book.ts";

/**
 * The book against a reference model that is obviously right: every resting order in one array in
 * arrival order, levels found by filtering and sorting. Random op sequences (adds, cancels, partial
 * fills, matching walks) over prices that cross chunk boundaries, far-apart prices and off-grid prices
 * (which re-key a side) must leave both with the same levels, best prices, FIFOs and fills.
 */
interface ModelOrder {
  id: bigint;
  side: Side;
  price: bigint;
  remaining: bigint;
}

class Model {
  orders: ModelOrder[] = [];

  /** Orders of one side in priority order: best price first, then arrival. */
  sorted(side: Side): ModelOrder[] {
    const mine = this.orders.filter((o) => o.side === side);
    // Stable sort keeps arrival order within a price.
    return mine.sort((a, b) => {
      if (a.price === b.price) return 0;
      return side === "buy" ? (a.price > b.price ? -1 : 1) : a.price < b.price ? -1 : 1;
    });
  }

  depth(side: Side): BookLevel[] {
    const out: BookLevel[] = [];
    for (const o of this.sorted(side)) {
      const last = out[out.length - 1];
      if (last && last.price === o.price) {
        last.size += o.remaining;
        last.orders++;
      } else out.push({ price: o.price, size: o.remaining, orders: 1 });
    }
    return out;
  }

  remove(id: bigint): void {
    this.orders = this.orders.filter((o) => o.id !== id);
  }
}

type Op =
  | { k: "add"; side: Side; price: bigint; size: bigint }
  | { k: "cancel"; pick: number }
  | { k: "fill"; pick: number; frac: number }
  | { k: "match"; side: Side; price: bigint; size: bigint; skipEvery: number };

/** Prices for one run: mostly a tick grid near a base (crossing 1,024-key chunk edges), some far away. */
function priceArb(base: bigint, tick: bigint): fc.Arbitrary<bigint> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: -40, max: 40 }).map((k) => base + BigInt(k) * tick) },
    { weight: 3, arbitrary: fc.integer({ min: -3000, max: 3000 }).map((k) => base + BigInt(k) * tick) },
    { weight: 1, arbitrary: fc.bigInt({ min: -(1n << 20n), max: 1n << 41n }) },
    {
      // The same few slots of neighbouring chunks (chunks are recycled; a stale level must not be reused).
      weight: 2,
      arbitrary: fc
        .tuple(fc.integer({ min: -2, max: 2 }), fc.integer({ min: 0, max: 2 }))
        .map(([c, k]) => base + BigInt(c * 1024 + k) * tick),
    },
    { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }).map((k) => base + BigInt(k) * tick + 1n) },
  );
}

const runArb = fc
  .record({
    base: fc.oneof(
      fc.constantFrom(0n, 1024n, 10_000_000n, 1n << 40n),
      fc.bigInt({ min: 0n, max: 1n << 40n }),
    ),
    tick: fc.constantFrom(1n, 2n, 100n, 1000n, 7n),
  })
  .chain(({ base, tick }) => {
    const price = priceArb(base, tick);
    const side = fc.constantFrom<Side>("buy", "sell");
    const op: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({ k: fc.constant("add" as const), side, price, size: fc.bigInt(1n, 50n) }),
      },
      { weight: 3, arbitrary: fc.record({ k: fc.constant("cancel" as const), pick: fc.nat() }) },
      {
        weight: 1,
        arbitrary: fc.record({
          k: fc.constant("fill" as const),
          pick: fc.nat(),
          frac: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          k: fc.constant("match" as const),
          side,
          price,
          size: fc.bigInt(1n, 200n),
          skipEvery: fc.integer({ min: 0, max: 4 }),
        }),
      },
    );
    return fc.array(op, { maxLength: 300 });
  });

function walk(side: BookSide): BookLevel[] {
  const out: BookLevel[] = [];
  for (let l = side.best(); l; l = side.worse(l)) {
    const ids: bigint[] = [];
    let total = 0n;
    for (let o = l.head; o; o = o.next) {
      assert.equal(o.level, l, "order points at its level");
      assert.equal(o.price, l.price, "order sits on its own price");
      total += o.remaining;
      ids.push(o.id);
    }
    assert.equal(ids.length, l.count, "level count matches its FIFO");
    assert.equal(total, l.total, "level total matches its FIFO");
    out.push({ price: l.price, size: l.total, orders: l.count });
  }
  return out;
}

function check(book: OrderBook, model: Model): void {
  for (const side of ["buy", "sell"] as const) {
    const bs = book.sideOf(side);
    const want = model.depth(side);
    assert.deepEqual(bs.depth(1e9), want, `${side} depth`);
    assert.deepEqual(walk(bs), want, `${side} walk`);
    assert.equal(bs.levelCount, want.length, `${side} levelCount`);
    assert.equal(bs.best()?.price, want[0]?.price, `${side} best`);
    assert.deepEqual(bs.depth(2), want.slice(0, 2), `${side} depth(2)`);
    if (want.length > 0) assert.equal(bs.levelAt(want.length - 1)?.price, want[want.length - 1]?.price);
    assert.equal(bs.levelAt(want.length), undefined);
    // FIFO order of every order of the side, in priority order.
    const ids: bigint[] = [];
    for (let l = bs.best(); l; l = bs.worse(l)) for (let o = l.head; o; o = o.next) ids.push(o.id);
    assert.deepEqual(
      ids,
      model.sorted(side).map((o) => o.id),
      `${side} priority order`,
    );
  }
  assert.equal(book.size, model.orders.length);
  for (const o of model.orders) assert.equal(book.get(o.id)?.remaining, o.remaining);
}

describe("OrderBook against a reference model", () => {
  it("keeps the same levels, priority and fills over random op sequences", () => {
    fc.assert(
      fc.property(runArb, (ops) => {
        const book = new OrderBook(0);
        const model = new Model();
        let nextId = 1n;
        for (const op of ops) {
          if (op.k === "add") {
            const id = nextId++;
            book.add(new RestingOrder(id, Number(id % 7n), 0, op.side, op.price, op.size, op.size));
            model.orders.push({ id, side: op.side, price: op.price, remaining: op.size });
          } else if (op.k === "cancel") {
            // Sometimes an id that is not on the book: remove must be a no-op.
            const target =
              model.orders.length === 0 || op.pick % 5 === 0
                ? nextId + 5n
                : (model.orders[op.pick % model.orders.length] as ModelOrder).id;
            const removed = book.remove(target);
            assert.equal(removed?.id, model.orders.find((o) => o.id === target)?.id);
            model.remove(target);
          } else if (op.k === "fill") {
            if (model.orders.length === 0) continue;
            const o = model.orders[op.pick % model.orders.length] as ModelOrder;
            const size = 1n + BigInt(Math.floor(op.frac * Number(o.remaining - 1n)));
            book.fill(o.id, size);
            o.remaining -= size;
            if (o.remaining === 0n) model.remove(o.id);
          } else {
            // The taker skips (cancels) every skipEvery-th maker, like a self-trade rule would.
            let seen = 0;
            const plan = planMatch(book, op.side, op.price, op.size, (o, wanted) => {
              seen++;
              if (op.skipEvery > 0 && seen % op.skipEvery === 0) return { kind: "cancel" };
              return { kind: "fill", size: wanted < o.remaining ? wanted : o.remaining };
            });
            // Model: walk the opposite side in priority order while it crosses.
            const makers = model.sorted(op.side === "buy" ? "sell" : "buy");
            const fills: [bigint, bigint][] = [];
            const cancels: bigint[] = [];
            let left = op.size;
            let n = 0;
            for (const m of makers) {
              if (left === 0n) break;
              if (op.side === "buy" ? m.price > op.price : m.price < op.price) break;
              n++;
              if (op.skipEvery > 0 && n % op.skipEvery === 0) {
                cancels.push(m.id);
                continue;
              }
              const f = left < m.remaining ? left : m.remaining;
              fills.push([m.id, f]);
              left -= f;
            }
            assert.deepEqual(
              plan.fills.map((f) => [f.order.id, f.size]),
              fills,
              "fills in price-time order",
            );
            assert.deepEqual(
              plan.cancels.map((o) => o.id),
              cancels,
            );
            commitPlan(book, plan);
            for (const [id, f] of fills) {
              const m = model.orders.find((o) => o.id === id) as ModelOrder;
              m.remaining -= f;
              if (m.remaining === 0n) model.remove(id);
            }
            for (const id of cancels) model.remove(id);
          }
          check(book, model);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("OrderBook index edges", () => {
  const order = (id: bigint, side: Side, price: bigint, size = 1n) =>
    new RestingOrder(id, 1, 0, side, price, size, size);

  it("finds the next best price across chunk edges and far gaps after cancels at the top", () => {
    const b = new OrderBook(0);
    // Tick 1: keys 1023 | 1024 straddle a 1,024-key chunk edge; 5,000,000 is thousands of chunks away.
    const bidPrices = [5_000_000n, 1024n, 1023n, 2047n, 2048n, 0n, 1n, 3n];
    bidPrices.forEach((p, i) => {
      b.add(order(BigInt(i + 1), "buy", p));
    });
    const sorted = [...bidPrices].sort((x, y) => (x > y ? -1 : x < y ? 1 : 0));
    for (const p of sorted) {
      assert.equal(b.bids.best()?.price, p);
      const i = bidPrices.indexOf(p);
      b.remove(BigInt(i + 1));
    }
    assert.equal(b.bids.best(), undefined);
    assert.equal(b.bids.levelCount, 0);

    const askPrices = [1n << 40n, 2048n, 2047n, 1024n, 1023n, 3n, 0n];
    askPrices.forEach((p, i) => {
      b.add(order(BigInt(100 + i), "sell", p));
    });
    const asc = [...askPrices].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    assert.deepEqual(
      b.asks.depth(100).map((l) => l.price),
      asc,
    );
    for (const p of asc) {
      assert.equal(b.asks.best()?.price, p);
      b.remove(BigInt(100 + askPrices.indexOf(p)));
    }
    assert.equal(b.asks.best(), undefined);
  });

  it("does not take an emptied level of a recycled chunk for a price in another chunk", () => {
    const b = new OrderBook(0);
    b.add(order(1n, "sell", 1n)); // step 1: key 1, chunk 0, slot 1
    b.add(order(2n, "sell", 5n)); // chunk 0, slot 5
    b.remove(2n);
    b.remove(1n); // chunk 0 empties and is kept for reuse, its emptied levels still in their slots
    b.add(order(3n, "sell", 1029n)); // chunk 1, slot 5: the recycled chunk, whose slot 5 held price 5
    assert.deepEqual(b.asks.depth(10), [{ price: 1029n, size: 1n, orders: 1 }]);
    assert.equal(b.get(3n)?.level?.price, 1029n);
    b.add(order(4n, "sell", 5n));
    assert.deepEqual(
      b.asks.depth(10).map((l) => l.price),
      [5n, 1029n],
    );
  });

  it("drops a level when its last order leaves, by cancel or by fill, and reuses the price later", () => {
    const b = new OrderBook(0);
    b.add(order(1n, "sell", 10_000n, 3n));
    b.add(order(2n, "sell", 10_100n, 1n));
    b.fill(1n, 3n);
    assert.deepEqual(b.asks.depth(10), [{ price: 10_100n, size: 1n, orders: 1 }]);
    b.remove(2n);
    assert.equal(b.asks.levelCount, 0);
    b.add(order(3n, "sell", 10_000n, 2n));
    assert.deepEqual(b.asks.depth(10), [{ price: 10_000n, size: 2n, orders: 1 }]);
  });

  it("re-keys a side when a price falls off the grid it learnt, keeping FIFOs and the best", () => {
    const b = new OrderBook(0);
    b.add(order(1n, "buy", 10_000_000n));
    b.add(order(2n, "buy", 10_000_100n));
    b.add(order(3n, "buy", 10_000_100n));
    b.add(order(4n, "buy", 9_999_900n));
    b.add(order(5n, "buy", 10_000_037n)); // off the 100 grid: the step drops to 1
    b.add(order(6n, "buy", 10_000_100n));
    assert.deepEqual(
      b.bids.depth(10).map((l) => [l.price, l.orders]),
      [
        [10_000_100n, 3],
        [10_000_037n, 1],
        [10_000_000n, 1],
        [9_999_900n, 1],
      ],
    );
    const ids: bigint[] = [];
    for (let o = b.bids.best()?.head; o; o = o.next) ids.push(o.id);
    assert.deepEqual(ids, [2n, 3n, 6n]);
  });

  it("rejects a price a Number cannot hold exactly, leaving the book unchanged", () => {
    const b = new OrderBook(0);
    b.add(order(1n, "buy", 100n));
    assert.throws(() => b.add(order(2n, "buy", 1n << 60n)), RangeError);
    assert.equal(b.size, 1);
    assert.equal(b.get(2n), undefined);
    assert.deepEqual(b.bids.depth(10), [{ price: 100n, size: 1n, orders: 1 }]);
  });
});
