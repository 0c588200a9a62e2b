/** snarkjs' proof object (decimal strings). */
export interface SnarkjsProof {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
}

/**
 * Flattens a snarkjs proof into the 8 words the exported Solidity verifier takes. G2 coordinates are
 * swapped (c1, c0) because the EVM pairing precompile orders Fp2 elements the other way round, the same
 * as snarkjs' `exportSolidityCallData`.
 */
export function toSolidityProof(p: SnarkjsProof): string[] {
  const b = p.pi_b;
  return [p.pi_a[0]!, p.pi_a[1]!, b[0]![1]!, b[0]![0]!, b[1]![1]!, b[1]![0]!, p.pi_c[0]!, p.pi_c[1]!];
}
