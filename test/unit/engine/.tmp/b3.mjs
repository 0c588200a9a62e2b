// ../../../../sequencer/matching/order-book.ts
var RestingOrder = class {
  constructor(id2, accountId, marketId, side, price, size, remaining, level = void 0) {
    this.id = id2;
    this.accountId = accountId;
    this.marketId = marketId;
    this.side = side;
    this.price = price;
    this.size = size;
    this.remaining = remaining;
    this.level = level;
  }
  id;
  accountId;
  marketId;
  side;
  price;
  size;
  remaining;
  level;
  prev = void 0;
  next = void 0;
  view() {
    return {
      orderId: this.id,
      accountId: this.accountId,
      marketId: this.marketId,
      side: this.side,
      price: this.price,
      size: this.size,
      remaining: this.remaining
    };
  }
};
var PriceLevel = class {
  constructor(price) {
    this.price = price;
  }
  price;
  head = void 0;
  tail = void 0;
  total = 0n;
  count = 0;
  push(o) {
    o.level = this;
    o.prev = this.tail;
    o.next = void 0;
    if (this.tail) this.tail.next = o;
    else this.head = o;
    this.tail = o;
    this.total += o.remaining;
    this.count++;
  }
  unlink(o) {
    if (o.prev) o.prev.next = o.next;
    else this.head = o.next;
    if (o.next) o.next.prev = o.prev;
    else this.tail = o.prev;
    this.total -= o.remaining;
    this.count--;
    o.prev = o.next = o.level = void 0;
  }
};
var BookSide = class {
  constructor(side) {
    this.side = side;
  }
  side;
  /** Sorted so the best price is last: bids ascending, asks descending. */
  prices = [];
  levels = /* @__PURE__ */ new Map();
  /** True when `a` is a better price than `b` for this side. */
  better(a, b2) {
    return this.side === "buy" ? a > b2 : a < b2;
  }
  get levelCount() {
    return this.prices.length;
  }
  best() {
    const p = this.prices[this.prices.length - 1];
    return p === void 0 ? void 0 : this.levels.get(p);
  }
  /** The i-th best level (0 = best). */
  levelAt(i) {
    const p = this.prices[this.prices.length - 1 - i];
    return p === void 0 ? void 0 : this.levels.get(p);
  }
  add(o) {
    let level = this.levels.get(o.price);
    if (!level) {
      level = new PriceLevel(o.price);
      this.levels.set(o.price, level);
      this.insertPrice(o.price);
    }
    level.push(o);
  }
  remove(o) {
    const level = o.level;
    if (!level) return;
    level.unlink(o);
    if (level.count === 0) {
      this.levels.delete(level.price);
      this.removePrice(level.price);
    }
  }
  /** Lowers a resting order's remaining size in place (keeps its time priority). */
  reduce(o, by) {
    o.remaining -= by;
    if (o.level) o.level.total -= by;
    if (o.remaining === 0n) this.remove(o);
  }
  insertPrice(price) {
    const a = this.prices;
    const last = a[a.length - 1];
    if (last === void 0 || this.better(price, last)) {
      a.push(price);
      return;
    }
    a.splice(this.indexFor(price), 0, price);
  }
  removePrice(price) {
    const a = this.prices;
    if (a[a.length - 1] === price) {
      a.pop();
      return;
    }
    const i = this.indexFor(price);
    if (a[i] === price) a.splice(i, 1);
  }
  /** Lower bound of `price` in the worst-to-best array: the first index not worse than `price`. */
  indexFor(price) {
    const a = this.prices;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = lo + hi >>> 1;
      if (this.better(price, a[mid])) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  depth(n2) {
    const out = [];
    for (let i = 0; i < n2; i++) {
      const l = this.levelAt(i);
      if (!l) break;
      out.push({ price: l.price, size: l.total, orders: l.count });
    }
    return out;
  }
};
var OrderBook = class {
  constructor(marketId) {
    this.marketId = marketId;
  }
  marketId;
  bids = new BookSide("buy");
  asks = new BookSide("sell");
  byId = /* @__PURE__ */ new Map();
  get size() {
    return this.byId.size;
  }
  sideOf(side) {
    return side === "buy" ? this.bids : this.asks;
  }
  get(id2) {
    return this.byId.get(id2);
  }
  add(o) {
    if (this.byId.has(o.id)) throw new Error(`order ${o.id} already on book ${this.marketId}`);
    this.byId.set(o.id, o);
    this.sideOf(o.side).add(o);
  }
  /** Idempotent: removing an order that already left the book is a no-op. */
  remove(id2) {
    const o = this.byId.get(id2);
    if (!o) return void 0;
    this.byId.delete(id2);
    this.sideOf(o.side).remove(o);
    return o;
  }
  fill(id2, size) {
    const o = this.byId.get(id2);
    if (!o) throw new Error(`fill of order ${id2} not on book ${this.marketId}`);
    if (size <= 0n || size > o.remaining) throw new Error(`fill of ${size} exceeds order ${id2} remaining ${o.remaining}`);
    this.sideOf(o.side).reduce(o, size);
    if (o.remaining === 0n) this.byId.delete(id2);
  }
  orders() {
    return this.byId.values();
  }
};

// ../../../../sequencer/matching/matcher.ts
function crosses(takerSide, limitPrice, makerPrice) {
  return takerSide === "buy" ? makerPrice <= limitPrice : makerPrice >= limitPrice;
}
function planMatch(book, takerSide, limitPrice, size, decide) {
  const makers = book.sideOf(takerSide === "buy" ? "sell" : "buy");
  const plan = { fills: [], cancels: [], filled: 0n, stopped: false };
  for (let i = 0; plan.filled < size; i++) {
    const level = makers.levelAt(i);
    if (!level || !crosses(takerSide, limitPrice, level.price)) break;
    for (let o = level.head; o && plan.filled < size; o = o.next) {
      const d = decide(o, size - plan.filled);
      if (d.kind === "fill") {
        if (d.size <= 0n || d.size > o.remaining || d.size > size - plan.filled) {
          throw new Error(`matcher: bad fill size ${d.size} for order ${o.id}`);
        }
        plan.fills.push({ order: o, size: d.size });
        plan.filled += d.size;
      } else if (d.kind === "cancel") {
        plan.cancels.push(o);
      } else if (d.kind === "stop") {
        plan.stopped = true;
        return plan;
      }
    }
  }
  return plan;
}
function commitPlan(book, plan) {
  for (const f of plan.fills) book.fill(f.order.id, f.size);
  for (const o of plan.cancels) book.remove(o.id);
}

// bench3.ts
var b = new OrderBook(0);
var n = 1e6;
var seed = 99;
var rnd = () => {
  seed |= 0;
  seed = seed + 1831565813 | 0;
  let t2 = Math.imul(seed ^ seed >>> 15, 1 | seed);
  t2 = t2 + Math.imul(t2 ^ t2 >>> 7, 61 | t2) ^ t2;
  return (t2 ^ t2 >>> 14) >>> 0;
};
var id = 0n;
var t = performance.now();
var fills = 0;
for (let i = 0; i < n; i++) {
  const x = rnd();
  const side = x >> 4 & 1 ? "buy" : "sell";
  const price = BigInt(1e4 + ((x >> 8) % 41 - 20));
  const size = BigInt(1 + (x >> 16) % 20);
  const plan = planMatch(b, side, price, size, (o, w) => ({ kind: "fill", size: w < o.remaining ? w : o.remaining }));
  commitPlan(b, plan);
  fills += plan.fills.length;
  if (plan.filled < size) b.add(new RestingOrder(++id, 1, 0, side, price, size, size - plan.filled));
}
var dt = performance.now() - t;
console.log("book match+rest ops/s", Math.round(n / (dt / 1e3)), "fills", fills, "resting", b.size);
