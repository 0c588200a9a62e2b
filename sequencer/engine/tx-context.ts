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
import { type AccountLeaf, type ApplyLimits, cloneAccount, type MarketState } from "./types.ts";

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
  private readonly work = new Map<number, AccountLeaf>();
  private readonly created: number[] = [];
  /** Accounts whose leaf this tx changes. */
  readonly touched = new Set<number>();
  private batchExtra = 0; // touched ids not already in limits.touchedInBatch
  insuranceFund: bigint;
  feePool: bigint;
  private readonly plans: { plan: MatchPlan }[] = [];
  private readonly cancels = new Map<bigint, RestingOrder>();
  private readonly rests: RestingOrder[] = [];
  private readonly markUpdates: { marketId: number; price: bigint; timestampMs: bigint }[] = [];
  private readonly fundingUpdates: { marketId: number; fundingIndex: bigint }[] = [];
  private depositConsumed = false;
  private readonly hooks: (() => void)[] = [];
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
    return this.state.accounts.length + this.created.length;
  }

  exists(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < this.accountCount();
  }

  /** The tx's working copy of an account (copied from committed state on first use). */
  acc(id: number): AccountLeaf {
    let a = this.work.get(id);
    if (a) return a;
    const committed = this.state.accounts[id];
    if (!committed || !Number.isInteger(id))
      throw engineError("UNKNOWN_ACCOUNT", `unknown account ${id}`, { accountId: id });
    a = cloneAccount(committed);
    this.work.set(id, a);
    return a;
  }

  /** Replaces the working copy, e.g. after a trial settlement on a clone was accepted. */
  put(id: number, a: AccountLeaf): void {
    this.work.set(id, a);
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
    this.created.push(id);
    this.work.set(id, this.state.newAccount(pubKeyX, pubKeyY));
    return id;
  }

  /** Would touching `ids` (on top of what this tx and the batch already touch) still fit the batch? */
  fits(...ids: number[]): boolean {
    if (!this.limits) return true;
    if (ids.length === 1) {
      const id = ids[0] as number;
      const known = this.touched.has(id) || this.limits.touchedInBatch.has(id);
      return this.limits.touchedInBatch.size + this.batchExtra + (known ? 0 : 1) <= this.limits.maxTouched;
    }
    let extra = 0;
    const seen = new Set<number>();
    for (const id of ids) {
      if (seen.has(id) || this.touched.has(id) || this.limits.touchedInBatch.has(id)) continue;
      seen.add(id);
      extra++;
    }
    return this.limits.touchedInBatch.size + this.batchExtra + extra <= this.limits.maxTouched;
  }

  /** Marks an account as changed by this tx; throws BATCH_CAPACITY if the batch cannot take it. */
  touch(id: number): void {
    if (this.touched.has(id)) return;
    if (!this.fits(id)) {
      throw engineError("BATCH_CAPACITY", "batch has no room for another account update", {
        accountId: id,
        maxTouched: this.limits?.maxTouched,
      });
    }
    this.touched.add(id);
    if (this.limits && !this.limits.touchedInBatch.has(id)) this.batchExtra++;
  }

  /** Orders of `accountId` this tx is cancelling (usually none). */
  *cancelsOf(accountId: number): IterableIterator<RestingOrder> {
    for (const o of this.cancels.values()) if (o.accountId === accountId) yield o;
  }

  isCancelled(orderId: bigint): boolean {
    return this.cancels.has(orderId);
  }

  cancelOrder(o: RestingOrder): void {
    this.cancels.set(o.id, o);
  }

  addPlan(plan: MatchPlan): void {
    this.plans.push({ plan });
    for (const o of plan.cancels) this.cancels.set(o.id, o);
  }

  rest(o: RestingOrder): void {
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
    this.markUpdates.push({ marketId, price, timestampMs });
  }

  /** A funding payment moves the market's global index (SPEC); accounts settle against it lazily. */
  setFundingIndex(marketId: number, fundingIndex: bigint): void {
    this.fundingUpdates.push({ marketId, fundingIndex });
  }

  /**
   * Runs `fn` after the tx's state is written. Off-tree risk state (RiskState) changes only here, so a
   * rejected tx never leaves half of them behind. Hooks run in registration order and must not throw.
   */
  onCommit(fn: () => void): void {
    this.hooks.push(fn);
  }

  /** Engine time (ms): the latest sequencer receive time of a price tx. */
  get nowMs(): bigint {
    return this.state.risk.nowMs;
  }

  consumeDeposit(): void {
    this.depositConsumed = true;
  }

  /** Open interest after this tx: committed OI plus the change in long sizes of the working accounts. */
  private openInterestAfter(): bigint[] {
    const oi = this.state.markets.map((m) => m.openInterest);
    for (const [id, a] of this.work) {
      const before = this.state.accounts[id];
      for (let m = 0; m < oi.length; m++) {
        const oldSize = before ? (before.positions[m]?.size ?? 0n) : 0n;
        const newSize = a.positions[m]?.size ?? 0n;
        oi[m] = (oi[m] as bigint) + longSize(newSize) - longSize(oldSize);
      }
    }
    return oi;
  }

  private overflow(field: string, details: Record<string, unknown>): never {
    throw engineError("RANGE_OVERFLOW", `${field} would leave its SPEC range`, { field, ...details });
  }

  /** Checks every range the circuit will check, then writes. Throws before writing anything. */
  commit(): void {
    for (const [id, a] of this.work) {
      if (!inUnsigned(a.nonce, NONCE_LIMIT)) this.overflow("nonce", { accountId: id });
      if (!inUnsigned(a.collateral, COLLATERAL_LIMIT))
        this.overflow("collateral", { accountId: id, value: a.collateral });
      a.positions.forEach((p, m) => {
        if (!inSigned(p.size, SIZE_LIMIT)) this.overflow("size", { accountId: id, marketId: m });
        if (!inSigned(p.entryNotional, ENTRY_NOTIONAL_LIMIT))
          this.overflow("entryNotional", { accountId: id, marketId: m });
        if (!inSigned(p.fundingSnapshot, FUNDING_LIMIT))
          this.overflow("fundingSnapshot", { accountId: id, marketId: m });
      });
    }
    const oi = this.openInterestAfter();
    oi.forEach((v, m) => {
      if (!inUnsigned(v, OPEN_INTEREST_LIMIT)) this.overflow("openInterest", { marketId: m });
    });
    if (!inUnsigned(this.insuranceFund, POOL_LIMIT)) this.overflow("insuranceFund", {});
    if (!inUnsigned(this.feePool, POOL_LIMIT)) this.overflow("feePool", {});
    for (const u of this.fundingUpdates) {
      if (!inSigned(u.fundingIndex, FUNDING_LIMIT)) this.overflow("fundingIndex", { marketId: u.marketId });
    }
    // The batcher turns `touched` into account updates: a changed leaf missing from it would make an
    // unprovable batch, so a flow that forgot to touch is a bug caught here, before anything is written.
    for (const [id, a] of this.work) {
      if (!this.touched.has(id) && !sameLeaf(a, this.state.accounts[id])) {
        throw engineError("INTERNAL", `account ${id} changed without being touched`, { accountId: id });
      }
    }

    // From here on nothing throws.
    const s = this.state;
    for (const id of this.created) {
      const a = this.work.get(id) as AccountLeaf;
      s.accounts[id] = a;
      // A sub-account shares its parent's key; the key keeps naming the parent.
      const key = keyOf(a.pubKeyX, a.pubKeyY);
      if (!s.keyIndex.has(key)) s.keyIndex.set(key, id);
    }
    for (const [id, a] of this.work) {
      s.accounts[id] = a;
      a.positions.forEach((p, m) => {
        if (p.size === 0n) s.holders[m]?.delete(id);
        else s.holders[m]?.add(id);
      });
    }
    oi.forEach((v, m) => {
      (s.markets[m] as MarketState).openInterest = v;
    });
    s.insuranceFund = this.insuranceFund;
    s.feePool = this.feePool;
    for (const u of this.markUpdates) {
      (s.markets[u.marketId] as MarketState).markPrice = u.price;
      s.lastPriceTimestamp[u.marketId] = u.timestampMs;
    }
    for (const u of this.fundingUpdates) (s.markets[u.marketId] as MarketState).fundingIndex = u.fundingIndex;
    // Fills first: a plan never both fills and cancels one order, and cancels (which include every
    // plan's cancels) then remove whatever is left of theirs.
    for (const { plan } of this.plans) for (const f of plan.fills) s.fillRestingOrder(f.order, f.size);
    for (const o of this.cancels.values()) s.removeRestingOrder(o);
    for (const o of this.rests) s.addRestingOrder(o);
    if (this.depositConsumed) s.nextDepositIndex += 1n;
    for (const fn of this.hooks) fn();
  }
}
