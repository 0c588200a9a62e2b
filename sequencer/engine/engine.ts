import { equity } from "../risk/margin.ts";
import { cancelDirect, cancelOrder } from "./cancel.ts";
import { applyDeposit } from "./deposit.ts";
import { EngineError, engineError } from "./errors.ts";
import { applyForced } from "./forced.ts";
import type { LiquidationRecord } from "./ledger.ts";
import { liquidate } from "./liquidate.ts";
import { type EngineParams, type EngineParamsInput, parseEngineParams } from "./params.ts";
import { placeOrder } from "./place-order.ts";
import { applyPrice } from "./price.ts";
import { COLLATERAL_LIMIT, inUnsigned, MARK_PRICE_LIMIT, POOL_LIMIT } from "./ranges.ts";
import type { MarketRiskState } from "./risk-state.ts";
import { findIndexMismatches } from "./self-check.ts";
import { conservedOf } from "./settlement.ts";
import { EngineState, keyOf } from "./state.ts";
import { applyTransfer } from "./transfer.ts";
import { TxContext } from "./tx-context.ts";
import {
  type AccountLeaf,
  type ApplyLimits,
  type ApplyResult,
  type BookView,
  cloneAccount,
  type EngineTx,
  type FlowResult,
  type GlobalState,
  type MarketState,
  type OpenOrder,
} from "./types.ts";
import { type AccountView, accountViewOf, openOrdersOf } from "./views.ts";
import { applyWithdrawal } from "./withdraw.ts";

/**
 * Optional starting values. Cash given here (insurance fund, backstop collateral) is cash the L1 contract
 * must already hold at genesis; the engine cannot check that, so leave them 0 unless it does.
 */
export interface EngineGenesis {
  insuranceFund?: bigint;
  backstopCollateral?: bigint;
  /** Initial mark per market (0 = none yet). */
  markPrices?: readonly bigint[];
}

export interface MarketView {
  marketId: number;
  name: string;
  tickSize: bigint;
  minOrderSize: bigint;
  maxOrderSize: bigint;
  maxPrice: bigint;
  imfBps: number;
  mmfBps: number;
  takerFeeBps: number;
  makerFeeBps: number;
  markPrice: bigint;
  fundingIndex: bigint;
  openInterest: bigint;
  /** Last accepted oracle index (0 before the first). */
  indexPrice: bigint;
  /** The TWAP breaker is pausing new risk. */
  breakerTripped: boolean;
  /** Rate of the last funding payment, parts per 10^9 of the index (positive: longs paid). */
  lastFundingRate: bigint;
  /** Price of the last fill (undefined before the first). */
  lastTradePrice: bigint | undefined;
}

/**
 * The deterministic matching and risk engine: a pure function of (params, genesis, ordered txs).
 * No clocks, randomness or I/O; replaying the same txs with the same `seq`s gives the same state.
 */
export interface EngineOptions {
  /**
   * Take the direct paths for the txs that have one (a cancel: `cancelDirect`). They give the same
   * results, errors and state as the general flow through a TxContext; off is for the tests that check
   * exactly that. Default on.
   */
  fastPaths?: boolean;
}

export class Engine {
  readonly params: EngineParams;
  private state: EngineState;
  private readonly fastPaths: boolean;

  constructor(
    params: EngineParams | EngineParamsInput,
    genesis: EngineGenesis = {},
    options: EngineOptions = {},
  ) {
    this.fastPaths = options.fastPaths ?? true;
    this.params = parseEngineParams(params as EngineParamsInput);
    this.state = new EngineState(this.params);
    const s = this.state;
    const backstop = s.newAccount(this.params.backstopPubKeyX, this.params.backstopPubKeyY);
    backstop.collateral = genesis.backstopCollateral ?? 0n;
    s.risk.vaultNetDeposits = backstop.collateral;
    if (!inUnsigned(backstop.collateral, COLLATERAL_LIMIT))
      throw new RangeError("genesis backstopCollateral out of range");
    s.accounts.push(backstop);
    s.keyIndex.set(keyOf(backstop.pubKeyX, backstop.pubKeyY), this.params.backstopAccountId);
    s.insuranceFund = genesis.insuranceFund ?? 0n;
    if (!inUnsigned(s.insuranceFund, POOL_LIMIT)) throw new RangeError("genesis insuranceFund out of range");
    genesis.markPrices?.forEach((p, m) => {
      const mk = s.markets[m];
      if (!mk) throw new RangeError(`genesis mark for unknown market ${m}`);
      if (!inUnsigned(p, MARK_PRICE_LIMIT)) throw new RangeError(`genesis mark ${p} out of range`);
      mk.markPrice = p;
    });
  }

