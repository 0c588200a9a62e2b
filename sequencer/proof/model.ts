/**
 * The reference semantics of the proven transactions (docs/PROOF.md), in TS. The circuit checks the
 * same rules op by op; this model is what the witness builder runs to get every intermediate value,
 * and what tests run against the engine's traces, so a disagreement shows as a typed ProofRuleError
 * naming the rule instead of an unsatisfiable witness.
 *
 * State changes here are computed from the ops, never copied from the engine: if replaying a batch's
 * ops does not land on the engine's leaves, the engine did something the proof cannot express.
 */

import type { MarketParams } from "../engine/params.ts";
import { abs } from "../engine/ranges.ts";
import { applyTrade, settleFunding } from "../engine/settlement.ts";
import { equity, initialRequirement, maintenanceRequirement } from "../risk/margin.ts";
import type { MarketState } from "../state/global-state.ts";
import { type AccountLeaf, checkLeafRanges, emptyLeaf, type Position } from "../state/leaf.ts";
import { type ProofRule, ProofRuleError } from "./errors.ts";
import { forcedWithdrawalPay } from "./forced.ts";
import type { OrderTerms, ProofOp } from "./ops.ts";

const BPS = 10_000n;
const POOL_LIMIT = 1n << 80n;

/** Constants the circuit is built with (an instance's risk block): the base rules every policy keeps. */
export interface ProofRules {
  /** Per market, the IMF and MMF the proof checks (bps); an engine policy may only be stricter. */
  markets: readonly Pick<MarketParams, "imfBps" | "mmfBps">[];
  /** The liquidation penalty cap, bps of the notional closed on the book or by the vault. */
  penaltyBps: number;
  /** An on-book liquidation fill is at most this far from the mark on the liquidated side (bps). */
  liquidationBandBps: number;
  /** Each account's order-fill tree has 2^orderBits slots, indexed by nonce mod 2^orderBits. */
  orderBits: number;
  /** The backstop vault's account id. */
  vaultId: number;
}

/** One slot of an account's order-fill tree: the order there and how much of it has filled. */
export interface OrderSlot {
  nonce: bigint;
  filled: bigint;
}

function fail(code: ProofRule, message: string, details: Record<string, unknown> = {}): never {
  throw new ProofRuleError(code, message, details);
}

function cloneLeaf(a: AccountLeaf): AccountLeaf {
  return { ...a, positions: a.positions.map((p) => ({ ...p })) };
}

/**
 * The proof's view of the rollup state across batches: leaves, order-fill trees, market fields and
 * pools. `beginBatch` opens a batch at a proven time; `apply` runs one op; `endBatch` runs the
 * end-of-batch checks and returns what the batch touched.
 */
export class ProofModel {
  readonly accounts = new Map<number, AccountLeaf>();
  readonly orders = new Map<number, Map<number, OrderSlot>>();
  markets: MarketState[];
  insuranceFund: bigint;
  feePool: bigint;
  nextDepositIndex = 0n;
  nextPriorityIndex = 0n;

  private batchTimeMs = 0n;
  private touched = new Set<number>();
  private liqNotional = new Map<number, bigint>();
  private penalised = new Map<number, bigint>();

  constructor(
    readonly rules: ProofRules,
    genesis: {
      accounts: ReadonlyMap<number, AccountLeaf>;
      markets: readonly MarketState[];
      insuranceFund: bigint;
      feePool: bigint;
    },
  ) {
    for (const [id, a] of genesis.accounts) this.accounts.set(id, cloneLeaf(a));
    this.markets = genesis.markets.map((m) => ({ ...m }));
    this.insuranceFund = genesis.insuranceFund;
    this.feePool = genesis.feePool;
  }

  /** The leaf of `id` as the proof sees it (an unused id is the empty leaf). */
  leaf(id: number): AccountLeaf {
    let a = this.accounts.get(id);
    if (!a) {
      a = emptyLeaf(this.markets.length);
      this.accounts.set(id, a);
    }
    return a;
  }

