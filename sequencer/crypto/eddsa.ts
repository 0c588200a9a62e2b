/**
 * EdDSA-Poseidon over BabyJubjub, bit-compatible with circomlibjs `eddsa.js` (prv2pub, signPoseidon,
 * verifyPoseidon). Verification runs on the native addon when the crypto backend is native
 * (`native.ts`, prover/native/crypto: C++ with a fixed-base table for B8, a width-5 NAF for the key and
 * per-key tables for keys that sign repeatedly), else in wasm (`babyjub-wasm.ts`, the same tables).
 * Signing and key derivation always run in wasm: they are not on the intake path.
 *
 * Verification checks exactly what circomlibjs checks (R8 and A on the curve, S < subgroup order,
 * S·B8 == R8 + (8·hm)·A) and one thing more: every coordinate must be canonical (in [0, p)).
 * circomlibjs silently reduces a coordinate ≥ p; accepting that would let anyone re-encode a valid
 * signature, so we reject it.
 */
import { blake512 } from "@noble/hashes/blake1.js";
import { type AffinePoint, isOnCurve, SUBGROUP_ORDER, toAffine } from "./babyjub.ts";
import { EdwardsWasm, edwardsWasm } from "./babyjub-wasm.ts";
import { PrivateKeyError } from "./errors.ts";
import { FIELD_MODULUS, mod } from "./field.ts";
import { activeNative, type NativeCrypto } from "./native.ts";
import { poseidon, poseidonWasm } from "./poseidon.ts";

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

/** One signature to check: the message, the signature and the signer's public key. */
export interface SignedMessage {
  msg: bigint;
  sig: { R8: AffinePoint; S: bigint };
  pubKey: AffinePoint;
}

/** Where a verification runs: the wasm engine, or the native addon (see `native.ts`). */
export type VerifyEngine = EdwardsWasm | NativeCrypto;

/** The shape checks both engines share; range, canonical and curve checks come after. */
function wellFormed(msg: unknown, sig: unknown, pubKey: unknown): sig is { R8: AffinePoint; S: bigint } {
  if (typeof msg !== "bigint" || typeof sig !== "object" || sig === null) return false;
  const { R8, S } = sig as { R8?: unknown; S?: unknown };
  if (!Array.isArray(R8) || R8.length !== 2 || !Array.isArray(pubKey) || pubKey.length !== 2) return false;
  if (typeof R8[0] !== "bigint" || typeof R8[1] !== "bigint") return false;
  if (typeof pubKey[0] !== "bigint" || typeof pubKey[1] !== "bigint") return false;
  return typeof S === "bigint";
}

function verifyWasm(
  msg: bigint,
  sig: { R8: AffinePoint; S: bigint },
  pubKey: AffinePoint,
  engine: EdwardsWasm,
) {
  const { R8, S } = sig;
  if (S < 0n || S >= SUBGROUP_ORDER) return false;
  if (!isOnCurve(R8) || !isOnCurve(pubKey)) return false;
  const hm = poseidonWasm([R8[0], R8[1], pubKey[0], pubKey[1], msg]);
  // (8·hm)·A == hm·(8·A), and 8·A lies in the order-l subgroup, so hm may be reduced mod l.
  return engine.checkEquation(S, hm % SUBGROUP_ORDER, R8, pubKey);
}

/** The addon takes msg in [0, 2^256) and reduces it mod p, as Poseidon does; others are reduced here. */
const nativeMsg = (msg: bigint) => (msg >= 0n && msg < FIELD_MODULUS ? msg : mod(msg));

/**
 * Fast verification with the same verdict as circomlibjs `verifyPoseidon` on canonical inputs.
 * Never throws: any malformed input is a `false`. Runs on `engine` when given, else on the active
 * backend (native when the addon is built).
 */
export function verifyPoseidon(
  msg: bigint,
  sig: { R8: AffinePoint; S: bigint },
  pubKey: AffinePoint,
  engine?: VerifyEngine,
): boolean {
  if (!wellFormed(msg, sig, pubKey)) return false;
  const e = engine ?? activeNative() ?? edwardsWasm();
  if (e instanceof EdwardsWasm) return verifyWasm(msg, sig, pubKey, e);
  // The addon checks S < l, canonical coordinates and both points on the curve itself.
  return e.verify(nativeMsg(msg), sig.R8[0], sig.R8[1], pubKey[0], pubKey[1], sig.S);
}

/**
 * Many signatures in one call, one verdict each (the same as `verifyPoseidon` per item). On the native
 * backend that is one crossing into C++, split over every core when the batch is large enough.
 */
export function verifyBatch(items: readonly SignedMessage[], engine?: VerifyEngine): boolean[] {
  const e = engine ?? activeNative() ?? edwardsWasm();
  if (e instanceof EdwardsWasm) {
    return items.map(
      (it) => typeof it === "object" && it !== null && verifyPoseidon(it.msg, it.sig, it.pubKey, e),
    );
  }
  const flat: unknown[] = new Array(items.length * 6);
  items.forEach((it, i) => {
    const o = 6 * i;
    if (typeof it !== "object" || it === null || !wellFormed(it.msg, it.sig, it.pubKey)) {
      flat.fill(undefined, o, o + 6); // the addon reads a non-bigint as a failed check
      return;
    }
    flat[o] = nativeMsg(it.msg);
    flat[o + 1] = it.sig.R8[0];
    flat[o + 2] = it.sig.R8[1];
    flat[o + 3] = it.pubKey[0];
    flat[o + 4] = it.pubKey[1];
    flat[o + 5] = it.sig.S;
  });
  return Array.from(e.verifyBatch(flat), (ok) => ok === 1);
}
