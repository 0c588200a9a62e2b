import { createHash } from "node:crypto";
import type { Batch2Instance } from "../circuits/batch2-instance.ts";
import type { CircuitInstance } from "../circuits/compile.ts";
import type { BatchShape } from "../sequencer/batches/open-batch.ts";
import type { CommittedState } from "../sequencer/batches/sealer.ts";
import { devKey } from "../sequencer/crypto/keys.ts";
import { Engine, type EngineGenesis } from "../sequencer/engine/engine.ts";
import { type EngineParams, parseEngineParams } from "../sequencer/engine/params.ts";
import { ProofChain } from "../sequencer/proof/witness.ts";
import { policyParams } from "../sequencer/sim/policies.ts";
import { globalRoot, stateRoot } from "../sequencer/state/global-state.ts";
import type { AccountLeaf } from "../sequencer/state/leaf.ts";
import { leafHash } from "../sequencer/state/leaf.ts";
import { SparseMerkleTree } from "../sequencer/state/merkle-tree.ts";
import { MemoryNodeStore, type NodeStore } from "../sequencer/state/node-store.ts";
import type { RollupGenesisParams } from "./l1/deploy.ts";

export interface Genesis {
  params: EngineParams;
  engine: Engine;
  committed: CommittedState;
  tree: SparseMerkleTree;
  root: bigint;
  fingerprint: string;
}

/**
 * The devnet's engine params: the default markets under the named risk policy (the simulator's
 * registry, `docs/SIM.md`; "simple" by default), so a tape and the devnet run the same rules.
 */
export function engineParamsFor(
  inst: CircuitInstance,
  backstopSeed: string,
  riskPolicy = "simple",
): EngineParams {
  const [x, y] = devKey(backstopSeed).pubKey;
  const base = policyParams(riskPolicy, inst.M);
  return parseEngineParams({
    ...base,
    markets: base.markets.map((m) => ({ ...m })),
    maxAccounts: 2 ** inst.D,
    backstopPubKeyX: x,
    backstopPubKeyY: y,
  });
}

/**
 * The state before batch 1: the backstop account 0 with the operator's key, markets without prices
 * (unless `values` gives marks, vault collateral or an insurance fund: cash the Rollup must hold at
 * deployment). Rollup.sol recomputes this root from `rollupGenesisOf` and refuses another one; the
 * sequencer rebuilds the same state at start.
 */
export async function buildGenesis(
  inst: CircuitInstance,
  shape: BatchShape,
  backstopSeed: string,
  store: NodeStore = new MemoryNodeStore(),
  riskPolicy = "simple",
  values: EngineGenesis = {},
): Promise<Genesis> {
  const params = engineParamsFor(inst, backstopSeed, riskPolicy);
  const engine = new Engine(params, values);
  const tree = new SparseMerkleTree(inst.D, inst.M, store);
  const leaves = new Map<number, AccountLeaf>();
  for (let id = 0; id < engine.accountCount(); id++) {
    const leaf = engine.account(id)!;
    leaves.set(id, leaf);
    await tree.update(id, leafHash(leaf));
  }
  const global = engine.global();
  const root = stateRoot(await tree.root(), globalRoot(global));
  const fingerprint = createHash("sha256")
    .update(
      // `values` only when given, so the fingerprint of an unfunded genesis is what it always was.
      JSON.stringify({ params, inst, shape, ...(Object.keys(values).length ? { values } : {}) }, (_k, v) =>
        typeof v === "bigint" ? v.toString() : v,
      ),
    )
    .digest("hex");
  return { params, engine, committed: { leaves, global, depositHash: 0n }, tree, root, fingerprint };
}

/**
 * The Rollup constructor's genesis parameters, read from the genesis state itself (the vault leaf and the
 * global fields), so a state the contract cannot express gives a different root and fails the deployment
 * with BadGenesis instead of starting the rollup from a root nobody checked.
 */
export function rollupGenesisOf(g: Genesis, keeperPubKey: readonly [bigint, bigint]): RollupGenesisParams {
  return rollupParamsOf(g.engine, g.params, g.tree.depth, keeperPubKey);
}

function rollupParamsOf(
  engine: Engine,
  params: EngineParams,
  depth: number,
  keeperPubKey: readonly [bigint, bigint],
): RollupGenesisParams {
  const vault = engine.account(params.backstopAccountId);
  if (!vault) throw new RangeError("genesis has no backstop vault account");
  const global = engine.global();
  return {
    accountsDepth: BigInt(depth),
    vaultPubKeyX: vault.pubKeyX,
    vaultPubKeyY: vault.pubKeyY,
    vaultCollateral: vault.collateral,
    insuranceFund: global.insuranceFund,
    markPrices: global.markets.map((m) => m.markPrice),
    keeperPubKeyX: keeperPubKey[0],
    keeperPubKeyY: keeperPubKey[1],
  };
}

