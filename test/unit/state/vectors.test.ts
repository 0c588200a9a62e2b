import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { globalFields, globalRoot, stateRoot } from "../../../sequencer/state/global-state.ts";
import { type AccountLeaf, leafFields, leafHash } from "../../../sequencer/state/leaf.ts";
import { SparseMerkleTree } from "../../../sequencer/state/merkle-tree.ts";
import { MemoryNodeStore } from "../../../sequencer/state/node-store.ts";

interface Vectors {
  instance: { D: number; M: number };
  zeroHashes: string[];
  leaves: { index: number; leaf: Record<string, any>; fields: string[]; leafHash: string }[];
  global: { markets: Record<string, string>[]; insuranceFund: string; feePool: string };
  globalFields: string[];
  globalRoot: string;
  accountsRoot: string;
  stateRoot: string;
}

const v = JSON.parse(
  readFileSync(new URL("../../vectors/state-roots.json", import.meta.url), "utf8"),
) as Vectors;
const big = (x: string) => BigInt(x);
const toLeaf = (l: Record<string, any>): AccountLeaf => ({
  pubKeyX: big(l.pubKeyX),
  pubKeyY: big(l.pubKeyY),
  nonce: big(l.nonce),
  collateral: big(l.collateral),
  positions: (l.positions as Record<string, string>[]).map((p) => ({
    size: big(p.size!),
    entryNotional: big(p.entryNotional!),
    fundingSnapshot: big(p.fundingSnapshot!),
  })),
});

describe("shared state vectors (test/vectors/state-roots.json)", () => {
  it("matches leaf fields and leaf hashes", () => {
    for (const e of v.leaves) {
      assert.deepEqual(leafFields(toLeaf(e.leaf), v.instance.M).map(String), e.fields);
      assert.equal(leafHash(toLeaf(e.leaf)).toString(), e.leafHash);
    }
  });

  it("matches the zero hashes, accounts root, global root and state root", async () => {
    const { D, M } = v.instance;
    assert.deepEqual(SparseMerkleTree.zeroHashes(D, M).map(String), v.zeroHashes);
    const tree = new SparseMerkleTree(D, M, new MemoryNodeStore());
    for (const e of v.leaves) await tree.update(e.index, leafHash(toLeaf(e.leaf)));
    assert.equal((await tree.root()).toString(), v.accountsRoot);
    const g = {
      markets: v.global.markets.map((m) => ({
        markPrice: big(m.markPrice!),
        fundingIndex: big(m.fundingIndex!),
        openInterest: big(m.openInterest!),
      })),
      insuranceFund: big(v.global.insuranceFund),
      feePool: big(v.global.feePool),
    };
    assert.deepEqual(globalFields(g).map(String), v.globalFields);
    assert.equal(globalRoot(g).toString(), v.globalRoot);
    assert.equal(stateRoot(await tree.root(), globalRoot(g)).toString(), v.stateRoot);
  });
});
