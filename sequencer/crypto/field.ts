/** BN254 scalar field: the base field of BabyJubjub and the field circuits work in. */
export const FIELD_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** x mod p in [0, p). */
export function mod(x: bigint, m: bigint = FIELD_MODULUS): bigint {
  const r = x % m;
  return r < 0n ? r + m : r;
}

/** Modular inverse by the extended Euclidean algorithm (faster than Fermat on native bigint). */
export function invert(x: bigint, m: bigint = FIELD_MODULUS): bigint {
  let a = mod(x, m);
  if (a === 0n) throw new RangeError("invert: zero has no inverse");
  let b = m;
  let x0 = 1n;
  let x1 = 0n;
  while (b !== 0n) {
    const q = a / b;
    [a, b] = [b, a - q * b];
    [x0, x1] = [x1, x0 - q * x1];
  }
  return mod(x0, m);
}
