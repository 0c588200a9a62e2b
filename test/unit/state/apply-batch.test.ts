import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadInstance } from "../../../circuits/compile.ts";
import { poseidon } from "../../../sequencer/crypto/poseidon.ts";
import {
  applyBatch,
  batchPublicHash,
  depositChain,
  withdrawalChain,
} from "../../../sequencer/state/apply-batch.ts";
import { dataHash, decodeBatchData, encodeBatchData } from "../../../sequencer/state/batch-data.ts";
import { BatchTooLargeError, OutOfRangeError, StaleLeafError } from "../../../sequencer/state/errors.ts";
import { P } from "../../../sequencer/state/field.ts";
import { emptyGlobal, globalRoot, stateRoot } from "../../../sequencer/state/global-state.ts";
import { type AccountLeaf, emptyLeaf, leafFields, leafHash } from "../../../sequencer/state/leaf.ts";
import { SparseMerkleTree } from "../../../sequencer/state/merkle-tree.ts";
import { MemoryNodeStore } from "../../../sequencer/state/node-store.ts";

const inst = loadInstance("v1tiny");
const { D, M } = inst;
const g = emptyGlobal(M);

function account(key: bigint, collateral: bigint): AccountLeaf {
  return { ...emptyLeaf(M), pubKeyX: key, pubKeyY: key + 1n, collateral };
}

function base(diffs: { index: number; oldLeaf: AccountLeaf; newLeaf: AccountLeaf }[]) {
  return {
    batchNumber: 1n,
    oldGlobal: g,
    newGlobal: g,
    diffs,
    deposits: [],
    depositHashOld: 0n,
    withdrawals: [],
  };
}

describe("applyBatch", () => {
  it("applies the diffs in order, pads with no-ops on the last diff and returns consistent hashes", async () => {
    const tree = new SparseMerkleTree(D, M, new MemoryNodeStore());
    const oldRoot = await tree.root();
    const a = account(5n, 100n);
    const deposits = [{ pubKeyX: 5n, pubKeyY: 6n, amount: 100n }];
    const r = await applyBatch(tree, inst, {
      ...base([{ index: 1, oldLeaf: emptyLeaf(M), newLeaf: a }]),
      deposits,
    });

    assert.equal(r.oldStateRoot, stateRoot(oldRoot, globalRoot(g)));
    assert.equal(r.newStateRoot, stateRoot(await tree.root(), globalRoot(g)));
    assert.equal(await tree.getLeafHash(1), leafHash(a));
    assert.equal(r.depositHashNew, poseidon([0n, 5n, 6n, 100n]));
    assert.equal(r.withdrawalHash, 0n);
    assert.equal(r.dataHash, dataHash(r.batchData));
    assert.equal(
      r.publicHash,
      poseidon([r.oldStateRoot, r.newStateRoot, 1n, poseidon([0n, r.depositHashNew, 0n]), r.dataHash]),
    );

    const input = r.input as Record<string, any>;
    assert.deepEqual(input.index, ["1", "1"]);
    assert.deepEqual(input.oldLeaf[1], input.newLeaf[1], "padding slot is a no-op");
    assert.deepEqual(input.newLeaf[1], leafFields(a, M).map(String));
    assert.deepEqual(
      input.siblings[1],
      (await tree.siblings(1)).map(String),
      "padding path is in the final tree",
    );
    assert.deepEqual(input.depositEnabled, ["1"]);
    assert.deepEqual(input.withdrawalEnabled, ["0"]);
    assert.equal(input.publicHash, r.publicHash.toString());
  });

  it("pads a batch without diffs on the last (empty) index", async () => {
    const tree = new SparseMerkleTree(D, M, new MemoryNodeStore());
    const r = await applyBatch(tree, inst, base([]));
    const input = r.input as Record<string, any>;
    assert.deepEqual(input.index, [String(2 ** D - 1), String(2 ** D - 1)]);
    assert.equal(r.oldStateRoot, r.newStateRoot);
  });

  it("rejects an old leaf that does not match the tree and leaves the tree untouched", async () => {
    const tree = new SparseMerkleTree(D, M, new MemoryNodeStore());
    const before = await tree.root();
    const diffs = [
      { index: 1, oldLeaf: emptyLeaf(M), newLeaf: account(5n, 1n) },
      { index: 2, oldLeaf: account(9n, 1n), newLeaf: account(9n, 2n) },
    ];
    await assert.rejects(
      applyBatch(tree, inst, base(diffs)),
      (e: unknown) => e instanceof StaleLeafError && e.code === "STATE_STALE_LEAF",
    );
    assert.equal(await tree.root(), before);
  });

  it("checks a second diff of the same account against the first diff's new leaf", async () => {
    const tree = new SparseMerkleTree(D, M, new MemoryNodeStore());
    const a1 = account(5n, 1n);
    const a2 = account(5n, 2n);
    await applyBatch(
      tree,
      inst,
      base([
        { index: 1, oldLeaf: emptyLeaf(M), newLeaf: a1 },
        { index: 1, oldLeaf: a1, newLeaf: a2 },
      ]),
    );
    assert.equal(await tree.getLeafHash(1), leafHash(a2));
    const stale = [
      { index: 3, oldLeaf: emptyLeaf(M), newLeaf: a1 },
      { index: 3, oldLeaf: emptyLeaf(M), newLeaf: a2 },
    ];
    await assert.rejects(applyBatch(tree, inst, base(stale)), StaleLeafError);
  });

  it("rejects more diffs, deposits or withdrawals than the instance has slots", async () => {
    const tree = new SparseMerkleTree(D, M, new MemoryNodeStore());
    const diffs = [0, 1, 2].map((i) => ({
      index: i,
      oldLeaf: emptyLeaf(M),
      newLeaf: account(BigInt(i + 1), 0n),
    }));
    await assert.rejects(
      applyBatch(tree, inst, base(diffs)),
      (e: unknown) => e instanceof BatchTooLargeError && e.details.what === "diffs",
    );
    const d = { pubKeyX: 1n, pubKeyY: 2n, amount: 3n };
    await assert.rejects(applyBatch(tree, inst, { ...base([]), deposits: [d, d] }), BatchTooLargeError);
    const w = { accountId: 1n, l1Address: 2n, amount: 3n };
    await assert.rejects(applyBatch(tree, inst, { ...base([]), withdrawals: [w, w] }), BatchTooLargeError);
  });

  it("rejects a new leaf or global state outside the circuit's ranges", async () => {
    const tree = new SparseMerkleTree(D, M, new MemoryNodeStore());
    const neg = account(5n, -1n);
    await assert.rejects(
      applyBatch(tree, inst, base([{ index: 1, oldLeaf: emptyLeaf(M), newLeaf: neg }])),
      OutOfRangeError,
    );
    const badGlobal = { ...emptyGlobal(M), feePool: -1n };
    await assert.rejects(applyBatch(tree, inst, { ...base([]), newGlobal: badGlobal }), OutOfRangeError);
  });
});

