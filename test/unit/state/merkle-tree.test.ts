import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { Level } from "level";
import { poseidon } from "../../../sequencer/crypto/poseidon.ts";
import { StateError } from "../../../sequencer/state/errors.ts";
import { emptyLeaf, leafHash } from "../../../sequencer/state/leaf.ts";
import { LevelNodeStore } from "../../../sequencer/state/level-node-store.ts";
import { SparseMerkleTree } from "../../../sequencer/state/merkle-tree.ts";
import { MemoryNodeStore } from "../../../sequencer/state/node-store.ts";

const M = 2;

/** Root by hashing every one of the 2^D leaves, level by level: the definition, nothing cached. */
function naiveRoot(depth: number, leaves: Map<number, bigint>): bigint {
  const empty = leafHash(emptyLeaf(M));
  let level = Array.from({ length: 2 ** depth }, (_, i) => leaves.get(i) ?? empty);
  while (level.length > 1) {
    const next: bigint[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(poseidon([level[i]!, level[i + 1]!]));
    level = next;
  }
  return level[0]!;
}

/** Recomputes a root from a leaf and its siblings with SPEC's bit rule. */
function rootFromPath(index: number, leaf: bigint, siblings: bigint[]): bigint {
  let cur = leaf;
  siblings.forEach((sib, k) => {
    cur = ((index >> k) & 1) === 1 ? poseidon([sib, cur]) : poseidon([cur, sib]);
  });
  return cur;
}

describe("SparseMerkleTree", () => {
  it("starts at the zero chain z_D = Poseidon(z_{D-1}, z_{D-1})", async () => {
    const tree = new SparseMerkleTree(4, M, new MemoryNodeStore());
    const z = SparseMerkleTree.zeroHashes(4, M);
    assert.equal(z[0], leafHash(emptyLeaf(M)));
    assert.equal(z[3], poseidon([z[2]!, z[2]!]));
    assert.equal(await tree.root(), z[4]);
    assert.equal(await tree.root(), naiveRoot(4, new Map()));
  });

  it("matches a naive full recomputation after every one of a sequence of updates", async () => {
    const depth = 4;
    const tree = new SparseMerkleTree(depth, M, new MemoryNodeStore());
    const leaves = new Map<number, bigint>();
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let step = 0; step < 20; step++) {
      const index = rnd() % 2 ** depth;
      const value = BigInt(rnd()) * 7919n;
      const before = await tree.root();
      const r = await tree.update(index, value);
      leaves.set(index, value);
      assert.equal(r.oldRoot, before);
      assert.equal(r.newRoot, naiveRoot(depth, leaves));
      assert.equal(await tree.root(), r.newRoot);
      assert.equal(await tree.getLeafHash(index), value);
      // The returned siblings prove both the old and the new leaf.
      assert.equal(rootFromPath(index, value, r.siblings), r.newRoot);
    }
  });

  it("returns siblings that prove every leaf, set or empty, under the current root", async () => {
    const depth = 3;
    const tree = new SparseMerkleTree(depth, M, new MemoryNodeStore());
    await tree.update(5, 111n);
    await tree.update(2, 222n);
    const root = await tree.root();
    for (let i = 0; i < 2 ** depth; i++) {
      assert.equal(rootFromPath(i, await tree.getLeafHash(i), await tree.siblings(i)), root);
    }
  });

  it("rejects an index outside the tree", async () => {
    const tree = new SparseMerkleTree(3, M, new MemoryNodeStore());
    await assert.rejects(
      tree.update(8, 1n),
      (e: unknown) => e instanceof StateError && e.code === "STATE_BAD_INDEX",
    );
    await assert.rejects(tree.siblings(-1), StateError);
  });

  it("persists nodes in LevelDB: a reopened store gives the same root and leaves", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "smt-"));
    try {
      let db = new Level<string, string>(dir);
      let tree = new SparseMerkleTree(8, M, new LevelNodeStore(db));
      await tree.update(3, 33n);
      await tree.update(200, 44n);
      const root = await tree.root();
      await db.close();

      db = new Level<string, string>(dir);
      tree = new SparseMerkleTree(8, M, new LevelNodeStore(db, 4));
      assert.equal(await tree.root(), root);
      assert.equal(await tree.getLeafHash(200), 44n);
      assert.equal(
        root,
        naiveRoot(
          8,
          new Map([
            [3, 33n],
            [200, 44n],
          ]),
        ),
      );
      // Past the tiny cache limit the store still reads through to LevelDB.
      await tree.update(7, 77n);
      assert.equal(
        await tree.root(),
        naiveRoot(
          8,
          new Map([
            [3, 33n],
            [200, 44n],
            [7, 77n],
          ]),
        ),
      );
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
