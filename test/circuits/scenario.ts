/**
 * A realistic three-batch transition on one circuit instance, with every leaf written out by hand:
 * alice and bob deposit (batches 1, 2), then alice buys 3 lots of market 0 from bob at 2,000 USDC
 * with a 1 USDC fee each, settles at a negative funding index, and withdraws 1,000 USDC (batch 3).
 */
import type { CircuitInstance } from "../../circuits/compile.ts";
import { type ApplyBatchReturnType, applyBatch, depositChain } from "../../sequencer/state/apply-batch.ts";
import { P } from "../../sequencer/state/field.ts";
import type { GlobalState } from "../../sequencer/state/global-state.ts";
import { type AccountLeaf, emptyLeaf, leafHash } from "../../sequencer/state/leaf.ts";
import { SparseMerkleTree } from "../../sequencer/state/merkle-tree.ts";
import { MemoryNodeStore } from "../../sequencer/state/node-store.ts";

export const USDC = 1_000_000n; // micro-USDC per USDC
export const PRICE = 2_000n * USDC; // per lot
export const FEE = 1n * USDC;
export const FUNDING = -5n; // micro-USDC per lot
export const OPERATOR = { x: 7n, y: 11n };
export const ALICE = { x: 123456789n, y: 987654321n };
export const BOB = { x: P - 1n, y: 42n }; // field edge: a key coordinate of p - 1

function leaf(
  key: { x: bigint; y: bigint },
  nonce: bigint,
  collateral: bigint,
  M: number,
  pos0?: [bigint, bigint, bigint],
): AccountLeaf {
  const l = emptyLeaf(M);
  l.pubKeyX = key.x;
  l.pubKeyY = key.y;
  l.nonce = nonce;
  l.collateral = collateral;
  if (pos0) l.positions[0] = { size: pos0[0], entryNotional: pos0[1], fundingSnapshot: pos0[2] };
  return l;
}

function global(M: number, oi: bigint, feePool: bigint): GlobalState {
  return {
    markets: Array.from({ length: M }, (_, m) => ({
      markPrice: m === 0 ? PRICE : 50n * USDC,
      fundingIndex: m === 0 ? FUNDING : 3n,
      openInterest: m === 0 ? oi : 0n,
    })),
    insuranceFund: 500n * USDC,
    feePool,
  };
}

export interface Scenario {
  tree: SparseMerkleTree;
  batches: ApplyBatchReturnType[];
  leaves: { operator: AccountLeaf; alice: AccountLeaf[]; bob: AccountLeaf[] };
}

export async function runScenario(inst: CircuitInstance): Promise<Scenario> {
  const { M } = inst;
  const tree = new SparseMerkleTree(inst.D, M, new MemoryNodeStore());
  // Genesis (not proven): the backstop account 0 with the operator's key.
  const operator = leaf(OPERATOR, 0n, 0n, M);
  await tree.update(0, leafHash(operator));

  const g0 = global(M, 0n, 0n);
  const alice0 = emptyLeaf(M);
  const alice1 = leaf(ALICE, 0n, 10_000n * USDC, M);
  const bob0 = emptyLeaf(M);
  const bob1 = leaf(BOB, 0n, 5_000n * USDC, M);
  // Alice: order (nonce 1) and withdrawal (nonce 2); long 3 lots, pays the fee, withdraws 1,000.
  const alice2 = leaf(ALICE, 2n, 10_000n * USDC - FEE - 1_000n * USDC, M, [3n, 3n * PRICE, FUNDING]);
  // Bob: short 3 lots, pays the maker fee.
  const bob2 = leaf(BOB, 1n, 5_000n * USDC - FEE, M, [-3n, -3n * PRICE, FUNDING]);
  const g3 = global(M, 3n, 2n * FEE);

  const d1 = [{ pubKeyX: ALICE.x, pubKeyY: ALICE.y, amount: 10_000n * USDC }];
  const d2 = [{ pubKeyX: BOB.x, pubKeyY: BOB.y, amount: 5_000n * USDC }];
  const b1 = await applyBatch(tree, inst, {
    batchNumber: 1n,
    oldGlobal: g0,
    newGlobal: g0,
    diffs: [{ index: 1, oldLeaf: alice0, newLeaf: alice1 }],
    deposits: d1,
    depositHashOld: 0n,
    withdrawals: [],
  });
  const b2 = await applyBatch(tree, inst, {
    batchNumber: 2n,
    oldGlobal: g0,
    newGlobal: g0,
    diffs: [{ index: 2, oldLeaf: bob0, newLeaf: bob1 }],
    deposits: d2,
    depositHashOld: depositChain(0n, d1),
    withdrawals: [],
  });
  const b3 = await applyBatch(tree, inst, {
    batchNumber: 3n,
    oldGlobal: g0,
    newGlobal: g3,
    diffs: [
      { index: 1, oldLeaf: alice1, newLeaf: alice2 },
      { index: 2, oldLeaf: bob1, newLeaf: bob2 },
    ],
    deposits: [],
    depositHashOld: b2.depositHashNew,
    withdrawals: [
      { accountId: 1n, l1Address: 0xa11ce00000000000000000000000000000000001n, amount: 1_000n * USDC },
    ],
  });
  return {
    tree,
    batches: [b1, b2, b3],
    leaves: { operator, alice: [alice0, alice1, alice2], bob: [bob0, bob1, bob2] },
  };
}