  orderSlots(id: number): Map<number, OrderSlot> {
    let t = this.orders.get(id);
    if (!t) {
      t = new Map();
      this.orders.set(id, t);
    }
    return t;
  }

  beginBatch(batchTimeMs: bigint): void {
    this.batchTimeMs = batchTimeMs;
    this.touched = new Set();
    this.liqNotional = new Map();
    this.penalised = new Map();
  }

  apply(op: ProofOp): void {
    switch (op.kind) {
      case "deposit":
        this.deposit(op);
        return;
      case "withdrawal":
        this.withdrawal(op);
        return;
      case "transfer":
        this.transfer(op);
        return;
      case "settle":
        this.touch(op.accountId);
        settleFunding(this.leaf(op.accountId), op.marketId, this.market(op.marketId).fundingIndex);
        return;
      case "fill":
        this.fill(op);
        return;
      case "liquidation-fill":
        this.liquidationFill(op);
        return;
      case "penalty":
        this.penalty(op);
        return;
      case "cover":
        this.cover(op);
        return;
      case "forced":
        this.forced(op);
        return;
      case "price": {
        const mk = this.market(op.marketId);
        mk.markPrice = op.mark;
        mk.fundingIndex = op.fundingIndex;
        return;
      }
    }
  }

  /**
   * End-of-batch checks: every touched leaf in its SPEC range (collateral ≥ 0, a flat position has no
   * entry), the pools ≥ 0. `nonces` gives each touched account's final nonce, which may only have
   * grown: the engine counts every signed request, the proof only the ones it sees.
   */
  endBatch(nonces: ReadonlyMap<number, bigint> = new Map()): void {
    // An account whose only change is its nonce (a cancel, an order that rested unfilled) is in the
    // batch's account table too: its new leaf has the new nonce, so the proof must write it.
    for (const id of nonces.keys()) this.touch(id);
    for (const id of this.touched) {
      const a = this.leaf(id);
      const n = nonces.get(id);
      if (n !== undefined) {
        if (n < a.nonce) fail("STALE_NONCE", `account ${id}'s nonce would go down`, { accountId: id });
        a.nonce = n;
      }
      if (a.collateral < 0n)
        fail("NEGATIVE_BALANCE", `account ${id} ends the batch with negative collateral`, { accountId: id });
      try {
        checkLeafRanges(a);
      } catch (cause) {
        fail("OUT_OF_RANGE", `account ${id} leaves its range`, { accountId: id, cause: String(cause) });
      }
    }
    if (
      this.insuranceFund < 0n ||
      this.insuranceFund >= POOL_LIMIT ||
      this.feePool < 0n ||
      this.feePool >= POOL_LIMIT
    )
      fail("NEGATIVE_BALANCE", "a pool leaves [0, 2^80)", {});
  }

  private touch(id: number): void {
    this.touched.add(id);
  }

  private market(m: number): MarketState {
    const mk = this.markets[m];
    if (!mk) fail("ORDER_WRONG_MARKET", `unknown market ${m}`, { marketId: m });
    return mk;
  }

  private deposit(op: Extract<ProofOp, { kind: "deposit" }>): void {
    if (op.depositIndex !== this.nextDepositIndex)
      fail("DEPOSIT_OUT_OF_ORDER", `next deposit is ${this.nextDepositIndex}`, { got: op.depositIndex });
    if (op.amount <= 0n) fail("BAD_AMOUNT", "deposit amount must be positive", {});
    const a = this.leaf(op.accountId);
    this.takeKey(a, op.pubKeyX, op.pubKeyY, "DEPOSIT_WRONG_KEY", op.accountId);
    a.collateral += op.amount;
    this.nextDepositIndex += 1n;
    this.touch(op.accountId);
  }