  /**
   * Applies one tx atomically: either everything commits or an `EngineError` is thrown and nothing
   * (state, books, nonces) changed. `seq` is the tx's position in the log; a placed order's id is `seq`,
   * so seqs must be unique and increasing for orders.
   */
  apply(tx: EngineTx, seq: bigint, limits?: ApplyLimits): ApplyResult {
    if (tx.kind === "cancel" && this.fastPaths) return cancelDirect(this.state, tx, limits);
    const ctx = new TxContext(this.state, limits);
    let result: FlowResult;
    switch (tx.kind) {
      case "deposit":
        result = applyDeposit(ctx, tx);
        break;
      case "order":
        result = placeOrder(ctx, tx, seq);
        break;
      case "cancel":
        result = cancelOrder(ctx, tx);
        break;
      case "withdrawal":
        result = applyWithdrawal(ctx, tx);
        break;
      case "price":
        result = applyPrice(ctx, tx);
        break;
      case "liquidation":
        result = liquidate(ctx, tx, seq);
        break;
      case "transfer":
        result = applyTransfer(ctx, tx);
        break;
      case "forced":
        result = applyForced(ctx, tx);
        break;
      default:
        throw engineError("BAD_TX", `unknown tx kind ${String((tx as { kind: unknown }).kind)}`, {});
    }
    ctx.commit();
    const out = result as ApplyResult;
    out.touched = ctx.touchedAscending();
    out.ops = ctx.ops;
    return out;
  }

  /**
   * The committed state itself, not a copy: for the snapshot codec (sequencer/snapshot/), which copies
   * it synchronously, before the next tx.
   */
  exportState(): EngineState {
    return this.state;
  }

  /**
   * Puts back a state `exportState` gave (restored from a snapshot). In place rather than a new
   * Engine: the sequencer, its API and the node all hold this object.
   */
  importState(state: EngineState): void {
    if (state.params !== this.params)
      throw new RangeError("the restored engine state carries other params than this engine's");
    this.state = state;
  }

  /** SPEC leaf shape, deep copy; undefined for an id never assigned (an empty leaf). */
  account(id: number): AccountLeaf | undefined {
    const a = this.state.accounts[id];
    return a ? cloneAccount(a) : undefined;
  }

  accountView(id: number): AccountView | undefined {
    const a = this.state.accounts[id];
    return a ? accountViewOf(this.state, id, a) : undefined;
  }

  accountIdByKey(pubKeyX: bigint, pubKeyY: bigint): number | undefined {
    return this.state.keyIndex.get(keyOf(pubKeyX, pubKeyY));
  }

  /** Assigned ids are 0 .. accountCount()-1. */
  accountCount(): number {
    return this.state.accounts.length;
  }

  openOrders(accountId: number): OpenOrder[] {
    return openOrdersOf(this.state, accountId);
  }

  /** Aggregated price levels, best first. */
  book(marketId: number, depth = 20): BookView {
    const b = this.state.books[marketId];
    if (!b) throw engineError("UNKNOWN_MARKET", `unknown market ${marketId}`, { marketId });
    return { marketId, bids: b.bids.depth(depth), asks: b.asks.depth(depth) };
  }

