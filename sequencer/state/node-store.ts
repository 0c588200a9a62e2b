/** Where the Merkle tree keeps its non-empty nodes; level 0 holds leaf hashes, level D the root. */
export interface NodeStore {
  get(level: number, index: bigint): Promise<bigint | undefined>;
  putMany(entries: { level: number; index: bigint; value: bigint }[]): Promise<void>;
}

export class MemoryNodeStore implements NodeStore {
  private readonly nodes = new Map<string, bigint>();

  async get(level: number, index: bigint): Promise<bigint | undefined> {
    return this.nodes.get(`${level}:${index}`);
  }

  async putMany(entries: { level: number; index: bigint; value: bigint }[]): Promise<void> {
    for (const e of entries) this.nodes.set(`${e.level}:${e.index}`, e.value);
  }
}