  /** A priority request from L1, in queue order: a withdrawal pays exactly the rule's amount. */
  private forced(op: Extract<ProofOp, { kind: "forced" }>): void {
    // Snapshots taken before priority requests existed restore without the counter.
    const next = this.nextPriorityIndex ?? 0n;
    if (op.priorityIndex !== next)
      fail("PRIORITY_OUT_OF_ORDER", `next priority request is ${next}`, { got: op.priorityIndex });
    const a = this.leaf(op.accountId);
    const pay =
      op.request === "withdrawal" ? forcedWithdrawalPay(a, op, this.markets, this.rules.markets) : 0n;
    if (op.paid !== pay)
      fail("FORCED_WRONG_AMOUNT", `request ${op.priorityIndex} pays ${pay}, not ${op.paid}`, {
        accountId: op.accountId,
      });
    a.collateral -= pay;
    this.nextPriorityIndex = next + 1n;
    this.touch(op.accountId);
  }

  /** The key rule: a key is only ever set on an empty leaf, never changed. */
  private takeKey(a: AccountLeaf, x: bigint, y: bigint, code: ProofRule, id: number): void {
    if (a.pubKeyX === 0n && a.pubKeyY === 0n) {
      a.pubKeyX = x;
      a.pubKeyY = y;
    } else if (a.pubKeyX !== x || a.pubKeyY !== y) {
      fail(code, `account ${id} belongs to another key`, { accountId: id });
    }
  }

  private useNonce(a: AccountLeaf, nonce: bigint, id: number): void {
    if (nonce <= a.nonce) fail("STALE_NONCE", `nonce ${nonce} is not above ${a.nonce}`, { accountId: id });
    a.nonce = nonce;
  }

  private withdrawal(op: Extract<ProofOp, { kind: "withdrawal" }>): void {
    if (op.amount <= 0n) fail("BAD_AMOUNT", "withdrawal amount must be positive", {});
    if (op.l1Address === 0n) fail("ZERO_L1_ADDRESS", "a withdrawal to address 0 can never be claimed", {});
    const a = this.leaf(op.accountId);
    this.useNonce(a, op.nonce, op.accountId);
    a.collateral -= op.amount;
    this.requireInitial(op.accountId);
    this.touch(op.accountId);
  }

  private transfer(op: Extract<ProofOp, { kind: "transfer" }>): void {
    if (op.amount <= 0n) fail("BAD_AMOUNT", "transfer amount must be positive", {});
    if (op.from === op.to) fail("SAME_ACCOUNT", "a transfer needs two accounts", { accountId: op.from });
    const from = this.leaf(op.from);
    const to = this.leaf(op.to);
    if (op.toField !== 0n && BigInt(op.to) !== op.toField - 1n)
      fail("TRANSFER_WRONG_DESTINATION", "the transfer pays another account than signed", { to: op.to });
    if (op.toField === 0n && (to.pubKeyX !== 0n || to.pubKeyY !== 0n))
      fail("TRANSFER_WRONG_DESTINATION", "a sub-account opening must use an empty leaf", { to: op.to });
    this.takeKey(to, from.pubKeyX, from.pubKeyY, "TRANSFER_OTHER_KEY", op.to);
    this.useNonce(from, op.nonce, op.from);
    from.collateral -= op.amount;
    to.collateral += op.amount;
    this.requireInitial(op.from);
    this.touch(op.from);
    this.touch(op.to);
  }

  /** Checks an order's terms against one fill of it and records the fill in its slot. */
  private fillOrder(
    o: OrderTerms,
    accountId: number,
    m: number,
    buys: boolean,
    size: bigint,
    price: bigint,
    fee: bigint,
  ): void {
    if (o.accountId !== accountId)
      fail("ORDER_WRONG_ACCOUNT", `order of account ${o.accountId} filled for ${accountId}`, { accountId });
    if (o.marketId !== m) fail("ORDER_WRONG_MARKET", `order for market ${o.marketId} filled in ${m}`, {});
    if ((o.side === "buy") !== buys)
      fail("ORDER_WRONG_SIDE", "the order is filled on the side it did not sign", {});
    if (buys ? o.price !== 0n && price > o.price : price < o.price)
      fail("FILL_OUTSIDE_LIMIT", `price ${price} is outside the limit ${o.price}`, {
        accountId,
        nonce: o.nonce,
      });
    if (this.batchTimeMs >= o.expiryMs)
      fail("ORDER_EXPIRED", "the order expired before the batch", { nonce: o.nonce });
    if (fee < 0n || fee * BPS > BigInt(o.maxFeeBps) * size * price)
      fail("FEE_ABOVE_CAP", `fee ${fee} exceeds the signed cap of ${o.maxFeeBps} bps`, { accountId });
    const slots = this.orderSlots(accountId);
    const idx = Number(o.nonce % (1n << BigInt(this.rules.orderBits)));
    const cur = slots.get(idx);
    if (cur && cur.nonce > o.nonce)
      fail("ORDER_EVICTED", `order ${o.nonce} was replaced by ${cur.nonce}`, { accountId });
    const filled = (cur && cur.nonce === o.nonce ? cur.filled : 0n) + size;
    if (filled > o.size)
      fail("ORDER_OVERFILLED", `order ${o.nonce} would fill ${filled} of ${o.size}`, { accountId });
    slots.set(idx, { nonce: o.nonce, filled });
  }

