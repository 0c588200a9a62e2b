/** Feeding a ProofChain's witnesses to the L1 rebuild (node/reconstruct) without an L1: tests and bench-da. */
import type { Batch2Instance } from "../../circuits/batch2-instance.ts";
import { type DepositKey, L1State } from "../../node/reconstruct/rebuild.ts";
import { type DevKey, devKey } from "../../sequencer/crypto/keys.ts";
import type { Engine } from "../../sequencer/engine/engine.ts";
import type { Batch2Witness, ProofChain } from "../../sequencer/proof/witness.ts";
import { policyParams } from "../../sequencer/sim/policies.ts";
import { runTape } from "../../sequencer/sim/run.ts";
import type { Tape } from "../../sequencer/sim/tape.ts";
import { TraceBatcher } from "./batch2-trace.ts";

/** The deposits a batch consumed, in queue order, as its Deposit events on L1 give them. */
export function depositsOf(w: Batch2Witness): DepositKey[] {
  const enabled = w.input.depositEnabled as string[];
  const xs = w.input.depositPubKeyX as string[];
  const ys = w.input.depositPubKeyY as string[];
  return enabled.flatMap((e, i) =>
    e === "1" ? [{ pubKeyX: BigInt(xs[i] as string), pubKeyY: BigInt(ys[i] as string) }] : [],
  );
}

/** A rebuild from the genesis fields of `chain` before its first batch (its genesis may hold more than the vault). */
export function genesisOf(chain: ProofChain, ids: Iterable<number>): L1State {
  const leaves = new Map<number, bigint[]>();
  for (const id of ids) leaves.set(id, chain.leafFields(id));
  const g = chain.globalFields();
  return new L1State(chain.inst, {
    leaves,
    global: g.slice(0, -2),
    keeper: [g[g.length - 2] as bigint, g[g.length - 1] as bigint],
  });
}

/**
 * A generated tape run by the engine under `policy`, batched by the sequencer's own rules
 * (TraceBatcher) at instance `inst`, with the rebuild's starting state taken before the first tx.
 * Trader t's key is devKey(`${keySeed} ${t}`).
 */
export async function traceTape(
  inst: Batch2Instance,
  tape: Tape,
  policy: string,
  keySeed: string,
): Promise<{ engine: Engine; batcher: TraceBatcher; genesis: L1State }> {
  const byPub = new Map<string, DevKey>();
  let engine: Engine | undefined;
  let batcher: TraceBatcher | undefined;
  let genesis: L1State | undefined;
  await runTape(tape, policy, {
    params: {
      ...policyParams(policy, inst.M),
      maxMakersPerOrder: 4,
      orderSlotBits: inst.K,
      maxAccounts: 2 ** inst.D,
    },
    maxTouchedPerTx: inst.N,
    traderKey: (t) => {
      const k = devKey(`${keySeed} ${t}`);
      byPub.set(`${k.pubKey[0]}:${k.pubKey[1]}`, k);
      return { pubKeyX: k.pubKey[0], pubKeyY: k.pubKey[1] };
    },
    onStart: (e) => {
      engine = e;
      batcher = new TraceBatcher(inst, e, (x, y) => byPub.get(`${x}:${y}`));
      // The batcher's chain is at genesis here, before the engine's first tx.
      genesis = genesisOf(
        batcher.chain,
        Array.from({ length: e.accountCount() }, (_, i) => i),
      );
    },
    onApplied: (_e, tx, r) => batcher?.applied(tx, r),
  });
  (batcher as TraceBatcher).flush();
  return { engine: engine as Engine, batcher: batcher as TraceBatcher, genesis: genesis as L1State };
}
