import type { AbstractSublevel } from "abstract-level";
import type { Level } from "level";
import { decode, encode } from "../codec.ts";
import type { Snapshot } from "./snapshot.ts";

type Sub = AbstractSublevel<Level<string, Buffer>, string | Buffer | Uint8Array, string, Buffer>;

const key = (n: bigint) => n.toString().padStart(20, "0");

/**
 * Snapshots in the sequencer's LevelDB, by batch number. It keeps the newest `keep`: the WAL is
 * compacted only below the oldest kept one (see Snapshotter), so an unreadable newest snapshot
 * still leaves an older one plus its tail.
 */
export class SnapshotStore {
  readonly #db: Sub;
  readonly #keep: number;

  constructor(db: Level<string, Buffer>, keep = 2) {
    this.#db = db.sublevel<string, Buffer>("snapshots", { valueEncoding: "buffer" });
    this.#keep = Math.max(1, keep);
  }

  /**
   * Stores `s` and drops all but the newest `keep`, in one LevelDB batch. Returns the lowest `nextSeq`
   * of the kept ones: the WAL must hold every entry from there.
   */
  async put(s: Snapshot): Promise<bigint> {
    const older = await this.#keys();
    const kept = older.filter((k) => k !== key(s.batchNumber)).slice(0, this.#keep - 1);
    const drop = older.filter((k) => k !== key(s.batchNumber) && !kept.includes(k));
    await this.#db.batch([
      { type: "put", key: key(s.batchNumber), value: encode(s) },
      ...drop.map((k) => ({ type: "del" as const, key: k })),
    ]);
    const oldest = kept.at(-1);
    if (oldest === undefined) return s.nextSeq;
    const o = decode<Snapshot>((await this.#db.get(oldest))!);
    return o.nextSeq < s.nextSeq ? o.nextSeq : s.nextSeq;
  }

  /** Every stored snapshot, newest first. */
  async all(): Promise<Snapshot[]> {
    const out: Snapshot[] = [];
    for await (const raw of this.#db.values({ reverse: true })) out.push(decode<Snapshot>(raw));
    return out;
  }

  async latest(): Promise<Snapshot | undefined> {
    for await (const raw of this.#db.values({ reverse: true, limit: 1 })) return decode<Snapshot>(raw);
    return undefined;
  }

  async #keys(): Promise<string[]> {
    const out: string[] = [];
    for await (const k of this.#db.keys({ reverse: true })) out.push(k);
    return out;
  }
}