export interface Genesis2 {
  params: EngineParams;
  engine: Engine;
  /** The proof's view of the state (docs/PROOF.md); its root is the one Rollup.sol recomputes. */
  chain: ProofChain;
  root: bigint;
  fingerprint: string;
  accountsDepth: number;
}

/**
 * The devnet's engine params for a Batch2 instance: the policy's, with the order-fill tree's depth
 * the circuit's K, and at most as many makers per order as a batch has message slots (with the
 * taker's) and op slots (with a liquidation's penalty and cover), so one tx always fits one batch.
 */
export function engineParams2For(
  inst: Batch2Instance,
  backstopSeed: string,
  riskPolicy = "simple",
): EngineParams {
  const p = engineParamsFor(inst, backstopSeed, riskPolicy);
  p.markets.forEach((m, i) => {
    if (m.imfBps !== inst.imfBps[i] || m.mmfBps !== inst.mmfBps[i])
      throw new RangeError(
        `market ${i}: the policy's margin (${m.imfBps}/${m.mmfBps} bps) is not the circuit's (${inst.imfBps[i]}/${inst.mmfBps[i]})`,
      );
  });
  if (p.liquidationPenaltyBps > inst.penaltyBps)
    throw new RangeError(
      `the policy's penalty ${p.liquidationPenaltyBps} bps exceeds the circuit's ${inst.penaltyBps}`,
    );
  return parseEngineParams({
    ...p,
    markets: p.markets.map((m) => ({ ...m })),
    orderSlotBits: inst.K,
    maxMakersPerOrder: Math.max(1, Math.min(p.maxMakersPerOrder, inst.S - 1, inst.T - 2)),
  });
}

/** The seeds and settings a sequencer's config names (BACKSTOP_SEED, KEEPER_SEED, LIQ_RESERVED_SLOTS, RISK_POLICY). */
export interface SequencerGenesisSettings {
  backstopSeed: string;
  keeperSeed: string;
  reservedForLiquidations: number;
  riskPolicy?: string;
}

/**
 * The genesis a sequencer recomputes at start from its config, and the keeper key it fixes. The
 * sequencer, the devnet's and `deploy-l1`'s L1 deploy, and their tests all take it from here, so what is
 * deployed and what the sequencer checks against L1 cannot drift apart.
 */
export function sequencerGenesis(
  inst: Batch2Instance,
  s: SequencerGenesisSettings,
): { genesis: Genesis2; keeperPubKey: readonly [bigint, bigint] } {
  const keeperPubKey = devKey(s.keeperSeed).pubKey;
  const genesis = buildGenesis2(inst, {
    backstopSeed: s.backstopSeed,
    keeperPubKey,
    reservedForLiquidations: s.reservedForLiquidations,
    ...(s.riskPolicy === undefined ? {} : { riskPolicy: s.riskPolicy }),
  });
  return { genesis, keeperPubKey };
}

/**
 * The Batch2 state before batch 1: the backstop vault (account 0) with the operator's key, markets
 * without prices (unless `values` says otherwise), the oracle keeper's key fixed in the global state.
 */
export function buildGenesis2(
  inst: Batch2Instance,
  o: {
    backstopSeed: string;
    keeperPubKey: readonly [bigint, bigint];
    reservedForLiquidations: number;
    riskPolicy?: string;
    values?: EngineGenesis;
  },
): Genesis2 {
  const params = engineParams2For(inst, o.backstopSeed, o.riskPolicy);
  const values = o.values ?? {};
  const engine = new Engine(params, values);
  const accounts = new Map<number, AccountLeaf>();
  for (let id = 0; id < engine.accountCount(); id++) accounts.set(id, engine.account(id)!);
  const g = engine.global();
  const chain = new ProofChain(
    inst,
    { vaultId: params.backstopAccountId },
    {
      accounts,
      markets: g.markets,
      insuranceFund: g.insuranceFund,
      feePool: g.feePool,
      keeper: o.keeperPubKey,
    },
  );
  const fingerprint = createHash("sha256")
    .update(
      JSON.stringify(
        {
          params,
          inst,
          reserved: o.reservedForLiquidations,
          keeper: o.keeperPubKey,
          ...(Object.keys(values).length ? { values } : {}),
        },
        (_k, v) => (typeof v === "bigint" ? v.toString() : v),
      ),
    )
    .digest("hex");
  return { params, engine, chain, root: chain.stateRoot(), fingerprint, accountsDepth: inst.D };
}

/** Rollup.sol's genesis parameters of a Batch2 genesis (see `rollupGenesisOf`). */
export function rollupGenesis2Of(g: Genesis2, keeperPubKey: readonly [bigint, bigint]): RollupGenesisParams {
  return rollupParamsOf(g.engine, g.params, g.accountsDepth, keeperPubKey);
}
