import { OrderBook, type RestingOrder } from "../matching/order-book.ts";
import type { RestingExposure } from "../risk/margin.ts";
import type { EngineParams } from "./params.ts";
import { RiskState } from "./risk-state.ts";
import { type AccountLeaf, emptyPosition, type MarketState } from "./types.ts";

/**
 * The committed engine state: leaf data (accounts, markets, pools) plus the off-tree indexes the engine
 * needs to be fast (books, orders by account, position holders, keys). Only `TxContext.commit` writes it.
 */
export class EngineState {
  /** Dense: account ids are handed out 0, 1, 2, ... so the array index is the id. */
  readonly accounts: AccountLeaf[] = [];
  /** Key → its owner's first (parent, cross-margin) account; sub-accounts share the key but are not here. */
  readonly keyIndex = new Map<string, number>();
  /** Isolated sub-account → its parent and the one market it may trade (off-tree, rebuilt by replay). */
  readonly isolated = new Map<number, IsolatedAccount>();
  /** Parent → its isolated sub-accounts, in creation order. */
  readonly subaccounts = new Map<number, number[]>();
  readonly markets: MarketState[];
  /** Last accepted oracle timestamp per market (off-tree); -1 before the first price. */
  readonly lastPriceTimestamp: bigint[];
  readonly books: OrderBook[];
  /**
   * accountId → that account's resting orders, any market, in the order they rested. A short array
   * (accounts rest a handful of orders) rather than a map by BigInt id: no hashing, and a lone order
   * costs one small array.
   */
  readonly ordersByAccount = new Map<number, RestingOrder[]>();
  /** accountId → lots still resting per market and side, kept in step with the books so margin checks are O(M). */
  readonly restingTotals = new Map<number, RestingExposure[]>();
  /** Per market, accounts with a non-zero size: the only ones a price move can make liquidatable there. */
  readonly holders: Set<number>[];
  /** Off-tree risk memory (mark EMA, funding samples, breaker, waterfall progress, ledger). */
  readonly risk: RiskState;
  insuranceFund = 0n;
  feePool = 0n;
  nextDepositIndex = 0n;
  /** The `priorityIndex` the next forced tx must carry (0-based position in L1's priority queue). */
  nextPriorityIndex = 0n;
  /**
   * The highest order id ever added to any book (-1 before the first). Ids are log positions, so a new
   * order's id is almost always above it, and then no book can hold it: `isLiveOrderId` answers without
   * a lookup. Only a reused (or out-of-order) id falls back to asking the books.
   */
  private maxOrderId = -1n;
  /** 2^orderSlotBits: an order's fill slot is its nonce mod this (docs/PROOF.md order-fill slots). */
  readonly orderSlotCount: number;

  constructor(readonly params: EngineParams) {
    this.orderSlotCount = 2 ** params.orderSlotBits;
    const m = params.markets.length;
    this.markets = Array.from({ length: m }, () => ({ markPrice: 0n, fundingIndex: 0n, openInterest: 0n }));
    this.lastPriceTimestamp = Array.from({ length: m }, () => -1n);
    this.books = Array.from({ length: m }, (_, i) => new OrderBook(i));
    this.holders = Array.from({ length: m }, () => new Set<number>());
    this.risk = new RiskState(m);
  }

  get marketCount(): number {
    return this.markets.length;
  }

  newAccount(pubKeyX: bigint, pubKeyY: bigint): AccountLeaf {
    return {
      pubKeyX,
      pubKeyY,
      nonce: 0n,
      collateral: 0n,
      positions: Array.from({ length: this.marketCount }, emptyPosition),
    };
  }

  /** Is `id` the id of a live order on any book? Same answer as asking every book, usually without a lookup. */
  isLiveOrderId(id: bigint): boolean {
    if (id > this.maxOrderId) return false;
    for (const b of this.books) if (b.get(id) !== undefined) return true;
    return false;
  }

  addRestingOrder(o: RestingOrder): void {
    (this.books[o.marketId] as OrderBook).add(o);
    if (o.id > this.maxOrderId) this.maxOrderId = o.id;
    const mine = this.ordersByAccount.get(o.accountId);
    if (mine) mine.push(o);
    else this.ordersByAccount.set(o.accountId, [o]);
    this.adjustResting(o, o.remaining);
  }

  /** Fills part or all of a resting order, keeping the account indexes in step. */
  fillRestingOrder(o: RestingOrder, size: bigint): void {
    this.adjustResting(o, -size);
    (this.books[o.marketId] as OrderBook).fill(o.id, size);
    if (o.remaining === 0n) this.forgetOrder(o);
  }

  /** Removes a live order (no-op if it already left the book). */
  removeRestingOrder(o: RestingOrder): void {
    const remaining = o.remaining;
    if (!(this.books[o.marketId] as OrderBook).removeOrder(o)) return;
    this.adjustResting(o, -remaining);
    this.forgetOrder(o);
  }

  private adjustResting(o: RestingOrder, by: bigint): void {
    let t = this.restingTotals.get(o.accountId);
    if (!t) {
      t = this.markets.map(() => ({ buy: 0n, sell: 0n }));
      this.restingTotals.set(o.accountId, t);
    }
    const e = t[o.marketId] as RestingExposure;
    if (o.side === "buy") e.buy += by;
    else e.sell += by;
  }

  private forgetOrder(o: RestingOrder): void {
    const mine = this.ordersByAccount.get(o.accountId);
    if (!mine) return;
    const i = mine.indexOf(o);
    if (i < 0) return;
    // Shift the later ones down: the array keeps resting order.
    for (let k = i + 1; k < mine.length; k++) mine[k - 1] = mine[k] as RestingOrder;
    mine.length -= 1;
    if (mine.length === 0) {
      this.ordersByAccount.delete(o.accountId);
      this.restingTotals.delete(o.accountId);
    }
  }
}

export interface IsolatedAccount {
  parentId: number;
  marketId: number;
}

export function keyOf(pubKeyX: bigint, pubKeyY: bigint): string {
  return `${pubKeyX.toString(16)}:${pubKeyY.toString(16)}`;
}
