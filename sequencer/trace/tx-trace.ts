import type { EngineTx } from "../engine/types.ts";
import type { LaneName } from "../mempool/lanes.ts";

/** What made an account liquidatable: the tx (usually a mark update) whose apply detected it. */
export interface LiquidationTrigger {
  /** Sequence number of the triggering tx; undefined for the periodic sweep. */
  seq?: bigint;
  kind: EngineTx["kind"] | "sweep";
  /** When the sequencer received the trigger (its clock, ms). */
  at: number;
  marketId?: number;
  price?: bigint;
}

/**
 * One applied transaction's own stages, on the sequencer's clock (ms). The batch's stages (sealed,
 * proof job started, proven, submitted, L1-verified) live on its BatchRecord and are joined on read.
 */
export interface TxTraceRow {
  seq: bigint;
  kind: EngineTx["kind"];
  lane: LaneName;
  accountId?: number;
  nonce?: bigint;
  marketId?: number;
  batch: bigint;
  received: number;
  applied: number;
  /** Set once the WAL group holding the tx is durable, which is when its caller is answered. */
  acked?: number;
  trigger?: LiquidationTrigger;
}

/**
 * The last `capacity` applied transactions, by sequence number. Observability only: it is never part
 * of the state and is not replayed, so a restarted sequencer traces from its restart on. Bounded so a
 * long load run costs a fixed amount of memory (≈ 200 B a row).
 */
export class TxTrace {
  /** In seq order (the sequencer applies in seq order); rows before `#head` are dropped. */
  #rows: TxTraceRow[] = [];
  #head = 0;

  constructor(readonly capacity = 500_000) {}

  add(row: TxTraceRow): void {
    this.#rows.push(row);
    if (this.#rows.length - this.#head > this.capacity) {
      this.#head++;
      // Compact now and then instead of shifting on every add.
      if (this.#head >= this.capacity) {
        this.#rows = this.#rows.slice(this.#head);
        this.#head = 0;
      }
    }
  }

  /** `seqs` ascending (one WAL group's txs, in apply order). */
  acked(seqs: readonly bigint[], at: number): void {
    if (seqs.length === 0) return;
    let i = this.#lowerBound(seqs[0]!);
    for (const s of seqs) {
      while (i < this.#rows.length && this.#rows[i]!.seq < s) i++;
      if (i < this.#rows.length && this.#rows[i]!.seq === s) this.#rows[i]!.acked = at;
    }
  }

  /** Rows with seq ≥ `fromSeq`, in seq order, at most `limit`. */
  since(fromSeq: bigint, limit: number): TxTraceRow[] {
    const lo = this.#lowerBound(fromSeq);
    return this.#rows.slice(lo, lo + limit);
  }

  /** Index of the first kept row with seq ≥ `seq`. */
  #lowerBound(seq: bigint): number {
    let lo = this.#head;
    let hi = this.#rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#rows[mid]!.seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get size(): number {
    return this.#rows.length - this.#head;
  }
}

/** The fields a trace row keeps of a tx: who, which nonce, which market. */
export function traceFieldsOf(tx: EngineTx): Pick<TxTraceRow, "accountId" | "nonce" | "marketId"> {
  const out: Pick<TxTraceRow, "accountId" | "nonce" | "marketId"> = {};
  if ("accountId" in tx && typeof tx.accountId === "number") out.accountId = tx.accountId;
  if ("nonce" in tx && typeof tx.nonce === "bigint") out.nonce = tx.nonce;
  if ("marketId" in tx && typeof tx.marketId === "number") out.marketId = tx.marketId;
  return out;
}
