import {
  type BookLevel,
  DEFAULT_MAX_FEE_BPS,
  NO_EXPIRY_MS,
  type OpenOrder,
  type Side,
} from "../engine/types.ts";

/**
 * The signed terms of a resting order beyond side, price and size (docs/PROOF.md): a maker fill reports
 * them so the proof can check the fill against the maker's signature.
 */
export interface RestingTerms {
  nonce: bigint;
  type: "limit" | "market";
  tif: "GTC" | "IOC";
  maxFeeBps: number;
  expiryMs: bigint;
}

/** Terms of an order built without them (book tests, benches): no fee cap, no expiry. */
export const DEFAULT_TERMS: Readonly<RestingTerms> = Object.freeze({
  nonce: 0n,
  type: "limit",
  tif: "GTC",
  maxFeeBps: DEFAULT_MAX_FEE_BPS,
  expiryMs: NO_EXPIRY_MS,
});

/**
 * Price-time priority book for one market.
 *
 * Prices are BigInt at the API boundary; inside, each side indexes its levels by an integer key
 * `Number(price) / step`, where `step` is the greatest common divisor of every price the side has held
 * (so it is the market's tick once a few prices have arrived; a price off that grid re-keys the side,
 * which can happen at most ~53 times since the step only ever divides down). Prices must be safe
 * integers (|price| < 2^53, far above the engine's 2^40 cap), so the Number is exact.
 *
 * Keys are grouped in chunks of 1,024 consecutive keys: each chunk holds its levels by slot plus a
 * two-level bitmap (32 words of 32 bits and one summary word), so the next non-empty level in either
 * direction is a few `clz32` away. Non-empty chunks form a linked list in key order (a new chunk finds its
 * neighbours by binary search over the sorted chunk ids, which is rare: a chunk spans 1,024 ticks).
 * Each side caches its best level, so the top of book is O(1), adding a level is O(1), and removing the
 * best level finds the next one through the bitmaps. Each level is a doubly linked FIFO, so cancelling
 * or filling any order is O(1) through the id map.
 */
export class RestingOrder {
  prev: RestingOrder | undefined = undefined;
  next: RestingOrder | undefined = undefined;
  level: PriceLevel | undefined = undefined;

  /** `price` is the signed limit price and `size` the signed size; `remaining` is what is left of it. */
  constructor(
    readonly id: bigint,
    readonly accountId: number,
    readonly marketId: number,
    readonly side: Side,
    readonly price: bigint,
    readonly size: bigint,
    public remaining: bigint,
    readonly terms: Readonly<RestingTerms> = DEFAULT_TERMS,
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
  count = 0;
  /** Where the level sits in its side's index (book internals; reassigned when the side re-keys). */
  chunk: Chunk | undefined = undefined;
  slot = 0;
  /** `Number(price) / step` when the level was keyed: an emptied level left in its slot is reused by key. */
  key = 0;

  constructor(readonly price: bigint) {}

  /** Lots resting at this price (summed on read, so adding or removing an order allocates no BigInt). */
  get total(): bigint {
    let t = 0n;
    for (let o = this.head; o; o = o.next) t += o.remaining;
    return t;
  }

  push(o: RestingOrder): void {
    o.level = this;
    o.prev = this.tail;
    o.next = undefined;
    if (this.tail) this.tail.next = o;
    else this.head = o;
    this.tail = o;
    this.count++;
  }

  unlink(o: RestingOrder): void {
    if (o.prev) o.prev.next = o.next;
    else this.head = o.next;
    if (o.next) o.next.prev = o.prev;
    else this.tail = o.prev;
    this.count--;
    o.prev = o.next = o.level = undefined;
  }
}

const CHUNK_BITS = 10;
const CHUNK_SIZE = 1 << CHUNK_BITS; // keys per chunk
const WORDS = CHUNK_SIZE >>> 5; // 32 bitmap words, so one summary word covers them
const MAX_SPARE_CHUNKS = 4;

type Group = (PriceLevel | undefined)[];

/**
 * 1,024 consecutive keys of one side: levels by slot, a bitmap of occupied slots, a summary of words.
 * Levels are kept in 32-slot groups allocated on first use, so a lone far-away level costs a few hundred
 * bytes rather than a 1,024-slot array.
 */
export class Chunk {
  /** Group w holds slots 32w..32w+31. */
  readonly groups: (Group | undefined)[] = new Array<Group | undefined>(WORDS).fill(undefined);
  readonly bits = new Int32Array(WORDS);
  /** Bit w set iff bits[w] !== 0. */
  summary = 0;
  count = 0;
  id = 0;
  /** Neighbouring non-empty chunks in key order. */
  lower: Chunk | undefined = undefined;
  higher: Chunk | undefined = undefined;

