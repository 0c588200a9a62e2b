import type { CircuitInstance } from "../../circuits/compile.ts";
import type { Engine } from "../engine/engine.ts";
import { applyBatch, depositChain } from "../state/apply-batch.ts";
import type { GlobalState } from "../state/global-state.ts";
import { type AccountLeaf, emptyLeaf } from "../state/leaf.ts";
import type { SparseMerkleTree } from "../state/merkle-tree.ts";
import type { BatchRecord } from "./batch-record.ts";
import type { OpenBatch } from "./open-batch.ts";

/**
 * What the tree holds as of the last sealed batch. A batch's diff for an account is
 * (committed leaf → engine's leaf at seal time), so the engine never has to snapshot before a tx.
 */
export interface CommittedState {
  leaves: Map<number, AccountLeaf>;
  global: GlobalState;
  depositHash: bigint;
}

export interface SealedBatch {
  batch: OpenBatch;
  diffs: { index: number; oldLeaf: AccountLeaf; newLeaf: AccountLeaf }[];
  oldGlobal: GlobalState;
  newGlobal: GlobalState;
  depositHashOld: bigint;
  /**
   * A batch without account updates (only oracle prices) pads its update slots with no-ops on the
   * backstop account 0, which exists from genesis, so padding never depends on a free leaf.
   */
  padding?: { index: number; leaf: AccountLeaf };
  sealedAt: number;
}

/** Synchronous on purpose: it must see the engine exactly at the seal point, before the next tx. */
export function captureSeal(
  batch: OpenBatch,
  engine: Engine,
  committed: CommittedState,
  M: number,
  now: number,
): SealedBatch {
  const ids = [...batch.touched].sort((a, b) => a - b);
  const diffs = ids.map((index) => ({
    index,
    oldLeaf: committed.leaves.get(index) ?? emptyLeaf(M),
    newLeaf: engine.account(index)!,
  }));
  const sealed: SealedBatch = {
    batch,
    diffs,
    oldGlobal: committed.global,
    newGlobal: engine.global(),
    depositHashOld: committed.depositHash,
    sealedAt: now,
  };
  if (diffs.length === 0) sealed.padding = { index: 0, leaf: committed.leaves.get(0) ?? emptyLeaf(M) };
  for (const d of diffs) committed.leaves.set(d.index, d.newLeaf);
  committed.global = sealed.newGlobal;
  committed.depositHash = depositChain(committed.depositHash, batch.deposits);
  return sealed;
}

const address = (x: bigint): `0x${string}` => `0x${x.toString(16).padStart(40, "0")}`;

/** Applies a sealed batch to the Merkle tree and produces its circuit input. Must run in batch order. */
export async function buildBatchRecord(
  tree: SparseMerkleTree,
  inst: CircuitInstance,
  s: SealedBatch,
): Promise<BatchRecord> {
  const { batch } = s;
  const out = await applyBatch(tree, inst, {
    batchNumber: batch.batchNumber,
    oldGlobal: s.oldGlobal,
    newGlobal: s.newGlobal,
    diffs: s.diffs,
    deposits: batch.deposits,
    depositHashOld: s.depositHashOld,
    withdrawals: batch.withdrawals,
    ...(s.padding ? { padding: s.padding } : {}),
  });
  return {
    batchNumber: batch.batchNumber,
    status: "sealed",
    priority: batch.hasLiquidation ? "liquidation" : "normal",
    txCount: batch.txCount,
    firstSeq: batch.firstSeq ?? 0n,
    lastSeq: batch.lastSeq ?? 0n,
    touched: s.diffs.map((d) => d.index),
    oldStateRoot: out.oldStateRoot,
    newStateRoot: out.newStateRoot,
    publicHash: out.publicHash,
    depositCount: BigInt(batch.deposits.length),
    // The v1 circuit has no priority slots.
    priorityCount: 0n,
    depositHashOld: s.depositHashOld,
    depositHashNew: out.depositHashNew,
    batchTimeMs: 0n,
    withdrawals: batch.withdrawals.map((w) => ({
      accountId: w.accountId,
      to: address(w.l1Address),
      amount: w.amount,
    })),
    // The v1 circuit binds a hash of its bytes; only Batch2 publishes checked data words.
    data: [],
    input: out.input,
    times: { opened: batch.openedAt, sealed: s.sealedAt },
  };
}
