import type { AbstractSublevel } from "abstract-level";
import type { Level } from "level";

type Sub = AbstractSublevel<Level<string, Buffer>, string | Buffer | Uint8Array, string, Buffer>;

import { decode, encode } from "./codec.ts";
import type { Signature } from "./crypto/eddsa.ts";
import type { EngineTx } from "./engine/types.ts";

/**
 * The write-ahead log is the source of truth: the engine state, the batch boundaries and the Merkle
 * proof's state are all derived by replaying it. Batch seals are logged too, so replay cuts the same
 * batches without deciding again (a seal's timer depends on the clock).
 */
export type WalEntry =
  | { kind: "genesis"; seq: bigint; fingerprint: string }
  | {
      kind: "tx";
      seq: bigint;
      lane: "liquidation" | "normal";
      tx: EngineTx;
      receivedAt: number;
      /** The signature the proof checks (docs/PROOF.md): a batch sealed later may need it. */
      signature?: Signature;
      /** The open batch was sealed just before this tx (it did not fit). */
      sealBefore?: SealBefore;
    }
  | {
      kind: "seal";
      seq: bigint;
      batchNumber: bigint;
      reason: SealReason;
      at: number;
      /** The leadership epoch of the sequencer that sealed it (0 without a replicated log). */
      epoch?: number;
    };

/** `priority`: the batch served a priority request, which must be its last tx (OpenBatch2). */
export type SealReason = "full" | "capacity" | "price" | "timer" | "priority";

export interface SealBefore {
  batchNumber: bigint;
  reason: SealReason;
  at: number;
  epoch?: number;
}

const KEY_WIDTH = 20;
const key = (seq: bigint) => seq.toString().padStart(KEY_WIDTH, "0");

export class WriteAheadLog {
  readonly #db: Sub;

  constructor(db: Level<string, Buffer>) {
    this.#db = db.sublevel<string, Buffer>("wal", { valueEncoding: "buffer" });
  }

  /** Appends atomically: one LevelDB batch, so a crash leaves all or none of a group commit. */
  async append(entries: readonly WalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.#db.batch(entries.map((e) => ({ type: "put" as const, key: key(e.seq), value: encode(e) })));
  }

  /** Entries from `from` on (a snapshot covers the ones below), in seq order. */
  async *replay(from = 0n): AsyncGenerator<WalEntry> {
    for await (const value of this.#db.values({ gte: key(from) })) yield decode<WalEntry>(value);
  }

  /** Deletes every entry below `below`: a stored snapshot covers them (sequencer/snapshot/). */
  async compact(below: bigint): Promise<void> {
    await this.#db.clear({ lt: key(below) });
  }

  async count(): Promise<number> {
    let n = 0;
    for await (const _ of this.#db.keys()) n++;
    return n;
  }
}
