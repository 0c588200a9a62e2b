import type { BookLevel, OpenOrder, Side } from "../engine/types.ts";

/**
 * Price-time priority book for one market.
 *
 * Each side keeps its price levels in a sorted array with the BEST price at the END, so taking or
 * emptying the top of book is a pop (O(1)) and a new level costs one binary search plus a memmove
 * of bigint references (cheap next to any tree for the level counts a book has). Each level is a doubly
 * linked FIFO so cancelling any order is O(1) through the id map.
 */
export class RestingOrder {
  prev: RestingOrder | undefined = undefined;
  next: RestingOrder | undefined = undefined;

  constructor(
    readonly id: bigint,
    readonly accountId: number,
    readonly marketId: number,
    readonly side: Side,
    readonly price: bigint,
    readonly size: bigint,
    public remaining: bigint,
    public level: PriceLevel | undefined = undefined,
  ) {}

  view(): OpenOrder {
    return {
      orderId: this.id,
      accountId: this.accountId,
      marketId: this.marketId,
      side: this.side,
      price: this.price,
      size: this.size,
      remaining: this.remaining,
    };
  }
}

export class PriceLevel {
  head: RestingOrder | undefined = undefined;
  tail: RestingOrder | undefined = undefined;
  total = 0n;
  count = 0;

  constructor(readonly price: bigint) {}

  push(o: RestingOrder): void {
    o.level = this;
    o.prev = this.tail;
    o.next = undefined;
    if (this.tail) this.tail.next = o;
    else this.head = o;
    this.tail = o;
    this.total += o.remaining;
    this.count++;
  }

  unlink(o: RestingOrder): void {
    if (o.prev) o.prev.next = o.next;
    else this.head = o.next;
    if (o.next) o.next.prev = o.prev;
    else this.tail = o.prev;
    this.total -= o.remaining;
    this.count--;
    o.prev = o.next = o.level = undefined;
  }
}

export class BookSide {
  /** Sorted so the best price is last: bids ascending, asks descending. */
  private readonly prices: bigint[] = [];
  private readonly levels = new Map<bigint, PriceLevel>();

  constructor(readonly side: Side) {}

  /** True when `a` is a better price than `b` for this side. */
  private better(a: bigint, b: bigint): boolean {
    return this.side === "buy" ? a > b : a < b;
  }

  get levelCount(): number {
    return this.prices.length;
  }

  best(): PriceLevel | undefined {
    const p = this.prices[this.prices.length - 1];
    return p === undefined ? undefined : this.levels.get(p);
  }

  /** The i-th best level (0 = best). */
  levelAt(i: number): PriceLevel | undefined {
    const p = this.prices[this.prices.length - 1 - i];
    return p === undefined ? undefined : this.levels.get(p);
  }

  add(o: RestingOrder): void {
    let level = this.levels.get(o.price);
    if (!level) {
      level = new PriceLevel(o.price);
      this.levels.set(o.price, level);
      this.insertPrice(o.price);
    }
    level.push(o);
  }

  remove(o: RestingOrder): void {
    const level = o.level;
    if (!level) return;
    level.unlink(o);
    if (level.count === 0) {
      this.levels.delete(level.price);
      this.removePrice(level.price);
    }
  }

  /** Lowers a resting order's remaining size in place (keeps its time priority). */
  reduce(o: RestingOrder, by: bigint): void {
    o.remaining -= by;
    if (o.level) o.level.total -= by;
    if (o.remaining === 0n) this.remove(o);
  }

  private insertPrice(price: bigint): void {
    const a = this.prices;
    // Fast path: a new best price (common for aggressive makers) appends.
    const last = a[a.length - 1];
    if (last === undefined || this.better(price, last)) {
      a.push(price);
      return;
    }
    a.splice(this.indexFor(price), 0, price);
  }

  private removePrice(price: bigint): void {
    const a = this.prices;
    if (a[a.length - 1] === price) {
      a.pop();
      return;
    }
    const i = this.indexFor(price);
    if (a[i] === price) a.splice(i, 1);
  }

  /** Lower bound of `price` in the worst-to-best array: the first index not worse than `price`. */
  private indexFor(price: bigint): number {
    const a = this.prices;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      // Array runs worst → best; move right while a[mid] is worse than price.
      if (this.better(price, a[mid] as bigint)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  depth(n: number): BookLevel[] {
    const out: BookLevel[] = [];
    for (let i = 0; i < n; i++) {
      const l = this.levelAt(i);
      if (!l) break;
      out.push({ price: l.price, size: l.total, orders: l.count });
    }
    return out;
  }
}

export class OrderBook {
  readonly bids = new BookSide("buy");
  readonly asks = new BookSide("sell");
  private readonly byId = new Map<bigint, RestingOrder>();

  constructor(readonly marketId: number) {}

  get size(): number {
    return this.byId.size;
  }

  sideOf(side: Side): BookSide {
    return side === "buy" ? this.bids : this.asks;
  }

  get(id: bigint): RestingOrder | undefined {
    return this.byId.get(id);
  }

  add(o: RestingOrder): void {
    if (this.byId.has(o.id)) throw new Error(`order ${o.id} already on book ${this.marketId}`);
    this.byId.set(o.id, o);
    this.sideOf(o.side).add(o);
  }

  /** Idempotent: removing an order that already left the book is a no-op. */
  remove(id: bigint): RestingOrder | undefined {
    const o = this.byId.get(id);
    if (!o) return undefined;
    this.byId.delete(id);
    this.sideOf(o.side).remove(o);
    return o;
  }

  fill(id: bigint, size: bigint): void {
    const o = this.byId.get(id);
    if (!o) throw new Error(`fill of order ${id} not on book ${this.marketId}`);
    if (size <= 0n || size > o.remaining)
      throw new Error(`fill of ${size} exceeds order ${id} remaining ${o.remaining}`);
    this.sideOf(o.side).reduce(o, size);
    if (o.remaining === 0n) this.byId.delete(id);
  }

  orders(): IterableIterator<RestingOrder> {
    return this.byId.values();
  }
}