  private requireSettled(id: number, m: number): void {
    if ((this.leaf(id).positions[m] as Position).fundingSnapshot !== this.market(m).fundingIndex)
      fail("NOT_SETTLED", `account ${id} trades market ${m} with funding unsettled`, { accountId: id });
  }

  private requireInitial(id: number): void {
    const a = this.leaf(id);
    if (equity(a, this.markets) < initialRequirement(a, this.markets, this.rules.markets as MarketParams[]))
      fail("BELOW_INITIAL_MARGIN", `account ${id} added risk below initial margin`, { accountId: id });
  }

  /** Applies one side of a trade; returns whether it opened anything (the risk grew). */
  private trade(id: number, m: number, t: bigint, price: bigint): boolean {
    const a = this.leaf(id);
    const before = (a.positions[m] as Position).size;
    const eff = applyTrade(a, m, t, price);
    const after = (a.positions[m] as Position).size;
    const mk = this.market(m);
    mk.openInterest += (after > 0n ? after : 0n) - (before > 0n ? before : 0n);
    this.touch(id);
    return eff.opened > 0n;
  }

  private fill(op: Extract<ProofOp, { kind: "fill" }>): void {
    const m = op.marketId;
    const taker = op.taker.accountId;
    const maker = op.maker.accountId;
    if (taker === maker) fail("SAME_ACCOUNT", "a fill needs two accounts", { accountId: taker });
    if (op.size <= 0n) fail("BAD_AMOUNT", "fill size must be positive", {});
    const takerBuys = op.taker.side === "buy";
    this.fillOrder(op.taker, taker, m, takerBuys, op.size, op.price, op.takerFee);
    this.fillOrder(op.maker, maker, m, !takerBuys, op.size, op.price, op.makerFee);
    this.requireSettled(taker, m);
    this.requireSettled(maker, m);
    const t = takerBuys ? op.size : -op.size;
    const takerGrew = this.trade(taker, m, t, op.price);
    const makerGrew = this.trade(maker, m, -t, op.price);
    this.leaf(taker).collateral -= op.takerFee;
    this.leaf(maker).collateral -= op.makerFee;
    this.feePool += op.takerFee + op.makerFee;
    if (takerGrew) this.requireInitial(taker);
    if (makerGrew) this.requireInitial(maker);
  }

