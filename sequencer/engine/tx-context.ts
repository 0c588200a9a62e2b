import type { MatchPlan } from "../matching/matcher.ts";
import type { RestingOrder } from "../matching/order-book.ts";
import type { ProofOp } from "../proof/ops.ts";
import { engineError } from "./errors.ts";
import {
  COLLATERAL_LIMIT,
  ENTRY_NOTIONAL_LIMIT,
  FUNDING_LIMIT,
  inSigned,
  inUnsigned,
  NONCE_LIMIT,
  OPEN_INTEREST_LIMIT,
  POOL_LIMIT,
  SIZE_LIMIT,
} from "./ranges.ts";
import { longSize, settleFunding } from "./settlement.ts";
import { type EngineState, keyOf } from "./state.ts";
import {
  type AccountLeaf,
  type ApplyLimits,
  cloneAccount,
  type MarketState,
  type Position,
} from "./types.ts";

// Lower bounds of the signed ranges, computed once (a BigInt negation allocates).
const SIZE_MIN = -SIZE_LIMIT;
const ENTRY_NOTIONAL_MIN = -ENTRY_NOTIONAL_LIMIT;
const FUNDING_MIN = -FUNDING_LIMIT;

/** Working copies found by a linear scan up to this many; a map beyond. */
const WORK_SCAN = 8;

function sameLeaf(a: AccountLeaf, b: AccountLeaf | undefined): boolean {
  if (
    !b ||
    a.pubKeyX !== b.pubKeyX ||
    a.pubKeyY !== b.pubKeyY ||
    a.nonce !== b.nonce ||
    a.collateral !== b.collateral
  )
    return false;
  return a.positions.every((p, m) => {
    const q = b.positions[m];
    return (
      q !== undefined &&
      p.size === q.size &&
      p.entryNotional === q.entryNotional &&
      p.fundingSnapshot === q.fundingSnapshot
    );
  });
}

/**
 * Scratch space for one `apply`. Accounts are copied on first use, pools and open interest are copied
 * up front, and every book change is recorded as a plan. Nothing reaches `EngineState` until `commit`,
 * which first checks every SPEC range and only then writes (and cannot fail after that point). So a
 * throw anywhere in a tx leaves the engine exactly as it was: that is the atomicity `apply` promises.
 */
export class TxContext {
  /**
   * Working copies, in first-use order: ids and leaves side by side. Most txs use one to three
   * accounts, found by a short scan; past WORK_SCAN accounts (a liquidation, a price tx) an id → slot
   * map takes over.
   */
  private readonly workIds: number[] = [];
  private readonly workAccs: AccountLeaf[] = [];
  private workIndex: Map<number, number> | undefined;
  // Lists most txs never use are allocated on first use: a refused or simple tx allocates little.
  private created: number[] | undefined;
  /** Accounts whose leaf this tx changes, in the order touched (a set past WORK_SCAN of them). */
  private readonly touchedIds: number[] = [];
  private touchedSet: Set<number> | undefined;
  private batchExtra = 0; // touched ids not already in limits.touchedInBatch
  insuranceFund: bigint;
  feePool: bigint;
  private plans: MatchPlan[] | undefined;
  private cancels: Map<bigint, RestingOrder> | undefined;
  private rests: RestingOrder[] | undefined;
  private markUpdates: { marketId: number; price: bigint; timestampMs: bigint }[] | undefined;
  private fundingUpdates: { marketId: number; fundingIndex: bigint }[] | undefined;
  private depositConsumed = false;
  private priorityConsumed = false;
  private hooks: (() => void)[] | undefined;
  /**
   * The tx's proof ops, in the order the changes were made (docs/PROOF.md). Only work that commits is
   * recorded here: trial fills on copies collect theirs aside and add them once accepted, and a tx that
   * throws drops the context, ops and all.
   */
  readonly ops: ProofOp[] = [];

  constructor(
    readonly state: EngineState,
    private readonly limits: ApplyLimits | undefined,
  ) {
    this.insuranceFund = state.insuranceFund;
    this.feePool = state.feePool;
  }

  get markets(): readonly MarketState[] {
    return this.state.markets;
  }

  accountCount(): number {
    return this.state.accounts.length + (this.created?.length ?? 0);
  }

  exists(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < this.accountCount();
  }

