/** Feeding a ProofChain's witnesses to the L1 rebuild (node/reconstruct) without an L1: tests and bench-da. */
import { type DepositKey, L1State } from "../../node/reconstruct/rebuild.ts";
import type { Batch2Witness, ProofChain } from "../../sequencer/proof/witness.ts";

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
