import type { CircuitInstance } from "../../circuits/compile.ts";
import { poseidon } from "../crypto/poseidon.ts";
import { dataHash, encodeBatchData } from "./batch-data.ts";
import { BatchTooLargeError, StaleLeafError, StateError } from "./errors.ts";
import { checkGlobalRanges, type GlobalState, globalFields, globalRoot, stateRoot } from "./global-state.ts";
import { type AccountLeaf, checkLeafRanges, emptyLeaf, leafFields, leafHash } from "./leaf.ts";
import type { SparseMerkleTree } from "./merkle-tree.ts";

export interface Deposit {
  pubKeyX: bigint;
  pubKeyY: bigint;
  amount: bigint;
}

export interface Withdrawal {
  accountId: bigint;
  l1Address: bigint;
  amount: bigint;
}

export interface LeafDiff {
  index: number;
  oldLeaf: AccountLeaf;
  newLeaf: AccountLeaf;
}

export interface ApplyBatchParameters {
  batchNumber: bigint;
  oldGlobal: GlobalState;
  newGlobal: GlobalState;
  /** Applied in order; at most N. */
  diffs: LeafDiff[];
  /** Deposits this batch credits, in L1 queue order; at most ND. */
  deposits: Deposit[];
  depositHashOld: bigint;
  /** At most NW. */
  withdrawals: Withdrawal[];
  /**
   * The leaf used for unused update slots (old == new). Defaults to the last diff's index and new
   * leaf, or, for a batch without diffs, the last index of the tree, which must then be empty.
   */
  padding?: { index: number; leaf: AccountLeaf };
}

export interface ApplyBatchReturnType {
  /** The circuit input, every value a decimal string, ready for snarkjs. */
  input: Record<string, unknown>;
  oldStateRoot: bigint;
  newStateRoot: bigint;
  depositHashNew: bigint;
  withdrawalHash: bigint;
  dataHash: bigint;
  batchData: Uint8Array;
  publicHash: bigint;
}

/** depositHash after crediting `deposits` on top of `prevHash` (SPEC.md "Deposits"). */
export function depositChain(prevHash: bigint, deposits: readonly Deposit[]): bigint {
  return deposits.reduce((h, d) => poseidon([h, d.pubKeyX, d.pubKeyY, d.amount]), prevHash);
}

/** withdrawalHash of one batch: the chain from 0 (SPEC.md "Withdrawals"). */
export function withdrawalChain(withdrawals: readonly Withdrawal[]): bigint {
  return withdrawals.reduce((h, w) => poseidon([h, w.accountId, w.l1Address, w.amount]), 0n);
}

/** publicHash = Poseidon(oldStateRoot, newStateRoot, batchNumber, l1Hash, dataHash) (SPEC.md "A batch"). */
export function batchPublicHash(p: {
  oldStateRoot: bigint;
  newStateRoot: bigint;
  batchNumber: bigint;
  depositHashOld: bigint;
  depositHashNew: bigint;
  withdrawalHash: bigint;
  dataHash: bigint;
}): bigint {
  const l1Hash = poseidon([p.depositHashOld, p.depositHashNew, p.withdrawalHash]);
  return poseidon([p.oldStateRoot, p.newStateRoot, p.batchNumber, l1Hash, p.dataHash]);
}

/**
 * Applies a sealed batch to the account tree and builds the circuit input that proves it.
 * Everything is validated before the tree is touched, so a rejected batch leaves the tree as it was.
 */