  /** Slot of `id` among the working copies, -1 if it has none. */
  private slotOf(id: number): number {
    if (this.workIndex) return this.workIndex.get(id) ?? -1;
    const ids = this.workIds;
    for (let i = 0; i < ids.length; i++) if (ids[i] === id) return i;
    return -1;
  }

  private addWork(id: number, a: AccountLeaf): void {
    const slot = this.workIds.length;
    this.workIds.push(id);
    this.workAccs.push(a);
    if (this.workIndex) this.workIndex.set(id, slot);
    else if (slot >= WORK_SCAN) {
      this.workIndex = new Map();
      for (let i = 0; i <= slot; i++) this.workIndex.set(this.workIds[i] as number, i);
    }
  }

  /** The tx's working copy of an account (copied from committed state on first use). */
  acc(id: number): AccountLeaf {
    const slot = this.slotOf(id);
    if (slot >= 0) return this.workAccs[slot] as AccountLeaf;
    const committed = this.state.accounts[id];
    if (!committed || !Number.isInteger(id))
      throw engineError("UNKNOWN_ACCOUNT", `unknown account ${id}`, { accountId: id });
    const a = cloneAccount(committed);
    this.addWork(id, a);
    return a;
  }

  /** The account as this tx sees it (its working copy, else the committed leaf), not copied: read only. */
  peek(id: number): AccountLeaf | undefined {
    const slot = this.slotOf(id);
    return slot >= 0 ? this.workAccs[slot] : this.state.accounts[id];
  }

  /** Replaces the working copy, e.g. after a trial settlement on a clone was accepted. */
  put(id: number, a: AccountLeaf): void {
    const slot = this.slotOf(id);
    if (slot >= 0) this.workAccs[slot] = a;
    else this.addWork(id, a);
  }

  /**
   * Takes the next free leaf for a new account and touches it: ACCOUNTS_FULL when the tree has no leaf
   * left, BATCH_CAPACITY when the batch has no room for another update.
   */
  createAccount(pubKeyX: bigint, pubKeyY: bigint): number {
    const id = this.accountCount();
    const max = this.state.params.maxAccounts;
    if (id >= max) throw engineError("ACCOUNTS_FULL", "account tree is full", { maxAccounts: max });
    this.touch(id);
    this.created ??= [];
    this.created.push(id);
    this.addWork(id, this.state.newAccount(pubKeyX, pubKeyY));
    return id;
  }

  /** Would touching `ids` (on top of what this tx and the batch already touch) still fit the batch? */
  fits(...ids: number[]): boolean {
    if (!this.limits) return true;
    if (ids.length === 1) {
      const id = ids[0] as number;
      const known = this.isTouched(id) || this.limits.touchedInBatch.has(id);
      return this.limits.touchedInBatch.size + this.batchExtra + (known ? 0 : 1) <= this.limits.maxTouched;
    }
    let extra = 0;
    const seen = new Set<number>();
    for (const id of ids) {
      if (seen.has(id) || this.isTouched(id) || this.limits.touchedInBatch.has(id)) continue;
      seen.add(id);
      extra++;
    }
    return this.limits.touchedInBatch.size + this.batchExtra + extra <= this.limits.maxTouched;
  }

  /** Has this tx touched `id`? */
  isTouched(id: number): boolean {
    if (this.touchedSet) return this.touchedSet.has(id);
    const t = this.touchedIds;
    for (let i = 0; i < t.length; i++) if (t[i] === id) return true;
    return false;
  }

  /** `touched` as an ascending array (one or two ids, the usual case, without a sort). */
  touchedAscending(): number[] {
    const t = this.touchedIds;
    if (t.length === 0) return [];
    if (t.length === 1) return [t[0] as number];
    const out = t.slice();
    if (out.length === 2) {
      const [a, b] = out as [number, number];
      return a < b ? out : [b, a];
    }
    return out.sort((a, b) => a - b);
  }

  /** Marks an account as changed by this tx; throws BATCH_CAPACITY if the batch cannot take it. */
  touch(id: number): void {
    if (this.isTouched(id)) return;
    if (!this.fits(id)) {
      throw engineError("BATCH_CAPACITY", "batch has no room for another account update", {
        accountId: id,
        maxTouched: this.limits?.maxTouched,
      });
    }
    this.touchedIds.push(id);
    if (this.touchedSet) this.touchedSet.add(id);
    else if (this.touchedIds.length > WORK_SCAN) this.touchedSet = new Set(this.touchedIds);
    if (this.limits && !this.limits.touchedInBatch.has(id)) this.batchExtra++;
  }

