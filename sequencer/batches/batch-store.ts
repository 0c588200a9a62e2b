import type { AbstractSublevel } from "abstract-level";
import type { Level } from "level";

type Sub = AbstractSublevel<Level<string, Buffer>, string | Buffer | Uint8Array, string, Buffer>;

import { decode, encode } from "../codec.ts";
import type { BatchRecord } from "./batch-record.ts";

const key = (n: bigint) => n.toString().padStart(20, "0");

/** Batch records in LevelDB, with a write-through cache: the API and submitter read them often. */
export class BatchStore {
  readonly #db: Sub;
  readonly #cache = new Map<bigint, BatchRecord>();

  constructor(db: Level<string, Buffer>) {
    this.#db = db.sublevel<string, Buffer>("batches", { valueEncoding: "buffer" });
  }

  async get(n: bigint): Promise<BatchRecord | undefined> {
    const hit = this.#cache.get(n);
    if (hit) return hit;
    const raw = await this.#db.get(key(n));
    if (raw === undefined) return undefined;
    const rec = decode<BatchRecord>(raw);
    this.#cache.set(n, rec);
    return rec;
  }

  async put(rec: BatchRecord): Promise<void> {
    await this.#db.put(key(rec.batchNumber), encode(rec));
    this.#cache.set(rec.batchNumber, rec);
  }

  async update(n: bigint, patch: (rec: BatchRecord) => BatchRecord): Promise<BatchRecord | undefined> {
    const rec = await this.get(n);
    if (!rec) return undefined;
    const next = patch(rec);
    await this.put(next);
    return next;
  }

  async last(): Promise<BatchRecord | undefined> {
    for await (const raw of this.#db.values({ reverse: true, limit: 1 })) return decode<BatchRecord>(raw);
    return undefined;
  }
}
