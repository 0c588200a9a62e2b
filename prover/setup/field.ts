/**
 * BN254 scalar-field arithmetic on native bigints. The setup does O(constraints) field work on the main
 * thread; bigints are simpler than ffjavascript's Montgomery buffers and fast enough (~1 µs per mul).
 */
export const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

export function mod(a: bigint): bigint {
  const m = a % R;
  return m < 0n ? m + R : m;
}

export function mul(a: bigint, b: bigint): bigint {
  return (a * b) % R;
}

export function pow(base: bigint, exp: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % R;
    b = (b * b) % R;
    e >>= 1n;
  }
  return result;
}

export function inv(a: bigint): bigint {
  if (mod(a) === 0n) throw new RangeError("inverse of zero");
  return pow(a, R - 2n);
}

/** Montgomery's trick: n inversions for the price of one inversion and 3n multiplications. */
export function batchInverse(values: bigint[]): bigint[] {
  const n = values.length;
  const prefix = new Array<bigint>(n);
  let acc = 1n;
  for (let i = 0; i < n; i++) {
    prefix[i] = acc;
    acc = (acc * (values[i] as bigint)) % R;
  }
  let accInv = inv(acc);
  const out = new Array<bigint>(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = (accInv * (prefix[i] as bigint)) % R;
    accInv = (accInv * (values[i] as bigint)) % R;
  }
  return out;
}

/** Writes `v` (already reduced) as 32 little-endian bytes at `offset`. */
export function writeLE32(buf: Uint8Array, offset: number, v: bigint): void {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  dv.setBigUint64(offset, v & 0xffffffffffffffffn, true);
  dv.setBigUint64(offset + 8, (v >> 64n) & 0xffffffffffffffffn, true);
  dv.setBigUint64(offset + 16, (v >> 128n) & 0xffffffffffffffffn, true);
  dv.setBigUint64(offset + 24, v >> 192n, true);
}

export function readLE32(dv: DataView, offset: number): bigint {
  return (
    dv.getBigUint64(offset, true) |
    (dv.getBigUint64(offset + 8, true) << 64n) |
    (dv.getBigUint64(offset + 16, true) << 128n) |
    (dv.getBigUint64(offset + 24, true) << 192n)
  );
}
