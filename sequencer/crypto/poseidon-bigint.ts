/**
 * circomlib-compatible Poseidon in plain JS bigint: the pure-JS twin of the wasm `poseidon.ts`, kept as
 * an independent check in tests and as a fallback where WebAssembly cannot be compiled.
 *
 * Same permutation as circomlibjs `poseidon_opt.js` (the neptune-optimised form with sparse partial-round
 * matrices), with circomlibjs' own optimised constants, so outputs are bit-identical to circomlibjs and
 * to circomlib's `Poseidon(n)` template. Speed comes from reducing once per dot product instead of once
 * per multiplication, and from flat constant arrays built once per arity on first use.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PoseidonInputError } from "./errors.ts";
import { FIELD_MODULUS } from "./field.ts";

const P = FIELD_MODULUS;
const N_ROUNDS_F = 8;
const N_ROUNDS_P = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68] as const;
export const POSEIDON_MAX_INPUTS = N_ROUNDS_P.length;

interface RawConstants {
  C: string[][];
  S: string[][];
  M: string[][][];
  P: string[][][];
}

interface ArityConstants {
  t: number;
  nRoundsP: number;
  C: bigint[];
  S: bigint[];
  /** Column-major: M[i][j] is the factor of state[j] in new state[i] (circomlibjs indexes M[j][i]). */
  M: bigint[][];
  Pm: bigint[][];
}

let raw: RawConstants | undefined;
const perArity: (ArityConstants | undefined)[] = [];

// circomlibjs does not export its constant files, so read them from the installed package by path.
// Only the JSON is read (no wasm, no top-level await), and only when Poseidon is first used.
function loadRaw(): RawConstants {
  if (raw) return raw;
  const req = createRequire(import.meta.url);
  const main = req.resolve("circomlibjs"); // .../circomlibjs/build/main.cjs
  const file = join(dirname(main), "..", "src", "poseidon_constants_opt.json");
  raw = JSON.parse(readFileSync(file, "utf8")) as RawConstants;
  return raw;
}

function constantsFor(nInputs: number): ArityConstants {
  const cached = perArity[nInputs];
  if (cached) return cached;
  const r = loadRaw();
  const k = nInputs - 1;
  const t = nInputs + 1;
  const C = r.C[k]!.map((x) => BigInt(x));
  const S = r.S[k]!.map((x) => BigInt(x));
  const rawM = r.M[k]!;
  const rawP = r.P[k]!;
  const M: bigint[][] = [];
  const Pm: bigint[][] = [];
  for (let i = 0; i < t; i++) {
    M.push(rawM.map((row) => BigInt(row[i]!)));
    Pm.push(rawP.map((row) => BigInt(row[i]!)));
  }
  const c: ArityConstants = { t, nRoundsP: N_ROUNDS_P[k]!, C, S, M, Pm };
  perArity[nInputs] = c;
  return c;
}

function pow5(a: bigint): bigint {
  const a2 = (a * a) % P;
  const a4 = (a2 * a2) % P;
  return (a4 * a) % P;
}

function mix(state: bigint[], m: bigint[][], t: number): bigint[] {
  const out = new Array<bigint>(t);
  for (let i = 0; i < t; i++) {
    const row = m[i]!;
    let acc = 0n;
    for (let j = 0; j < t; j++) acc += row[j]! * state[j]!;
    out[i] = acc % P;
  }
  return out;
}

export function toField(x: bigint): bigint {
  // circomlibjs reduces inputs with F.e, so non-canonical and negative inputs hash as x mod p.
  if (x >= 0n && x < P) return x;
  const r = x % P;
  return r < 0n ? r + P : r;
}

/** circomlib-compatible Poseidon over BN254's scalar field: 1..16 inputs, returns a field element. */
export function poseidonBigint(inputs: readonly bigint[]): bigint {
  const n = inputs.length;
  if (n < 1 || n > POSEIDON_MAX_INPUTS) {
    throw new PoseidonInputError(`Poseidon takes 1..${POSEIDON_MAX_INPUTS} inputs, got ${n}`, { inputs: n });
  }
  const { t, nRoundsP, C, S, M, Pm } = constantsFor(n);

  let state = new Array<bigint>(t);
  state[0] = C[0]!;
  for (let i = 1; i < t; i++) state[i] = (toField(inputs[i - 1]!) + C[i]!) % P;

  const half = N_ROUNDS_F / 2;
  for (let r = 0; r < half - 1; r++) {
    for (let i = 0; i < t; i++) state[i] = (pow5(state[i]!) + C[(r + 1) * t + i]!) % P;
    state = mix(state, M, t);
  }
  for (let i = 0; i < t; i++) state[i] = (pow5(state[i]!) + C[half * t + i]!) % P;
  state = mix(state, Pm, t);

  const pBase = (half + 1) * t;
  const sStride = 2 * t - 1;
  for (let r = 0; r < nRoundsP; r++) {
    const s0 = (pow5(state[0]!) + C[pBase + r]!) % P;
    const sOff = sStride * r;
    let acc = S[sOff]! * s0;
    for (let j = 1; j < t; j++) acc += S[sOff + j]! * state[j]!;
    for (let k = 1; k < t; k++) state[k] = (state[k]! + s0 * S[sOff + t + k - 1]!) % P;
    state[0] = acc % P;
  }

  const fBase = pBase + nRoundsP;
  for (let r = 0; r < half - 1; r++) {
    for (let i = 0; i < t; i++) state[i] = (pow5(state[i]!) + C[fBase + r * t + i]!) % P;
    state = mix(state, M, t);
  }
  for (let i = 0; i < t; i++) state[i] = pow5(state[i]!);
  // Only state[0] is the output: one dot product instead of the full final mix.
  const m0 = M[0]!;
  let out = 0n;
  for (let j = 0; j < t; j++) out += m0[j]! * state[j]!;
  return out % P;
}
