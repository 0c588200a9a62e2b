import type { AbstractSublevel } from "abstract-level";
import type { Level } from "level";

type Sub = AbstractSublevel<Level<string, Buffer>, string | Buffer | Uint8Array, string, Buffer>;

import { decode, encode } from "./codec.ts";
import type { EngineTx } from "./engine/types.ts";

/**
 * The write-ahead log is the source of truth: the engine state, the batch boundaries and the Merkle
 * tree are all derived by replaying it. Batch seals are logged too, because the engine caps fills by
 * the open batch's capacity: replay must see the same boundaries to make the same calls.
 */
export type WalEntry =
  | { kind: "genesis"; seq: bigint; fingerprint: string }
  | { kind: "tx"; seq: bigint; lane: "liquidation" | "normal"; tx: EngineTx; receivedAt: number }
  | { kind: "seal"; seq: bigint; batchNumber: bigint; reason: SealReason; at: number };

export type SealReason = "full" | "capacity" | "slots" | "timer";

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

  async *replay(): AsyncGenerator<WalEntry> {
    for await (const value of this.#db.values()) yield decode<WalEntry>(value);
  }

  async count(): Promise<number> {
    let n = 0;
    for await (const _ of this.#db.keys()) n++;
    return n;
  }
}
