/**
 * Per-public-key precomputation for the verifier. Accounts sign many requests with one key, so after a
 * key has been seen twice we keep a fixed-base table of 8·A; later verifies then skip all ~250 doublings.
 * A key seen once costs no table (a one-off signer should not pay the ~15x table build). The map is an
 * LRU bounded by entry count, so memory stays bounded whatever clients send.
 */
import {
  type AffinePoint,
  type ExtPoint,
  type FixedBaseTable,
  buildFixedBaseTable,
  clearCofactor,
  fromAffine,
  mulFixed,
  mulVariable,
  toAffine,
} from "./babyjub.ts";

const TABLE_WINDOW_BITS = 4;
/** Scalars are reduced mod the subgroup order (< 2^251) before use. */
const SCALAR_BITS = 252;

interface Entry {
  a8: ExtPoint;
  hits: number;
  table?: FixedBaseTable;
}

export interface PubKeyCacheStats {
  size: number;
  tables: number;
}

export class PubKeyCache {
  private readonly entries = new Map<string, Entry>();

  /** `maxEntries` bounds memory: a table is ~1k points, about 150 kB. */
  constructor(
    readonly maxEntries = 512,
    readonly buildAfterHits = 2,
  ) {}

  /** k·(8·A) for a point A on the curve, with k already reduced mod the subgroup order. */
  mulCofactorCleared(pub: AffinePoint, k: bigint): ExtPoint {
    const id = `${pub[0]}:${pub[1]}`;
    let e = this.entries.get(id);
    if (e) {
      this.entries.delete(id); // re-insert to mark as most recently used
    } else {
      e = { a8: clearCofactor(fromAffine(pub)), hits: 0 };
      if (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
    }
    this.entries.set(id, e);
    e.hits++;
    if (!e.table && e.hits >= this.buildAfterHits) {
      e.table = buildFixedBaseTable(toAffine(e.a8), TABLE_WINDOW_BITS, SCALAR_BITS);
    }
    return e.table ? mulFixed(e.table, k) : mulVariable(e.a8, k);
  }

  stats(): PubKeyCacheStats {
    let tables = 0;
    for (const e of this.entries.values()) if (e.table) tables++;
    return { size: this.entries.size, tables };
  }

  clear(): void {
    this.entries.clear();
  }
}
