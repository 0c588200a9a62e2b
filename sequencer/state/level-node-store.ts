import type { AbstractSublevel } from "abstract-level";
import type { Level } from "level";
import type { NodeStore } from "./node-store.ts";

type Sublevel = AbstractSublevel<Level<string, string>, string | Buffer | Uint8Array, string, string>;

/**
 * NodeStore on a LevelDB sublevel "tree" (keys `level:indexHex`, values decimal strings), with a
 * write-through Map in front. The Map is cleared when it grows past `cacheLimit` entries: simple,
 * and a Merkle update only touches D+1 nodes, so a cold read costs at most D+1 LevelDB gets.
 */
export class LevelNodeStore implements NodeStore {
  private readonly tree: Sublevel;
  private readonly cache = new Map<string, bigint>();

  constructor(
    db: Level<string, string>,
    private readonly cacheLimit = 200_000,
  ) {
    this.tree = db.sublevel<string, string>("tree", { valueEncoding: "utf8" });
  }

  async get(level: number, index: bigint): Promise<bigint | undefined> {
    const key = nodeKey(level, index);
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const raw = await this.tree.get(key);
    if (raw === undefined) return undefined;
    const value = BigInt(raw);
    this.remember(key, value);
    return value;
  }

  async putMany(entries: { level: number; index: bigint; value: bigint }[]): Promise<void> {
    await this.tree.batch(
      entries.map((e) => ({
        type: "put" as const,
        key: nodeKey(e.level, e.index),
        value: e.value.toString(),
      })),
    );
    for (const e of entries) this.remember(nodeKey(e.level, e.index), e.value);
  }

  private remember(key: string, value: bigint): void {
    if (this.cache.size >= this.cacheLimit) this.cache.clear();
    this.cache.set(key, value);
  }
}

function nodeKey(level: number, index: bigint): string {
  return `${level}:${index.toString(16)}`;
}