describe("L1 queue chains and batch data", () => {
  it("chains deposits from the previous hash and withdrawals from 0", () => {
    const d = [
      { pubKeyX: 1n, pubKeyY: 2n, amount: 3n },
      { pubKeyX: 4n, pubKeyY: 5n, amount: 6n },
    ];
    assert.equal(depositChain(9n, d), poseidon([poseidon([9n, 1n, 2n, 3n]), 4n, 5n, 6n]));
    assert.equal(depositChain(9n, []), 9n);
    assert.equal(withdrawalChain([{ accountId: 1n, l1Address: 2n, amount: 3n }]), poseidon([0n, 1n, 2n, 3n]));
    assert.equal(withdrawalChain([]), 0n);
  });

  it("hashes batch data as keccak256 >> 8", () => {
    // keccak256("") = c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470
    assert.equal(
      dataHash(new Uint8Array()),
      0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a4n,
    );
    assert.ok(dataHash(new Uint8Array(64).fill(255)) < P);
  });

  it("encodes index + new leaf words then counts, and decodes back", () => {
    const leaf = {
      ...account(7n, 1n),
      positions: [
        { size: -1n, entryNotional: -2n, fundingSnapshot: 3n },
        { size: 0n, entryNotional: 0n, fundingSnapshot: 0n },
      ],
    };
    const bytes = encodeBatchData([{ index: 258, newLeaf: leaf }], [1, 2], [3]);
    assert.equal(bytes.length, 4 + 32 * (4 + 3 * M) + 12);
    assert.deepEqual([...bytes.subarray(0, 4)], [0, 0, 1, 2]);
    assert.deepEqual([...bytes.subarray(bytes.length - 12)], [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1]);
    const decoded = decodeBatchData(bytes, M);
    assert.deepEqual(decoded, {
      updates: [{ index: 258, fields: leafFields(leaf, M) }],
      deposits: 2,
      withdrawals: 1,
    });
    assert.equal(decoded.updates[0]!.fields[4], P - 1n);
  });

  it("computes publicHash from the batch's roots, number, L1 hashes and data hash", () => {
    const h = batchPublicHash({
      oldStateRoot: 1n,
      newStateRoot: 2n,
      batchNumber: 3n,
      depositHashOld: 4n,
      depositHashNew: 5n,
      withdrawalHash: 6n,
      dataHash: 7n,
    });
    assert.equal(h, poseidon([1n, 2n, 3n, poseidon([4n, 5n, 6n]), 7n]));
  });
});
