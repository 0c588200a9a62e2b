/**
 * EdDSA-Poseidon over BabyJubjub, bit-compatible with circomlibjs `eddsa.js` (prv2pub, signPoseidon,
 * verifyPoseidon). Point arithmetic runs in wasm (`babyjub-wasm.ts`) with a fixed-base table for B8 and
 * per-key tables for keys that sign repeatedly, instead of circomlibjs' affine double-and-add.
 *
 * Verification checks exactly what circomlibjs checks (R8 and A on the curve, S < subgroup order,
 * S·B8 == R8 + (8·hm)·A) and one thing more: every coordinate must be canonical (in [0, p)).
 * circomlibjs silently reduces a coordinate ≥ p; accepting that would let anyone re-encode a valid
 * signature, so we reject it.
 */
import { blake512 } from "@noble/hashes/blake1.js";
import { type AffinePoint, isOnCurve, SUBGROUP_ORDER, toAffine } from "./babyjub.ts";
import { type EdwardsWasm, edwardsWasm } from "./babyjub-wasm.ts";
import { PrivateKeyError } from "./errors.ts";
import { FIELD_MODULUS, mod } from "./field.ts";
import { poseidon } from "./poseidon.ts";

export interface Signature {
  R8: [bigint, bigint];
  S: bigint;
}

function leBytesToBigint(bytes: Uint8Array): bigint {
  let x = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(bytes[i]!);
  return x;
}

function bigintTo32LE(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

interface ExpandedKey {
  /** The pruned secret scalar s; the public key is (s >> 3)·B8. */
  s: bigint;
  /** The second half of blake512(prv): the nonce seed. */
  prefix: Uint8Array;
}

function expandKey(prv: Uint8Array): ExpandedKey {
  if (!(prv instanceof Uint8Array)) throw new PrivateKeyError("a private key must be a Uint8Array");
  const h = blake512(prv);
  const sBuff = h.slice(0, 32);
  // Pruning as in circomlibjs `pruneBuffer`.
  sBuff[0] = sBuff[0]! & 0xf8;
  sBuff[31] = (sBuff[31]! & 0x7f) | 0x40;
  return { s: leBytesToBigint(sBuff), prefix: h.slice(32, 64) };
}

function mulBase8Affine(k: bigint): [bigint, bigint] {
  return toAffine(edwardsWasm().mulBase8(k % SUBGROUP_ORDER));
}

/** The public key of a private key, identical to circomlibjs `prv2pub` (as bigints). */
export function prv2pub(prv: Uint8Array): [bigint, bigint] {
  return mulBase8Affine(expandKey(prv).s >> 3n);
}

/** Deterministic signature of a field element, identical to circomlibjs `signPoseidon`. */
export function signPoseidon(prv: Uint8Array, msg: bigint): Signature {
  const { s, prefix } = expandKey(prv);
  const m = mod(msg, FIELD_MODULUS);
  const A = mulBase8Affine(s >> 3n);
  const compose = new Uint8Array(64);
  compose.set(prefix, 0);
  compose.set(bigintTo32LE(m), 32);
  const r = leBytesToBigint(blake512(compose)) % SUBGROUP_ORDER;
  const R8 = mulBase8Affine(r);
  const hm = poseidon([R8[0], R8[1], A[0], A[1], m]);
  const S = (r + hm * s) % SUBGROUP_ORDER;
  return { R8, S };
}

/**
 * Fast verification with the same verdict as circomlibjs `verifyPoseidon` on canonical inputs.
 * Never throws: any malformed input is a `false`.
 */
export function verifyPoseidon(
  msg: bigint,
  sig: { R8: AffinePoint; S: bigint },
  pubKey: AffinePoint,
  engine: EdwardsWasm = edwardsWasm(),
): boolean {
  if (typeof msg !== "bigint" || typeof sig !== "object" || sig === null) return false;
  const { R8, S } = sig;
  if (!Array.isArray(R8) || R8.length !== 2 || !Array.isArray(pubKey) || pubKey.length !== 2) return false;
  if (typeof R8[0] !== "bigint" || typeof R8[1] !== "bigint") return false;
  if (typeof pubKey[0] !== "bigint" || typeof pubKey[1] !== "bigint") return false;
  if (typeof S !== "bigint" || S < 0n || S >= SUBGROUP_ORDER) return false;
  if (!isOnCurve(R8) || !isOnCurve(pubKey)) return false;

  const hm = poseidon([R8[0], R8[1], pubKey[0], pubKey[1], msg]);
  // (8·hm)·A == hm·(8·A), and 8·A lies in the order-l subgroup, so hm may be reduced mod l.
  return engine.checkEquation(S, hm % SUBGROUP_ORDER, R8, pubKey);
}