export async function applyBatch(
  tree: SparseMerkleTree,
  inst: CircuitInstance,
  p: ApplyBatchParameters,
): Promise<ApplyBatchReturnType> {
  const { N, M, ND, NW, D } = inst;
  if (tree.depth !== D || tree.M !== M) {
    throw new StateError("STATE_INSTANCE_MISMATCH", "tree shape does not match the circuit instance", {
      details: { treeDepth: tree.depth, treeM: tree.M, D, M },
    });
  }
  for (const [what, n, max] of [
    ["diffs", p.diffs.length, N],
    ["deposits", p.deposits.length, ND],
    ["withdrawals", p.withdrawals.length, NW],
  ] as const) {
    if (n > max) {
      throw new BatchTooLargeError(
        "STATE_BATCH_TOO_LARGE",
        `${n} ${what} exceed the ${max} slots of instance ${inst.name}`,
        {
          details: { what, count: n, slots: max, instance: inst.name },
        },
      );
    }
  }
  checkGlobalRanges(p.newGlobal);

  // Validate the whole chain of diffs against the tree (a later diff may touch an earlier one's leaf).
  const pending = new Map<number, bigint>();
  for (const [i, d] of p.diffs.entries()) {
    checkLeafRanges(d.newLeaf);
    const current = pending.get(d.index) ?? (await tree.getLeafHash(d.index));
    if (leafHash(d.oldLeaf) !== current) {
      throw new StaleLeafError(
        "STATE_STALE_LEAF",
        `diff ${i}: old leaf of account ${d.index} does not match the tree`,
        {
          details: { diff: i, index: d.index },
        },
      );
    }
    pending.set(d.index, leafHash(d.newLeaf));
  }
  const last = p.diffs[p.diffs.length - 1];
  const pad =
    p.padding ??
    (last ? { index: last.index, leaf: last.newLeaf } : { index: 2 ** D - 1, leaf: emptyLeaf(M) });
  if (p.diffs.length < N) {
    const current = pending.get(pad.index) ?? (await tree.getLeafHash(pad.index));
    if (leafHash(pad.leaf) !== current) {
      throw new StaleLeafError(
        "STATE_STALE_LEAF",
        `padding leaf of account ${pad.index} does not match the tree`,
        {
          details: { index: pad.index },
        },
      );
    }
  }

  const oldAccountsRoot = await tree.root();
  const oldStateRoot = stateRoot(oldAccountsRoot, globalRoot(p.oldGlobal));
  const slots: { index: number; oldLeaf: bigint[]; newLeaf: bigint[]; siblings: bigint[] }[] = [];
  for (const d of p.diffs) {
    const { siblings } = await tree.update(d.index, leafHash(d.newLeaf));
    slots.push({
      index: d.index,
      oldLeaf: leafFields(d.oldLeaf, M),
      newLeaf: leafFields(d.newLeaf, M),
      siblings,
    });
  }
  const padFields = leafFields(pad.leaf, M);
  const padSiblings = p.diffs.length < N ? await tree.siblings(pad.index) : [];
  while (slots.length < N)
    slots.push({ index: pad.index, oldLeaf: padFields, newLeaf: padFields, siblings: padSiblings });

  const newStateRoot = stateRoot(await tree.root(), globalRoot(p.newGlobal));
  const depositHashNew = depositChain(p.depositHashOld, p.deposits);
  const withdrawalHash = withdrawalChain(p.withdrawals);
  const batchData = encodeBatchData(p.diffs, p.deposits, p.withdrawals);
  const dHash = dataHash(batchData);
  const publicHash = batchPublicHash({
    oldStateRoot,
    newStateRoot,
    batchNumber: p.batchNumber,
    depositHashOld: p.depositHashOld,
    depositHashNew,
    withdrawalHash,
    dataHash: dHash,
  });

  const s = (x: bigint | number) => x.toString();
  const slot = <T>(list: readonly T[], k: number, get: (x: T) => bigint, zero = 0n) => {
    const x = list[k];
    return s(x === undefined ? zero : get(x));
  };
  const input: Record<string, unknown> = {
    publicHash: s(publicHash),
    batchNumber: s(p.batchNumber),
    dataHash: s(dHash),
    depositHashOld: s(p.depositHashOld),
    depositHashNew: s(depositHashNew),
    withdrawalHash: s(withdrawalHash),
    oldAccountsRoot: s(oldAccountsRoot),
    oldGlobal: globalFields(p.oldGlobal).map(s),
    newGlobal: globalFields(p.newGlobal).map(s),
    index: slots.map((u) => s(u.index)),
    oldLeaf: slots.map((u) => u.oldLeaf.map(s)),
    newLeaf: slots.map((u) => u.newLeaf.map(s)),
    siblings: slots.map((u) => u.siblings.map(s)),
    depositEnabled: range(ND).map((k) => s(k < p.deposits.length ? 1 : 0)),
    depositPubKeyX: range(ND).map((k) => slot(p.deposits, k, (d) => d.pubKeyX)),
    depositPubKeyY: range(ND).map((k) => slot(p.deposits, k, (d) => d.pubKeyY)),
    depositAmount: range(ND).map((k) => slot(p.deposits, k, (d) => d.amount)),
    withdrawalEnabled: range(NW).map((k) => s(k < p.withdrawals.length ? 1 : 0)),
    withdrawalAccountId: range(NW).map((k) => slot(p.withdrawals, k, (w) => w.accountId)),
    withdrawalL1Address: range(NW).map((k) => slot(p.withdrawals, k, (w) => w.l1Address)),
    withdrawalAmount: range(NW).map((k) => slot(p.withdrawals, k, (w) => w.amount)),
  };

  return {
    input,
    oldStateRoot,
    newStateRoot,
    depositHashNew,
    withdrawalHash,
    dataHash: dHash,
    batchData,
    publicHash,
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