  /** Orders of `accountId` this tx is cancelling (usually none), in the order they were cancelled. */
  cancelsOf(accountId: number): RestingOrder[] {
    const out: RestingOrder[] = [];
    if (this.cancels) for (const o of this.cancels.values()) if (o.accountId === accountId) out.push(o);
    return out;
  }

  /** True when this tx cancels any order (most do not). */
  get cancelsAny(): boolean {
    return this.cancels !== undefined && this.cancels.size > 0;
  }

  isCancelled(orderId: bigint): boolean {
    return this.cancels?.has(orderId) === true;
  }

  cancelOrder(o: RestingOrder): void {
    this.cancels ??= new Map();
    this.cancels.set(o.id, o);
  }

  addPlan(plan: MatchPlan): void {
    this.plans ??= [];
    this.plans.push(plan);
    if (plan.cancels.length === 0) return;
    this.cancels ??= new Map();
    const c = this.cancels;
    for (const o of plan.cancels) c.set(o.id, o);
  }

  rest(o: RestingOrder): void {
    this.rests ??= [];
    this.rests.push(o);
  }

  op(o: ProofOp): void {
    this.ops.push(o);
  }

  /**
   * Settles funding of account `id` (its working copy or a trial copy `a`) in market `m` and records
   * the settle op into `out` (the tx's ops by default). A settle that changes nothing (the snapshot is
   * already the index) is not recorded: the proof needs no op for it.
   */
  settle(id: number, a: AccountLeaf, m: number, out: ProofOp[] = this.ops): void {
    const mk = this.state.markets[m] as MarketState;
    const p = a.positions[m];
    if (!p || p.fundingSnapshot === mk.fundingIndex) return;
    settleFunding(a, m, mk.fundingIndex);
    out.push({ kind: "settle", accountId: id, marketId: m });
  }

  setMark(marketId: number, price: bigint, timestampMs: bigint): void {
    this.markUpdates ??= [];
    this.markUpdates.push({ marketId, price, timestampMs });
  }

  /** A funding payment moves the market's global index (SPEC); accounts settle against it lazily. */
  setFundingIndex(marketId: number, fundingIndex: bigint): void {
    this.fundingUpdates ??= [];
    this.fundingUpdates.push({ marketId, fundingIndex });
  }

  /**
   * Runs `fn` after the tx's state is written. Off-tree risk state (RiskState) changes only here, so a
   * rejected tx never leaves half of them behind. Hooks run in registration order and must not throw.
   */
  onCommit(fn: () => void): void {
    this.hooks ??= [];
    this.hooks.push(fn);
  }

  /** Engine time (ms): the latest sequencer receive time of a price tx. */
  get nowMs(): bigint {
    return this.state.risk.nowMs;
  }

  consumeDeposit(): void {
    this.depositConsumed = true;
  }

  /** The tx served the next priority request: the queue cursor moves on commit. */
  consumePriority(): void {
    this.priorityConsumed = true;
  }

  private overflow(field: string, details: Record<string, unknown>): never {
    throw engineError("RANGE_OVERFLOW", `${field} would leave its SPEC range`, { field, ...details });
  }

