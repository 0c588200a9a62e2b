/**
 * The shared EdDSA-Poseidon test material: the circomlibjs vectors (test/vectors/eddsa.json, from
 * gen-eddsa-vectors.ts) and every way a vector can be broken, for the wasm and the native verifier.
 */
import { readFileSync } from "node:fs";
import { F1Field } from "ffjavascript";
import { A as CURVE_A, isOnCurve, SUBGROUP_ORDER } from "../../../sequencer/crypto/babyjub.ts";
import type { Signature } from "../../../sequencer/crypto/eddsa.ts";
import { FIELD_MODULUS } from "../../../sequencer/crypto/field.ts";

interface Vector {
  prv: string;
  pubKey: [string, string];
  msg: string;
  signature: { r8x: string; r8y: string; s: string };
}
const { vectors } = JSON.parse(
  readFileSync(new URL("../../vectors/eddsa.json", import.meta.url), "utf8"),
) as {
  vectors: Vector[];
};

export interface ParsedVector {
  prv: Uint8Array;
  pub: [bigint, bigint];
  msg: bigint;
  sig: Signature;
}

export const parsed: ParsedVector[] = vectors.map((v) => ({
  prv: Uint8Array.from(Buffer.from(v.prv, "hex")),
  pub: [BigInt(v.pubKey[0]), BigInt(v.pubKey[1])] as [bigint, bigint],
  msg: BigInt(v.msg),
  sig: { R8: [BigInt(v.signature.r8x), BigInt(v.signature.r8y)], S: BigInt(v.signature.s) } as Signature,
}));

const F = new F1Field(FIELD_MODULUS);

/** The identity (0, 1): of order 1. */
export const IDENTITY_POINT: [bigint, bigint] = [0n, 1n];
/** A point of order 2: adding it keeps a point on the curve but moves it out of the prime subgroup. */
export const ORDER_TWO: [bigint, bigint] = [0n, FIELD_MODULUS - 1n];
/** A point of order 4: (1/√a, 0), on the curve since a is a square. */
export const ORDER_FOUR: [bigint, bigint] = [F.toObject(F.sqrt(F.inv(F.e(CURVE_A)))) as bigint, 0n];
if (!isOnCurve(ORDER_FOUR)) throw new Error("the order-4 point is off the curve");

const negX = (p: readonly [bigint, bigint]): [bigint, bigint] => [
  (FIELD_MODULUS - p[0]) % FIELD_MODULUS,
  p[1],
];

export interface Tampering {
  name: string;
  msg: bigint;
  sig: Signature;
  pub: [bigint, bigint];
}

/** Every way a vector can be broken, each of which circomlibjs rejects. */
export function tamperings(v: ParsedVector, other: ParsedVector): Tampering[] {
  const { msg, sig, pub } = v;
  return [
    { name: "msg + 1", msg: msg + 1n, sig, pub },
    {
      name: "msg + p - 1 (another field element)",
      msg: (msg + FIELD_MODULUS - 1n) % FIELD_MODULUS,
      sig,
      pub,
    },
    { name: "other key's pubkey", msg, sig, pub: other.pub },
    { name: "other signature's R8", msg, sig: { R8: other.sig.R8, S: sig.S }, pub },
    { name: "other signature's S", msg, sig: { R8: sig.R8, S: other.sig.S }, pub },
    { name: "S + 1", msg, sig: { R8: sig.R8, S: (sig.S + 1n) % SUBGROUP_ORDER }, pub },
    { name: "S = 0", msg, sig: { R8: sig.R8, S: 0n }, pub },
    {
      name: "S + order (same point, out of range)",
      msg,
      sig: { R8: sig.R8, S: sig.S + SUBGROUP_ORDER },
      pub,
    },
    { name: "S = order", msg, sig: { R8: sig.R8, S: SUBGROUP_ORDER }, pub },
    { name: "R8 off the curve", msg, sig: { R8: [sig.R8[0], sig.R8[1] + 1n], S: sig.S }, pub },
    { name: "R8 swapped x/y", msg, sig: { R8: [sig.R8[1], sig.R8[0]], S: sig.S }, pub },
    { name: "pubkey off the curve", msg, sig, pub: [pub[0] + 1n, pub[1]] as [bigint, bigint] },
    { name: "pubkey swapped x/y", msg, sig, pub: [pub[1], pub[0]] },
    { name: "R8 negated (on curve)", msg, sig: { R8: negX(sig.R8), S: sig.S }, pub },
    { name: "pubkey negated (on curve)", msg, sig, pub: negX(pub) },
    { name: "pubkey is the order-2 point", msg, sig, pub: ORDER_TWO },
    { name: "pubkey is the order-4 point", msg, sig, pub: ORDER_FOUR },
    { name: "pubkey is the identity", msg, sig, pub: IDENTITY_POINT },
    { name: "R8 is the order-2 point", msg, sig: { R8: ORDER_TWO, S: sig.S }, pub },
    { name: "R8 is the order-4 point", msg, sig: { R8: ORDER_FOUR, S: sig.S }, pub },
    { name: "R8 is the identity", msg, sig: { R8: IDENTITY_POINT, S: sig.S }, pub },
  ];
}

/** Re-encodings circomlibjs accepts (it reduces coordinates mod p) and we reject. */
export function nonCanonical(v: ParsedVector): Tampering[] {
  const { msg, sig, pub } = v;
  return [
    { name: "R8.x + p", msg, sig: { R8: [sig.R8[0] + FIELD_MODULUS, sig.R8[1]], S: sig.S }, pub },
    { name: "R8.y + p", msg, sig: { R8: [sig.R8[0], sig.R8[1] + FIELD_MODULUS], S: sig.S }, pub },
    { name: "A.x + p", msg, sig, pub: [pub[0] + FIELD_MODULUS, pub[1]] },
    { name: "A.y + p", msg, sig, pub: [pub[0], pub[1] + FIELD_MODULUS] },
  ];
}
