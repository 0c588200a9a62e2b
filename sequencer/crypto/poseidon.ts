// Placeholder backed by circomlibjs; replaced by a faster implementation that matches it on shared vectors.
import { buildPoseidon } from "circomlibjs";

const impl = await buildPoseidon();

/** circomlib-compatible Poseidon over BN254's scalar field: 1..16 inputs, returns a field element. */
export function poseidon(inputs: readonly bigint[]): bigint {
  return impl.F.toObject(impl(inputs as bigint[])) as bigint;
}