  private liquidationFill(op: Extract<ProofOp, { kind: "liquidation-fill" }>): void {
    const m = op.marketId;
    const id = op.liquidated;
    const cp = op.counterparty;
    if (id === cp) fail("SAME_ACCOUNT", "a liquidation needs a counterparty", { accountId: id });
    const a = this.leaf(id);
    const mmr = maintenanceRequirement(a, this.markets, this.rules.markets as MarketParams[]);
    const e = equity(a, this.markets);
    if (mmr === 0n || e >= mmr)
      fail("NOT_LIQUIDATABLE", `account ${id} is not below maintenance`, { accountId: id });
    const s = (a.positions[m] as Position).size;
    if (op.size === 0n || s === 0n || s > 0n === op.size > 0n || abs(op.size) > abs(s))
      fail("LIQUIDATION_GROWS", "a liquidation may only reduce the position, without flipping it", {
        accountId: id,
      });
    const mark = this.market(m).markPrice;
    switch (op.tier) {
      case "on-book": {
        if (!op.counterOrder)
          fail("ORDER_WRONG_ACCOUNT", "an on-book liquidation fill needs the maker's order", {});
        this.fillOrder(op.counterOrder, cp, m, op.size < 0n, abs(op.size), op.price, op.counterFee);
        const band = BigInt(this.rules.liquidationBandBps);
        if (op.size < 0n ? op.price * BPS < mark * (BPS - band) : op.price * BPS > mark * (BPS + band))
          fail("LIQUIDATION_OUTSIDE_BAND", `price ${op.price} is past the liquidation band of mark ${mark}`, {
            accountId: id,
          });
        break;
      }
      case "vault":
        if (cp !== this.rules.vaultId)
          fail("VAULT_WRONG_ACCOUNT", "only the vault takes over", { counterparty: cp });
        if (op.price !== mark)
          fail("VAULT_NOT_AT_MARK", "the vault takes over at the mark", { price: op.price, mark });
        break;
      case "adl": {
        // Closing the whole position at the price leaves equity R in (−|s|, 0]: the bankruptcy price
        // rounded against the liquidated account, as risk/bankruptcy.ts rounds it.
        const r = e + s * (op.price - mark);
        if (r > 0n || r <= -abs(s))
          fail("ADL_NOT_BANKRUPTCY_PRICE", `price ${op.price} is not the bankruptcy price`, { residual: r });
        const cs = (this.leaf(cp).positions[m] as Position).size;
        if (cs === 0n || cs > 0n !== op.size > 0n || abs(op.size) > abs(cs))
          fail("ADL_GROWS_COUNTERPARTY", "ADL may only reduce its counterparty", { counterparty: cp });
        break;
      }
    }
    if (op.tier !== "on-book" && op.counterFee !== 0n)
      fail("FEE_ABOVE_CAP", "only a maker order pays a fee", {});
    this.requireSettled(id, m);
    this.requireSettled(cp, m);
    this.trade(id, m, op.size, op.price);
    const cpGrew = this.trade(cp, m, -op.size, op.price);
    this.leaf(cp).collateral -= op.counterFee;
    this.feePool += op.counterFee;
    if (op.tier !== "adl")
      this.liqNotional.set(id, (this.liqNotional.get(id) ?? 0n) + abs(op.size) * op.price);
    if (op.tier === "on-book" && cpGrew) this.requireInitial(cp);
  }

  private penalty(op: Extract<ProofOp, { kind: "penalty" }>): void {
    const cap = ((this.liqNotional.get(op.accountId) ?? 0n) * BigInt(this.rules.penaltyBps)) / BPS;
    const total = (this.penalised.get(op.accountId) ?? 0n) + op.amount;
    if (op.amount < 0n || total > cap)
      fail("PENALTY_ABOVE_CAP", `penalty ${total} exceeds ${cap}`, { accountId: op.accountId });
    this.penalised.set(op.accountId, total);
    this.leaf(op.accountId).collateral -= op.amount;
    this.insuranceFund += op.amount;
    this.touch(op.accountId);
  }

  private cover(op: Extract<ProofOp, { kind: "cover" }>): void {
    const a = this.leaf(op.accountId);
    if (
      op.fromFund < 0n ||
      op.fromVault < 0n ||
      a.collateral >= 0n ||
      op.fromFund + op.fromVault !== -a.collateral
    )
      fail("COVER_MISMATCH", "a cover pays exactly a negative collateral back to zero", {
        accountId: op.accountId,
      });
    a.collateral = 0n;
    this.insuranceFund -= op.fromFund;
    this.leaf(this.rules.vaultId).collateral -= op.fromVault;
    if (this.insuranceFund < 0n) fail("NEGATIVE_BALANCE", "the insurance fund went negative", {});
    this.touch(op.accountId);
    if (op.fromVault > 0n) this.touch(this.rules.vaultId);
  }
}
