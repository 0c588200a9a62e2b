import { poseidon } from "../crypto/poseidon.ts";

/**
 * A sparse Poseidon Merkle tree in memory (SPEC.md "Account tree" shape: bit k of the index says the
 * node at level k is a right child). The witness builder uses it for the v2 account tree and for each
 * account's order-fill tree, which are small enough to rebuild from the proof state.
 */
export class MemorySmt {
  private readonly nodes = new Map<string, bigint>();
  /** zeros[k]: the root of an empty subtree of height k. */
  readonly zeros: bigint[];

  constructor(
    readonly depth: number,
    emptyLeaf: bigint,
  ) {
    this.zeros = [emptyLeaf];
    for (let k = 0; k < depth; k++) this.zeros.push(poseidon([this.zeros[k]!, this.zeros[k]!]));
  }

  private node(level: number, i: bigint): bigint {
    return this.nodes.get(`${level}:${i}`) ?? (this.zeros[level] as bigint);
  }

  get root(): bigint {
    return this.node(this.depth, 0n);
  }

  leaf(index: bigint): bigint {
    return this.node(0, index);
  }

  /** The siblings of `index`, bottom up. */
  path(index: bigint): bigint[] {
    const out: bigint[] = [];
    let i = index;
    for (let k = 0; k < this.depth; k++) {
      out.push(this.node(k, i ^ 1n));
      i >>= 1n;
    }
    return out;
  }

  set(index: bigint, value: bigint): void {
    if (index < 0n || index >= 1n << BigInt(this.depth))
      throw new RangeError(`index ${index} outside the tree`);
    let i = index;
    let cur = value;
    this.nodes.set(`0:${i}`, cur);
    for (let k = 0; k < this.depth; k++) {
      const sib = this.node(k, i ^ 1n);
      cur = (i & 1n) === 1n ? poseidon([sib, cur]) : poseidon([cur, sib]);
      i >>= 1n;
      this.nodes.set(`${k + 1}:${i}`, cur);
    }
  }
}