  /**
   * Checks every range the circuit will check, then writes. Throws before writing anything. Open
   * interest after the tx is the committed OI plus the change in long sizes of the working accounts; it
   * is only recomputed (and re-checked) for a market where some working account's size changed, since
   * committed OI is already in range.
   */
  commit(): void {
    const s = this.state;
    const markets = s.markets;
    let oi: bigint[] | undefined;
    // A changed leaf that was not touched is reported after every range check, as before.
    let untouchedChange: number | undefined;
    const ids = this.workIds;
    const accs = this.workAccs;
    for (let w = 0; w < ids.length; w++) {
      const id = ids[w] as number;
      const a = accs[w] as AccountLeaf;
      if (!inUnsigned(a.nonce, NONCE_LIMIT)) this.overflow("nonce", { accountId: id });
      if (!inUnsigned(a.collateral, COLLATERAL_LIMIT))
        this.overflow("collateral", { accountId: id, value: a.collateral });
      const ps = a.positions;
      for (let m = 0; m < ps.length; m++) {
        const p = ps[m] as Position;
        if (!(p.size > SIZE_MIN && p.size < SIZE_LIMIT))
          this.overflow("size", { accountId: id, marketId: m });
        if (!(p.entryNotional > ENTRY_NOTIONAL_MIN && p.entryNotional < ENTRY_NOTIONAL_LIMIT))
          this.overflow("entryNotional", { accountId: id, marketId: m });
        if (!(p.fundingSnapshot > FUNDING_MIN && p.fundingSnapshot < FUNDING_LIMIT))
          this.overflow("fundingSnapshot", { accountId: id, marketId: m });
      }
      const before = s.accounts[id];
      for (let m = 0; m < markets.length; m++) {
        const oldSize = before ? (before.positions[m]?.size ?? 0n) : 0n;
        const newSize = ps[m]?.size ?? 0n;
        if (oldSize === newSize) continue;
        oi ??= markets.map((mk) => mk.openInterest);
        oi[m] = (oi[m] as bigint) + longSize(newSize) - longSize(oldSize);
      }
      if (untouchedChange === undefined && !this.isTouched(id) && !sameLeaf(a, before)) untouchedChange = id;
    }
    if (oi) {
      for (let m = 0; m < oi.length; m++)
        if (!inUnsigned(oi[m] as bigint, OPEN_INTEREST_LIMIT)) this.overflow("openInterest", { marketId: m });
    }
    if (!inUnsigned(this.insuranceFund, POOL_LIMIT)) this.overflow("insuranceFund", {});
    if (!inUnsigned(this.feePool, POOL_LIMIT)) this.overflow("feePool", {});
    if (this.fundingUpdates) {
      for (const u of this.fundingUpdates) {
        if (!inSigned(u.fundingIndex, FUNDING_LIMIT)) this.overflow("fundingIndex", { marketId: u.marketId });
      }
    }
    // The batcher turns `touched` into account updates: a changed leaf missing from it would make an
    // unprovable batch, so a flow that forgot to touch is a bug caught here, before anything is written.
    if (untouchedChange !== undefined) {
      const id = untouchedChange;
      throw engineError("INTERNAL", `account ${id} changed without being touched`, { accountId: id });
    }

    // From here on nothing throws.
    for (let w = 0; w < ids.length; w++) {
      const id = ids[w] as number;
      const a = accs[w] as AccountLeaf;
      // Holder sets against the committed leaf (undefined for a created account): only a size that
      // became or stopped being zero changes membership, since the sets always match the committed
      // sizes (self-check.ts).
      const before = s.accounts[id];
      const ps = a.positions;
      for (let m = 0; m < ps.length; m++) {
        const now = (ps[m] as Position).size;
        if (before && (now === 0n) === ((before.positions[m]?.size ?? 0n) === 0n)) continue;
        if (now === 0n) s.holders[m]?.delete(id);
        else s.holders[m]?.add(id);
      }
      s.accounts[id] = a;
    }
    if (this.created) {
      for (const id of this.created) {
        const a = accs[this.slotOf(id)] as AccountLeaf;
        // A sub-account shares its parent's key; the key keeps naming the parent.
        const key = keyOf(a.pubKeyX, a.pubKeyY);
        if (!s.keyIndex.has(key)) s.keyIndex.set(key, id);
      }
    }
    if (oi) {
      for (let m = 0; m < oi.length; m++) (markets[m] as MarketState).openInterest = oi[m] as bigint;
    }
    s.insuranceFund = this.insuranceFund;
    s.feePool = this.feePool;
    if (this.markUpdates) {
      for (const u of this.markUpdates) {
        (markets[u.marketId] as MarketState).markPrice = u.price;
        s.lastPriceTimestamp[u.marketId] = u.timestampMs;
      }
    }
    if (this.fundingUpdates) {
      for (const u of this.fundingUpdates) (markets[u.marketId] as MarketState).fundingIndex = u.fundingIndex;
    }
    // Fills first: a plan never both fills and cancels one order, and cancels (which include every
    // plan's cancels) then remove whatever is left of theirs.
    if (this.plans)
      for (const plan of this.plans) for (const f of plan.fills) s.fillRestingOrder(f.order, f.size);
    if (this.cancels) for (const o of this.cancels.values()) s.removeRestingOrder(o);
    if (this.rests) for (const o of this.rests) s.addRestingOrder(o);
    if (this.depositConsumed) s.nextDepositIndex += 1n;
    if (this.priorityConsumed) s.nextPriorityIndex += 1n;
    if (this.hooks) for (const fn of this.hooks) fn();
  }
}
