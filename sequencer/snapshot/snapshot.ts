import type { Signature } from "../crypto/eddsa.ts";
import type { Engine } from "../engine/engine.ts";
import type { EngineState } from "../engine/state.ts";
import type { ProofChain, ProofChainState } from "../proof/witness.ts";
import { decodeGraph, encodeGraph } from "./graph-codec.ts";
import { SNAPSHOT_CLASSES } from "./registry.ts";

/**
 * Bumped when the layout below changes: an older snapshot is then refused rather than misread.
 * 2: EngineState.nextPriorityIndex (a v1 snapshot would restore it as undefined).
 */
export const SNAPSHOT_VERSION = 2;

/**
 * The sequencer's state at a batch boundary: batch `batchNumber` is sealed and its tree work done,
 * the next batch is open and empty, and every WAL entry below `nextSeq` is in it. Replaying the WAL
 * from `nextSeq` on top of it gives what replaying the whole WAL gives.
 */
export interface Snapshot {
  version: number;
  /** The WAL's fingerprint (engine params, circuit shape): a snapshot under other settings must not load. */
  fingerprint: string;
  batchNumber: bigint;
  nextSeq: bigint;
  /** When the open batch opened (its seal's time), so its timer and record times carry on. */
  openedAt: number;
  /** The proof's state root after `batchNumber`, checked on restore against the chain and the batch store. */
  stateRoot: bigint;
  /** `encodeGraph` of a SequencerPart, taken at the seal. */
  engine: Uint8Array;
  /** `encodeGraph` of the ProofChainState, taken when the batch's tree work finished. */
  chain: Uint8Array;
}

/** What the sequencer keeps beside the engine that replay would rebuild. */
export interface SequencerPart {
  engine: EngineState;
  /** Every signature a later batch's proof may need (a resting maker's), by message hash. */
  signatures: Map<bigint, Signature>;
  /** Accounts found liquidatable whose liquidation tx is not in the log yet: `lead` queues them. */
  pendingLiquidations: number[];
}

// Params and rules are the node's configuration: referenced by name, never stored.
const engineOpts = (engine: Engine) => ({
  classes: SNAPSHOT_CLASSES,
  externals: { engineParams: engine.params },
});
const chainOpts = (chain: ProofChain) => ({
  classes: SNAPSHOT_CLASSES,
  externals: { proofRules: chain.model.rules },
});

export function encodeSequencerPart(
  engine: Engine,
  rest: { signatures: ReadonlyMap<bigint, Signature>; pendingLiquidations: Iterable<number> },
): Uint8Array {
  const part = {
    engine: engine.exportState(),
    signatures: rest.signatures,
    pendingLiquidations: [...rest.pendingLiquidations],
  };
  return encodeGraph(part, engineOpts(engine));
}

/** Decodes without touching `engine`: restore decodes everything before it imports anything. */
export function decodeSequencerPart(bytes: Uint8Array, engine: Engine): SequencerPart {
  return decodeGraph<SequencerPart>(bytes, engineOpts(engine));
}

export function encodeChainPart(chain: ProofChain): Uint8Array {
  return encodeGraph(chain.exportState(), chainOpts(chain));
}

export function decodeChainPart(bytes: Uint8Array, chain: ProofChain): ProofChainState {
  return decodeGraph<ProofChainState>(bytes, chainOpts(chain));
}
