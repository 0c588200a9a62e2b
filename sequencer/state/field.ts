/** BN254 scalar field order r: every circuit signal and Poseidon value lives mod P. */
export const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

const HALF = P / 2n;

/** Encodes a signed integer as a field element (`-1` → `P - 1`), SPEC.md "Numbers". */
export function toField(x: bigint): bigint {
  const r = x % P;
  return r < 0n ? r + P : r;
}

/** Decodes a field element back to a signed integer: values above P/2 are negative. */
export function fromFieldSigned(x: bigint): bigint {
  const r = toField(x);
  return r > HALF ? r - P : r;
}
