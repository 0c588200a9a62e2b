import { BaseError } from "../../core/errors.ts";
import type { SnarkjsProof } from "../proof-format.ts";

export type EngineName = "native" | "snarkjs";

/** snarkjs' proof object as `groth16 prove` writes it: affine coordinates with the projective 1. */
export interface Groth16Proof extends SnarkjsProof {
  protocol: "groth16";
  curve: "bn128";
}

export interface ProducedProof {
  proof: Groth16Proof;
  publicSignals: string[];
  engine: EngineName;
  /** Stage times in ms, when the engine reports them (native: abc, ntt, msmA, msmB1, msmB2, msmC, msmH, total). */
  timings?: Record<string, number>;
  /** Peak resident set of the proving process, kB, when known. */
  peakRssKb?: number;
}

/**
 * One proving engine with its zkey loaded once. `prove` takes the bytes of a .wtns file and may be
 * called many times; calls are served one at a time. `close` frees the engine.
 */
export interface ProofProducer {
  readonly engine: EngineName;
  prove(wtns: Uint8Array): Promise<ProducedProof>;
  close(): Promise<void>;
}

/** The native prover binary is missing or does not run. */
export class NativeProverUnavailableError extends BaseError {
  override name = "NativeProverUnavailableError";
}

/** The native prover process died or broke its protocol: transient, a retry starts a new one. */
export class NativeProverCrashedError extends BaseError {
  override name = "NativeProverCrashedError";
}

/** The engine refused this witness (wrong size, wrong field, corrupt): the same input fails every time. */
export class WitnessRejectedError extends BaseError {
  override name = "WitnessRejectedError";
}
