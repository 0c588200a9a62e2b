/**
 * BabyJubjub: the twisted Edwards curve a·x² + y² = 1 + d·x²·y² over BN254's scalar field, with the
 * constants of circomlibjs `babyjub.js`. Points are kept in extended coordinates (X:Y:Z:T, x = X/Z,
 * y = Y/Z, x·y = T/Z) so that no inversion happens on the verify path. With a square and d a non-square
 * the addition law below is complete: it needs no special case for doubling or the identity.
 *
 * This is the plain-bigint reference: the hot paths run the same formulas in wasm (`babyjub-wasm.ts`),
 * and the tests check one against the other.
 */
import { invert, mod, FIELD_MODULUS as P } from "./field.ts";

export const A = 168700n;
export const D = 168696n;
/** Order of the prime subgroup that B8 generates (circomlibjs `subOrder`). */
export const SUBGROUP_ORDER = 2736030358979909402780800718157159386076813972158567259200215660948447373041n;
/** Full curve order, 8 · SUBGROUP_ORDER. */
export const CURVE_ORDER = 8n * SUBGROUP_ORDER;
export const BASE8: readonly [bigint, bigint] = [
  5299619240641551281634865583518297030282874472190772894086521144482721001553n,
  16950150798460657717958625567821834550301663161624707787222815936182638968203n,
];

export type AffinePoint = readonly [bigint, bigint];

/** Extended coordinates. Fields are reduced into [0, p). */
export interface ExtPoint {
  X: bigint;
  Y: bigint;
  Z: bigint;
  T: bigint;
}

export const IDENTITY: Readonly<ExtPoint> = Object.freeze({ X: 0n, Y: 1n, Z: 1n, T: 0n });

/** True when (x, y) are canonical field elements (in [0, p)) on the curve. */
export function isOnCurve(p: AffinePoint): boolean {
  const [x, y] = p;
  if (x < 0n || x >= P || y < 0n || y >= P) return false;
  const x2 = (x * x) % P;
  const y2 = (y * y) % P;
  return (A * x2 + y2) % P === (1n + ((D * x2) % P) * y2) % P;
}

export function fromAffine(p: AffinePoint): ExtPoint {
  return { X: p[0], Y: p[1], Z: 1n, T: (p[0] * p[1]) % P };
}

export function toAffine(p: ExtPoint): [bigint, bigint] {
  const zi = invert(p.Z);
  return [(p.X * zi) % P, (p.Y * zi) % P];
}

/** add-2008-hwcd (complete for a square, d non-square). */
export function add(p: ExtPoint, q: ExtPoint): ExtPoint {
  const a = (p.X * q.X) % P;
  const b = (p.Y * q.Y) % P;
  const c = (((D * p.T) % P) * q.T) % P;
  const dd = (p.Z * q.Z) % P;
  const e = ((p.X + p.Y) * (q.X + q.Y) - a - b) % P;
  const f = dd - c;
  const g = dd + c;
  const h = b - A * a;
  return { X: mod(e * f), Y: mod(g * h), T: mod(e * h), Z: mod(f * g) };
}

/** dbl-2008-hwcd. */
export function double(p: ExtPoint): ExtPoint {
  const a = (p.X * p.X) % P;
  const b = (p.Y * p.Y) % P;
  const c = (2n * p.Z * p.Z) % P;
  const d = A * a;
  const s = p.X + p.Y;
  const e = (s * s - a - b) % P;
  const g = d + b;
  const f = g - c;
  const h = d - b;
  return { X: mod(e * f), Y: mod(g * h), T: mod(e * h), Z: mod(f * g) };
}

export function equals(p: ExtPoint, q: ExtPoint): boolean {
  return (p.X * q.Z - q.X * p.Z) % P === 0n && (p.Y * q.Z - q.Y * p.Z) % P === 0n;
}

/** k·P for any point, k ≥ 0, with a 4-bit window (no table kept). */
export function mulVariable(p: ExtPoint, k: bigint): ExtPoint {
  if (k === 0n) return IDENTITY;
  const multiples: ExtPoint[] = [IDENTITY, p];
  for (let i = 2; i < 16; i++) multiples.push(add(multiples[i - 1]!, p));
  const nibbles: number[] = [];
  for (let r = k; r > 0n; r >>= 4n) nibbles.push(Number(r & 15n));
  let acc: ExtPoint = IDENTITY;
  for (let i = nibbles.length - 1; i >= 0; i--) {
    acc = double(double(double(double(acc))));
    const n = nibbles[i]!;
    if (n !== 0) acc = add(acc, multiples[n]!);
  }
  return acc;
}

/** Multiplies by the cofactor: the result is in the prime-order subgroup for any curve point. */
export function clearCofactor(p: ExtPoint): ExtPoint {
  return double(double(double(p)));
}
