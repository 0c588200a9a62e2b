import { SetupError } from "./errors.ts";
import { inv, mul, R, readLE32, writeLE32 } from "./field.ts";
import { lagrangeAt } from "./lagrange.ts";
import { forEachTerm, type R1cs } from "./r1cs-reader.ts";
import type { ToxicWaste } from "./toxic-waste.ts";

/** Every scalar the zkey needs, before it is multiplied onto a generator. */
export interface SetupScalars {
  nVars: number;
  nPublic: number;
  power: number;
  domainSize: number;
  /** A_i(τ), B_i(τ) for every wire: sections 5 (A), 6 (B1) and 7 (B2). */
  a: bigint[];
  b: bigint[];
  /** (β·A_i + α·B_i + C_i)/γ for the public wires 0..nPublic: section 3. */
  ic: bigint[];
  /** (β·A_i + α·B_i + C_i)/δ for the private wires: section 8. */
  c: bigint[];
  /** L^{2n}_{2i+1}(τ)/δ: section 9, the odd points of the doubled domain the snarkjs prover evaluates on. */
  h: bigint[];
  /** Section 4 body: count, then (matrix, constraint, wire, coef·R² mod r) for A and B, as snarkjs writes it. */
  coeffSection: Uint8Array;
}

/** snarkjs' domain: the smallest power of two strictly above constraints + public inputs. */
export function domainPower(nConstraints: number, nPublic: number): number {
  return Math.floor(Math.log2(nConstraints + nPublic)) + 1;
}

const MONT_R = (1n << 256n) % R;
const R_MINUS_1_WORDS = Array.from({ length: 8 }, (_, i) =>
  Number(((R - 1n) >> BigInt(32 * i)) & 0xffffffffn),
);

/** 1 or -1 when the 32-byte little-endian coefficient at `off` is ±1, else 0. */
function coefKind(dv: DataView, off: number): 1 | -1 | 0 {
  const w0 = dv.getUint32(off, true);
  if (w0 === 1) {
    for (let i = 1; i < 8; i++) if (dv.getUint32(off + 4 * i, true) !== 0) return 0;
    return 1;
  }
  for (let i = 0; i < 8; i++) if (dv.getUint32(off + 4 * i, true) !== R_MINUS_1_WORDS[i]) return 0;
  return -1;
}
const MONT_R2 = (MONT_R * MONT_R) % R;
const COEF_SIZE = 12 + 32;

/**
 * @param roots roots[k] is the primitive 2^k-th root of unity ffjavascript's FFT uses (Fr.w[k]), so our
 *   domain is the prover's domain.
 */
export function computeScalars(r1cs: R1cs, waste: ToxicWaste, roots: readonly bigint[]): SetupScalars {
  const nPublic = r1cs.nPubOut + r1cs.nPubIn;
  const nVars = r1cs.nWires;
  const power = domainPower(r1cs.nConstraints, nPublic);
  if (power + 1 >= roots.length) {
    throw new SetupError("SETUP_CIRCUIT_TOO_BIG", `circuit needs a 2^${power} domain`, {
      details: { power },
    });
  }
  const domainSize = 2 ** power;
  const lag = lagrangeAt(waste.tau, roots[power] as bigint, domainSize);

  const a = new Array<bigint>(nVars).fill(0n);
  const b = new Array<bigint>(nVars).fill(0n);
  const cc = new Array<bigint>(nVars).fill(0n);
  const acc = [a, b, cc] as const;
  const dv = r1cs.constraints;

  let nCoefs = nPublic + 1;
  forEachTerm(r1cs, (m) => {
    if (m !== 2) nCoefs++;
  });
  const coeffSection = new Uint8Array(4 + nCoefs * COEF_SIZE);
  const cv = new DataView(coeffSection.buffer);
  cv.setUint32(0, nCoefs, true);
  let p = 4;
  // The coefficient section stores coef·R² for each A and B term; circuits reuse few distinct
  // coefficients (±1 and a few hundred constants), so cache the encodings.
  const encoded = new Map<bigint, Uint8Array>();
  const putCoef = (m: number, c: number, s: number, coef: bigint) => {
    cv.setUint32(p, m, true);
    cv.setUint32(p + 4, c, true);
    cv.setUint32(p + 8, s, true);
    let enc = encoded.get(coef);
    if (!enc) {
      enc = new Uint8Array(32);
      writeLE32(enc, 0, mul(coef, MONT_R2));
      encoded.set(coef, enc);
    }
    coeffSection.set(enc, p + 12);
    p += COEF_SIZE;
  };

  // Hot loop (~25 terms per constraint): classify ±1 from the raw bytes before touching bigints.
  forEachTerm(r1cs, (m, c, s, coefOffset) => {
    const kind = coefKind(dv, coefOffset);
    const coef = kind === 1 ? 1n : kind === -1 ? R - 1n : readLE32(dv, coefOffset);
    const l = lag[c] as bigint;
    const target = acc[m];
    let v = target[s] as bigint;
    if (kind === 1) {
      v += l;
      if (v >= R) v -= R;
    } else if (kind === -1) {
      v -= l;
      if (v < 0n) v += R;
    } else {
      v = (v + coef * l) % R;
    }
    target[s] = v;
    if (m !== 2) putCoef(m, c, s, coef);
  });
  // snarkjs adds one constraint per public wire (and the constant wire): s * 1 = 0 in A, at index
  // nConstraints + s. It keeps the public inputs linearly independent, so the prover expects them.
  for (let s = 0; s <= nPublic; s++) {
    a[s] = ((a[s] as bigint) + (lag[r1cs.nConstraints + s] as bigint)) % R;
    putCoef(0, r1cs.nConstraints + s, s, 1n);
  }

  const gammaInv = inv(waste.gamma);
  const deltaInv = inv(waste.delta);
  const ic: bigint[] = [];
  const c: bigint[] = [];
  for (let s = 0; s < nVars; s++) {
    const v = (mul(waste.beta, a[s] as bigint) + mul(waste.alpha, b[s] as bigint) + (cc[s] as bigint)) % R;
    if (s <= nPublic) ic.push(mul(v, gammaInv));
    else c.push(mul(v, deltaInv));
  }

  const h = lagrangeAt(waste.tau, roots[power + 1] as bigint, 2 * domainSize, 1, 2, domainSize).map((x) =>
    mul(x, deltaInv),
  );
  return { nVars, nPublic, power, domainSize, a, b, ic, c, h, coeffSection };
}