  /** The level in `slot`: the live one if the slot's bit is set, else an emptied one or undefined. */
  at(slot: number): PriceLevel | undefined {
    return this.groups[slot >>> 5]?.[slot & 31];
  }

  set(slot: number, level: PriceLevel): void {
    const w = slot >>> 5;
    let g = this.groups[w];
    if (g === undefined) {
      g = new Array<PriceLevel | undefined>(32).fill(undefined);
      this.groups[w] = g;
    }
    g[slot & 31] = level;
    this.bits[w] = (this.bits[w] as number) | (1 << (slot & 31));
    this.summary |= 1 << w;
    this.count++;
  }

  /** Marks the slot empty. The (empty) level stays in its group, so re-adding the same price reuses it. */
  clear(slot: number): void {
    const w = slot >>> 5;
    const word = (this.bits[w] as number) & ~(1 << (slot & 31));
    this.bits[w] = word;
    if (word === 0) this.summary &= ~(1 << w);
    this.count--;
  }

  /** Lowest occupied slot ≥ `slot` (0 ≤ slot < CHUNK_SIZE), or -1. */
  up(slot: number): number {
    const w = slot >>> 5;
    const m = (this.bits[w] as number) & (-1 << (slot & 31));
    if (m !== 0) return (w << 5) | lowBit(m);
    if (w === WORDS - 1) return -1;
    const s = this.summary & (-1 << (w + 1));
    if (s === 0) return -1;
    const w2 = lowBit(s);
    return (w2 << 5) | lowBit(this.bits[w2] as number);
  }

  /** Highest occupied slot ≤ `slot` (0 ≤ slot < CHUNK_SIZE), or -1. */
  down(slot: number): number {
    const w = slot >>> 5;
    const b = slot & 31;
    const m = (this.bits[w] as number) & (b === 31 ? -1 : (1 << (b + 1)) - 1);
    if (m !== 0) return (w << 5) | highBit(m);
    const s = this.summary & ((1 << w) - 1);
    if (s === 0) return -1;
    const w2 = highBit(s);
    return (w2 << 5) | highBit(this.bits[w2] as number);
  }
}

function lowBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}

