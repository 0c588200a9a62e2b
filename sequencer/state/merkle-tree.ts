import { poseidon } from "../crypto/poseidon.ts";
import { StateError } from "./errors.ts";
import { emptyLeaf, leafHash } from "./leaf.ts";
import type { NodeStore } from "./node-store.ts";

export interface TreeUpdate {
  oldRoot: bigint;
  newRoot: bigint;
  /** The path's siblings, leaf level first (what the circuit takes for this update). */
  siblings: bigint[];
}

/**
 * The account tree of SPEC.md: depth D, Poseidon(l, r) nodes, empty subtrees hash to the zero chain
 * z_0 = leafHash(empty leaf), z_{k+1} = Poseidon(z_k, z_k). Only non-empty nodes are stored.
 */
export class SparseMerkleTree {
  private static readonly zeroCache = new Map<number, bigint[]>();
  readonly zeros: readonly bigint[];

  constructor(
    readonly depth: number,
    readonly M: number,
    private readonly store: NodeStore,
  ) {
    if (!Number.isInteger(depth) || depth < 1 || depth > 64) {
      throw new StateError("STATE_BAD_DEPTH", `tree depth ${depth} is not in 1..64`, { details: { depth } });
    }
    this.zeros = SparseMerkleTree.zeroHashes(depth, M);
  }

  /** z_0..z_depth for leaves with M markets (computed once per M, extended as needed). */
  static zeroHashes(depth: number, M: number): bigint[] {
    let zs = SparseMerkleTree.zeroCache.get(M);
    if (!zs) {
      zs = [leafHash(emptyLeaf(M))];
      SparseMerkleTree.zeroCache.set(M, zs);
    }
    while (zs.length <= depth) {
      const last = zs[zs.length - 1] as bigint;
      zs.push(poseidon([last, last]));
    }
    return zs.slice(0, depth + 1);
  }

  async root(): Promise<bigint> {
    return this.node(this.depth, 0n);
  }

  async getLeafHash(index: bigint | number): Promise<bigint> {
    return this.node(0, this.checkIndex(index));
  }

  async siblings(index: bigint | number): Promise<bigint[]> {
    let i = this.checkIndex(index);
    const out: bigint[] = [];
    for (let level = 0; level < this.depth; level++) {
      out.push(await this.node(level, i ^ 1n));
      i >>= 1n;
    }
    return out;
  }

  /** Writes a leaf hash and its path; returns the roots before and after and the path's siblings. */
  async update(index: bigint | number, newLeafHash: bigint): Promise<TreeUpdate> {
    const idx = this.checkIndex(index);
    const oldRoot = await this.root();
    const siblings = await this.siblings(idx);
    const entries = [{ level: 0, index: idx, value: newLeafHash }];
    let cur = newLeafHash;
    let i = idx;
    for (let level = 0; level < this.depth; level++) {
      const sib = siblings[level] as bigint;
      cur = (i & 1n) === 1n ? poseidon([sib, cur]) : poseidon([cur, sib]);
      i >>= 1n;
      entries.push({ level: level + 1, index: i, value: cur });
    }
    await this.store.putMany(entries);
    return { oldRoot, newRoot: cur, siblings };
  }

  private async node(level: number, index: bigint): Promise<bigint> {
    return (await this.store.get(level, index)) ?? (this.zeros[level] as bigint);
  }

  private checkIndex(index: bigint | number): bigint {
    const i = BigInt(index);
    if (i < 0n || i >= 1n << BigInt(this.depth)) {
      throw new StateError("STATE_BAD_INDEX", `account index ${i} is outside a depth-${this.depth} tree`, {
        details: { index: i.toString(), depth: this.depth },
      });
    }
    return i;
  }
}
