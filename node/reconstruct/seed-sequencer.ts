/**
 * A sequencer's proof state from a state rebuilt from L1 alone, so a new operator (or the old one
 * after losing its disks) can prove the next batch without the old WAL or snapshots. The rebuilt
 * trees are recomputed from the leaf and order fields, so a seeded chain whose root is not the
 * rebuilt one is refused here rather than at its first proof.
 */
import { poseidon } from "../../sequencer/crypto/poseidon.ts";
import { MemorySmt } from "../../sequencer/proof/memory-smt.ts";
import { type OrderSlot, ProofModel } from "../../sequencer/proof/model.ts";
import type { MarketExtra, ProofChain, ProofChainState } from "../../sequencer/proof/witness.ts";
import type { AccountLeaf } from "../../sequencer/state/leaf.ts";
import { ReconstructError } from "./errors.ts";
import type { L1State } from "./rebuild.ts";

/**
 * Puts `state` into `chain` (a ProofChain of the same instance, at any state: its rules and genesis
 * keeper are kept). `depositHash` is the Rollup's `depositHashes(depositsConsumed)`: the deposit
 * chain the next batch's proof starts from, which the published records do not carry.
 */
export function seedProofChain(chain: ProofChain, state: L1State, depositHash: bigint): void {
  const { D, K, M } = chain.inst;
  if (state.shape.D !== D || state.shape.M !== M || state.shape.K !== K)
    throw new ReconstructError(
      "RECONSTRUCT_WRONG_INSTANCE",
      "the rebuilt state is of another instance than the chain",
      {
        details: { state: state.shape, chain: { D, K, M } },
      },
    );
  const g = state.globalState();
  const accounts = new Map<number, AccountLeaf>();
  const leaves = new Map<number, bigint[]>();
  const orderTrees = new Map<number, MemorySmt>();
  const orderEntries = new Map<number, Map<number, OrderSlot>>();
  const tree = new MemorySmt(D, poseidon(new Array(5 + 3 * M).fill(0n)));
  for (const a of state.accounts()) {
    accounts.set(a.id, {
      pubKeyX: a.pubKeyX,
      pubKeyY: a.pubKeyY,
      nonce: a.nonce,
      collateral: a.collateral,
      positions: a.positions.map((p) => ({ ...p })),
    });
    const fields = state.leafFields(a.id);
    leaves.set(a.id, fields);
    tree.set(BigInt(a.id), poseidon(fields));
    if (a.orders.length === 0) continue;
    const t = new MemorySmt(K, 0n);
    const entries = new Map<number, OrderSlot>();
    for (const o of a.orders) {
      t.set(BigInt(o.slot), poseidon([o.nonce, o.filled]));
      entries.set(o.slot, { nonce: o.nonce, filled: o.filled });
    }
    orderTrees.set(a.id, t);
    orderEntries.set(a.id, entries);
  }
  const model = new ProofModel(chain.model.rules, {
    accounts,
    markets: g.markets.map((m) => ({
      markPrice: m.markPrice,
      fundingIndex: m.fundingIndex,
      openInterest: m.openInterest,
    })),
    insuranceFund: g.insuranceFund,
    feePool: g.feePool,
  });
  for (const [id, entries] of orderEntries) model.orders.set(id, new Map(entries));
  model.nextDepositIndex = BigInt(state.depositsConsumed);
  const extra: MarketExtra[] = g.markets.map((m) => ({
    index: m.indexPrice,
    priceTime: m.priceTimeMs,
    fundingTime: m.fundingTimeMs,
  }));
  const seeded: ProofChainState = { model, tree, leaves, orderTrees, orderEntries, extra, depositHash };
  chain.importState(seeded);
  if (chain.stateRoot() !== state.stateRoot())
    throw new ReconstructError(
      "RECONSTRUCT_SEED_MISMATCH",
      "the seeded proof state's root is not the rebuilt root",
      {
        details: { batch: state.lastBatch },
      },
    );
}