function highBit(x: number): number {
  return 31 - Math.clz32(x);
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

export class BookSide {
  private readonly isBid: boolean;
  private readonly chunks = new Map<number, Chunk>();
  /** Ids of the non-empty chunks, ascending (only touched when a chunk appears or empties). */
  private readonly chunkIds: number[] = [];
  private readonly spare: Chunk[] = [];
  /** Price units per key; 0 until the first price. */
  private step = 0;
  private bestLevel: PriceLevel | undefined = undefined;
  /** The chunk the last add went to (adds cluster near the touch). Only ever a live chunk. */
  private lastChunk: Chunk | undefined = undefined;
  private levels = 0;

  constructor(readonly side: Side) {
    this.isBid = side === "buy";
  }

  get levelCount(): number {
    return this.levels;
  }

  best(): PriceLevel | undefined {
    return this.bestLevel;
  }

  /** The level right after `level` in priority order (the next worse price), or undefined. */
  worse(level: PriceLevel): PriceLevel | undefined {
    let c = level.chunk as Chunk;
    if (this.isBid) {
      let s = level.slot > 0 ? c.down(level.slot - 1) : -1;
      while (s < 0) {
        const next = c.lower;
        if (!next) return undefined;
        c = next;
        s = c.down(CHUNK_SIZE - 1);
      }
      return c.at(s);
    }
    let s = level.slot < CHUNK_SIZE - 1 ? c.up(level.slot + 1) : -1;
    while (s < 0) {
      const next = c.higher;
      if (!next) return undefined;
      c = next;
      s = c.up(0);
    }
    return c.at(s);
  }

  /** The i-th best level (0 = best). O(i): walk with `best()`/`worse()` to visit levels in order. */
  levelAt(i: number): PriceLevel | undefined {
    let l = this.bestLevel;
    for (let k = 0; k < i && l; k++) l = this.worse(l);
    return l;
  }

  add(o: RestingOrder): void {
    const p = Number(o.price);
    if (!Number.isSafeInteger(p)) throw new RangeError(`price ${o.price} is outside the book's exact range`);
    if (this.step === 0 || p % this.step !== 0)
      this.rekey(this.step === 0 ? Math.abs(p) || 1 : gcd(this.step, Math.abs(p)));
    const k = p / this.step;
    const id = Math.floor(k / CHUNK_SIZE);
    const slot = k - id * CHUNK_SIZE;
    let c = this.lastChunk;
    if (c === undefined || c.id !== id) {
      c = this.chunks.get(id) ?? this.newChunk(id);
      this.lastChunk = c;
    }
    let level = c.at(slot);
    if (level === undefined || level.count === 0) {
      // An emptied level left in the slot has the same price iff it has the same key (a re-key clears them).
      if (level === undefined || level.key !== k) {
        level = new PriceLevel(o.price);
        level.key = k;
      }
      level.chunk = c;
      level.slot = slot;
      c.set(slot, level);
      this.levels++;
      const b = this.bestLevel;
      if (!b || (this.isBid ? k > b.key : k < b.key)) this.bestLevel = level;
    }
    level.push(o);
  }

  remove(o: RestingOrder): void {
    const level = o.level;
    if (!level) return;
    level.unlink(o);
    if (level.count === 0) this.dropLevel(level);
  }

  /** Lowers a resting order's remaining size in place (keeps its time priority). */
  reduce(o: RestingOrder, by: bigint): void {
    o.remaining -= by;
    if (o.remaining === 0n) this.remove(o);
  }

  depth(n: number): BookLevel[] {
    const out: BookLevel[] = [];
    for (let l = this.bestLevel; l && out.length < n; l = this.worse(l))
      out.push({ price: l.price, size: l.total, orders: l.count });
    return out;
  }

  private dropLevel(level: PriceLevel): void {
    const c = level.chunk as Chunk;
    c.clear(level.slot);
    this.levels--;
    // worse() only reads the chunk list and bitmaps, so it works before the empty chunk is unlinked.
    if (level === this.bestLevel) this.bestLevel = this.worse(level);
    level.chunk = undefined;
    if (c.count === 0) this.dropChunk(c);
  }

  private newChunk(id: number): Chunk {
    const c = this.spare.pop() ?? new Chunk();
    c.id = id;
    this.chunks.set(id, c);
    const ids = this.chunkIds;
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ids[mid] as number) < id) lo = mid + 1;
      else hi = mid;
    }
    const lower = lo > 0 ? this.chunks.get(ids[lo - 1] as number) : undefined;
    const higher = lo < ids.length ? this.chunks.get(ids[lo] as number) : undefined;
    ids.splice(lo, 0, id);
    c.lower = lower;
    c.higher = higher;
    if (lower) lower.higher = c;
    if (higher) higher.lower = c;
    return c;
  }

  private dropChunk(c: Chunk): void {
    this.chunks.delete(c.id);
    if (this.lastChunk === c) this.lastChunk = undefined;
    const ids = this.chunkIds;
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ids[mid] as number) < c.id) lo = mid + 1;
      else hi = mid;
    }
    ids.splice(lo, 1);
    if (c.lower) c.lower.higher = c.higher;
    if (c.higher) c.higher.lower = c.lower;
    c.lower = c.higher = undefined;
    if (this.spare.length < MAX_SPARE_CHUNKS) this.spare.push(c);
  }

  /** Re-indexes every level under a new step (a divisor of the old one). Levels keep their identity. */
  private rekey(step: number): void {
    const all: PriceLevel[] = [];
    for (let l = this.bestLevel; l; l = this.worse(l)) all.push(l);
    for (const l of all) {
      const c = l.chunk as Chunk;
      c.clear(l.slot);
      if (c.count === 0) this.dropChunk(c);
    }
    // Every chunk is empty now: forget the emptied levels they keep, whose keys meant the old step.
    for (const c of this.spare) c.groups.fill(undefined);
    this.step = step;
    for (const l of all) {
      const k = Number(l.price) / step;
      const id = Math.floor(k / CHUNK_SIZE);
      const slot = k - id * CHUNK_SIZE;
      const c = this.chunks.get(id) ?? this.newChunk(id);
      l.chunk = c;
      l.slot = slot;
      l.key = k;
      c.set(slot, l);
    }
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
    this.sideOf(o.side).add(o);
    this.byId.set(o.id, o);
  }

  /** Idempotent: removing an order that already left the book is a no-op. */
  remove(id: bigint): RestingOrder | undefined {
    const o = this.byId.get(id);
    if (!o) return undefined;
    this.byId.delete(id);
    this.sideOf(o.side).remove(o);
    return o;
  }

  /** Removes `o` if it is the live order under its id (`get(o.id) === o`); says whether it did. */
  removeOrder(o: RestingOrder): boolean {
    if (this.byId.get(o.id) !== o) return false;
    this.byId.delete(o.id);
    this.sideOf(o.side).remove(o);
    return true;
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
