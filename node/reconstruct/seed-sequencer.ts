/**
 * A sequencer's proof state from a state rebuilt from L1 alone, so a new operator (or the old one
 * after losing its disks) can prove the next batch without the old WAL or snapshots. The rebuilt
 * trees are recomputed from the leaf and order fields, so a seeded chain whose root is not the
 * rebuilt one is refused here rather than at its first proof.
 *
 * What L1 does not hold, a seeded sequencer starts without: resting orders (users place them again;
 * their fill slots are known, so a used nonce stays used), the risk engine's memory (mark EMA,
 * funding samples, breaker, vault ledger), the WAL's signatures, and which market a flat isolated
 * sub-account was opened for (an isolation the engine keeps and the proof does not).
 */
import { poseidon } from "../../sequencer/crypto/poseidon.ts";
import type { Engine } from "../../sequencer/engine/engine.ts";
import { keyOf } from "../../sequencer/engine/state.ts";
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

export interface EngineSeedReport {
  accounts: number;
  /** Sub-accounts (a later id with an earlier id's key) whose isolated market follows from their one position. */
  isolated: number[];
  /** Sub-accounts with no position: their market is not on L1, so the engine treats them as cross-margin. */
  unresolved: number[];
}

/**
 * Puts `state`'s accounts, markets and pools into `engine` (fresh, with the Rollup's params: its
 * genesis vault is replaced by the rebuilt account 0). Engine ids are dense, so every id below the
 * highest rebuilt one gets a leaf (the empty one where L1 never wrote it).
 */
export function seedEngine(engine: Engine, state: L1State): EngineSeedReport {
  const s = engine.exportState();
  const M = s.marketCount;
  if (state.shape.M !== M)
    throw new ReconstructError(
      "RECONSTRUCT_WRONG_INSTANCE",
      `the engine has ${M} markets, the state ${state.shape.M}`,
    );
  if (s.accounts.length > 1 || s.books.some((b) => b.size > 0) || s.nextDepositIndex !== 0n)
    throw new ReconstructError(
      "RECONSTRUCT_ENGINE_NOT_FRESH",
      "seed a fresh engine, not one that has run txs",
    );
  const rebuilt = state.accounts();
  const count = rebuilt.length === 0 ? 0 : (rebuilt[rebuilt.length - 1] as { id: number }).id + 1;
  s.accounts.length = 0;
  s.keyIndex.clear();
  for (const h of s.holders) h.clear();
  const report: EngineSeedReport = { accounts: count, isolated: [], unresolved: [] };
  for (let id = 0; id < count; id++) {
    const a = state.account(id);
    const leaf = a
      ? {
          pubKeyX: a.pubKeyX,
          pubKeyY: a.pubKeyY,
          nonce: a.nonce,
          collateral: a.collateral,
          positions: a.positions,
        }
      : s.newAccount(0n, 0n);
    s.accounts.push(leaf);
    leaf.positions.forEach((p, m) => {
      if (p.size !== 0n) s.holders[m]?.add(id);
    });
    if (!a) continue;
    const key = keyOf(a.pubKeyX, a.pubKeyY);
    const parentId = s.keyIndex.get(key);
    if (parentId === undefined) {
      s.keyIndex.set(key, id);
      continue;
    }
    // A later account with an earlier one's key was opened by a transfer to an isolated sub-account.
    const held = a.positions.flatMap((p, m) => (p.size !== 0n ? [m] : []));
    if (held.length !== 1) {
      report.unresolved.push(id);
      continue;
    }
    s.isolated.set(id, { parentId, marketId: held[0] as number });
    const list = s.subaccounts.get(parentId);
    if (list) list.push(id);
    else s.subaccounts.set(parentId, [id]);
    report.isolated.push(id);
  }
  const g = state.globalState();
  g.markets.forEach((m, i) => {
    const mk = s.markets[i] as { markPrice: bigint; fundingIndex: bigint; openInterest: bigint };
    mk.markPrice = m.markPrice;
    mk.fundingIndex = m.fundingIndex;
    mk.openInterest = m.openInterest;
    // The engine refuses a price not newer than the last; -1 is "none yet".
    s.lastPriceTimestamp[i] = m.priceTimeMs > 0n ? m.priceTimeMs : -1n;
  });
  s.insuranceFund = g.insuranceFund;
  s.feePool = g.feePool;
  s.nextDepositIndex = BigInt(state.depositsConsumed);
  return report;
}
