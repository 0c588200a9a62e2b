import { createHash } from "node:crypto";
import type { CircuitInstance } from "../circuits/compile.ts";
import type { BatchShape } from "../sequencer/batches/open-batch.ts";
import type { CommittedState } from "../sequencer/batches/sealer.ts";
import { devKey } from "../sequencer/crypto/keys.ts";
import { Engine } from "../sequencer/engine/engine.ts";
import { type EngineParams, parseEngineParams } from "../sequencer/engine/params.ts";
import { policyParams } from "../sequencer/sim/policies.ts";
import { globalRoot, stateRoot } from "../sequencer/state/global-state.ts";
import type { AccountLeaf } from "../sequencer/state/leaf.ts";
import { leafHash } from "../sequencer/state/leaf.ts";
import { SparseMerkleTree } from "../sequencer/state/merkle-tree.ts";
import { MemoryNodeStore, type NodeStore } from "../sequencer/state/node-store.ts";

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
 * The state before batch 1: the backstop account 0 with the operator's key, markets without prices.
 * The deploy script puts this root into Rollup.sol; the sequencer rebuilds the same state at start.
 */
export async function buildGenesis(
  inst: CircuitInstance,
  shape: BatchShape,
  backstopSeed: string,
  store: NodeStore = new MemoryNodeStore(),
  riskPolicy = "simple",
): Promise<Genesis> {
  const params = engineParamsFor(inst, backstopSeed, riskPolicy);
  const engine = new Engine(params);
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
    .update(JSON.stringify({ params, inst, shape }, (_k, v) => (typeof v === "bigint" ? v.toString() : v)))
    .digest("hex");
  return { params, engine, committed: { leaves, global, depositHash: 0n }, tree, root, fingerprint };
}
