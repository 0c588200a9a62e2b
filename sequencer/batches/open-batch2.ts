import type { Batch2Instance } from "../../circuits/batch2-instance.ts";
import type { Engine } from "../engine/engine.ts";
import type { ApplyResult, EngineTx } from "../engine/types.ts";
import type { LaneName } from "../mempool/lanes.ts";
import type { ProofOp } from "../proof/ops.ts";
import { proofNeeds } from "./proof-needs.ts";

/**
 * The Batch2 batch being filled: the proof ops of the txs since the last seal and the tables they
 * take. A batch starts at its prices (one per market; marks and funding are constant inside it), and
 * holds whole txs only, and ends at its first priority request (the circuit serves those after every
 * other op, so nothing may follow one; the sequencer seals right after it). Its proven time is the engine's clock at its first tx: the engine's clock only
 * moves at prices, so every fill inside was checked against a time at or after it (expiry holds).
 */
export class OpenBatch2 {
  readonly ops: ProofOp[] = [];
  readonly accounts = new Set<number>();
  readonly messages = new Set<bigint>();
  readonly prices = new Set<number>();
  /** Each account's nonce after the batch's last tx (the engine's, for the leaves). */
  readonly nonces = new Map<number, bigint>();
  opSlots = 0;
  deposits = 0;
  withdrawals = 0;
  /** Priority requests served (L1's priorityCount for this batch). */
  priority = 0;
  hasLiquidation = false;
  txCount = 0;
  /** Prices, liquidations, priority requests: the liquidation lane's work, which normal capacity does not count. */
  liquidationLaneTxs = 0;
  firstSeq: bigint | undefined;
  lastSeq: bigint | undefined;
  timeMs: bigint | undefined;

  constructor(
    readonly batchNumber: bigint,
    readonly inst: Batch2Instance,
    /** Account slots only the liquidation lane may fill. */
    readonly reservedForLiquidations: number,
    readonly vaultId: number,
    readonly openedAt: number,
  ) {}

  get isEmpty(): boolean {
    return this.txCount === 0;
  }

  /** True when the batch cannot take another tx without overflowing some table. */
  get isFull(): boolean {
    const { N, S, T } = this.inst;
    return this.accounts.size >= N || this.messages.size >= S || this.opSlots >= T;
  }

  /** True once the batch served a priority request: it must seal before any other tx. */
  get endsAtPriority(): boolean {
    return this.priority > 0;
  }

  /** True when the batch holds only prices (a price-only batch still takes more prices and txs). */
  get onlyPrices(): boolean {
    return this.opSlots === 0 && this.accounts.size === 0;
  }

  /** A price may join only before any other op, and once per market. */
  acceptsPrice(marketId: number): boolean {
    return this.onlyPrices && !this.prices.has(marketId);
  }

  /** Whether `tx`, which the engine just applied with result `r`, still fits this batch. */
  fits(tx: EngineTx, r: ApplyResult, lane: LaneName): boolean {
    if (this.isEmpty) return true;
    if (this.endsAtPriority) return false;
    if (tx.kind === "price") return this.acceptsPrice(tx.marketId);
    const n = proofNeeds(r.ops, this.vaultId);
    const { N, S, T, ND, NW, NP } = this.inst;
    const maxAccounts = lane === "liquidation" ? N : N - this.reservedForLiquidations;
    const accounts = new Set([...this.accounts, ...n.accounts, ...r.touched]);
    let messages = this.messages.size;
    for (const m of n.messages) if (!this.messages.has(m)) messages++;
    return (
      accounts.size <= maxAccounts &&
      messages <= S &&
      this.opSlots + n.opSlots <= T &&
      this.deposits + n.deposits <= ND &&
      this.withdrawals + n.withdrawals <= NW &&
      this.priority + n.priority <= NP
    );
  }

  record(seq: bigint, tx: EngineTx, r: ApplyResult, engine: Engine): void {
    const n = proofNeeds(r.ops, this.vaultId);
    for (const a of n.accounts) this.accounts.add(a);
    for (const a of r.touched) this.accounts.add(a);
    for (const m of n.messages) this.messages.add(m);
    this.opSlots += n.opSlots;
    this.deposits += n.deposits;
    this.withdrawals += n.withdrawals;
    this.priority += n.priority;
    if (tx.kind === "price") this.prices.add(tx.marketId);
    if (tx.kind === "liquidation") this.hasLiquidation = true;
    if (tx.kind === "price" || tx.kind === "liquidation" || tx.kind === "forced") this.liquidationLaneTxs++;
    this.ops.push(...r.ops);
    // A priority request may name an account that does not exist yet: its empty leaf's nonce is 0.
    for (const id of this.accounts) this.nonces.set(id, engine.account(id)?.nonce ?? 0n);
    this.timeMs ??= engine.nowMs();
    this.firstSeq ??= seq;
    this.lastSeq = seq;
    this.txCount++;
  }
}