  markets(): MarketView[] {
    return this.params.markets.map((mp, m) => {
      const mk = this.state.markets[m] as MarketState;
      const r = this.state.risk.markets[m] as MarketRiskState;
      return {
        marketId: m,
        ...mp,
        markPrice: mk.markPrice,
        fundingIndex: mk.fundingIndex,
        openInterest: mk.openInterest,
        indexPrice: r.index?.price ?? 0n,
        breakerTripped: r.breaker.tripped,
        lastFundingRate: r.lastFundingRate,
        lastTradePrice: r.lastTradePrice,
      };
    });
  }

  /** SPEC.md global state, field for field. */
  global(): GlobalState {
    return {
      markets: this.state.markets.map((m) => ({
        markPrice: m.markPrice,
        fundingIndex: m.fundingIndex,
        openInterest: m.openInterest,
      })),
      insuranceFund: this.state.insuranceFund,
      feePool: this.state.feePool,
    };
  }

  /** Per market, Σ size over every account: 0 in any consistent state (each trade has two sides). */
  sizeSums(): bigint[] {
    const sums = this.state.markets.map(() => 0n);
    for (const a of this.state.accounts)
      a.positions.forEach((p, m) => {
        sums[m] = (sums[m] ?? 0n) + p.size;
      });
    return sums;
  }

  /** Σ q over accounts + insuranceFund + feePool: changes only by deposits − withdrawals. */
  conservedTotal(): bigint {
    let q = this.state.insuranceFund + this.state.feePool;
    for (const a of this.state.accounts) q += conservedOf(a);
    return q;
  }

  /** The `depositIndex` the next deposit tx must carry (0-based L1 queue position). */
  nextDepositIndex(): bigint {
    return this.state.nextDepositIndex;
  }

  /** The `priorityIndex` the next forced tx must carry (0-based L1 priority queue position). */
  nextPriorityIndex(): bigint {
    return this.state.nextPriorityIndex;
  }

  /** Recomputes the off-tree indexes and lists any disagreement (tests, simulator; O(state)). */
  selfCheck(): string[] {
    return findIndexMismatches(this.state);
  }

  /** The execution-quality ledger: one record per liquidation event, oldest first (deep copies). */
  ledger(): LiquidationRecord[] {
    return structuredClone(this.state.risk.ledger);
  }

  /**
   * The newest `limit` ledger records, oldest first, and the ledger's length: what a live view needs,
   * without deep-copying a long ledger on every refresh.
   */
  ledgerTail(limit: number): { total: number; records: LiquidationRecord[] } {
    const all = this.state.risk.ledger;
    return { total: all.length, records: structuredClone(all.slice(Math.max(0, all.length - limit))) };
  }

  /** Engine time (ms): the latest sequencer receive time of a price tx. */
  nowMs(): bigint {
    return this.state.risk.nowMs;
  }

  /**
   * Accounts whose equity at the marks is negative (bad debt not yet recognised), ascending: what the
   * zombie sweep settles. O(position holders).
   */
  zombies(): number[] {
    const ids = new Set<number>();
    for (const h of this.state.holders) for (const id of h) ids.add(id);
    const out: number[] = [];
    for (const id of ids) {
      if (equity(this.state.accounts[id] as AccountLeaf, this.state.markets) < 0n) out.push(id);
    }
    return out.sort((a, b) => a - b);
  }

  /** Accounts with a liquidation event open (on-book chunks still to run), ascending. */
  liquidationsInProgress(): number[] {
    return [...this.state.risk.inProgress.keys()].sort((a, b) => a - b);
  }

  /**
   * The backstop vault (account 0): equity at the marks, and its PnL = equity − net cash deposited into
   * it (deposits are not profit).
   */
  vaultReport(): { accountId: number; equity: bigint; netDeposits: bigint; pnl: bigint } {
    const id = this.params.backstopAccountId;
    const e = equity(this.state.accounts[id] as AccountLeaf, this.state.markets);
    const netDeposits = this.state.risk.vaultNetDeposits;
    return { accountId: id, equity: e, netDeposits, pnl: e - netDeposits };
  }

  /** Accounts with a position in `marketId`, ascending (e.g. for a keeper's scan). */
  positionHolders(marketId: number): number[] {
    return [...(this.state.holders[marketId] ?? [])].sort((a, b) => a - b);
  }
}

export { EngineError };
