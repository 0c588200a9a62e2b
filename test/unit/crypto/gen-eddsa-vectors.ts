/**
 * Regenerates test/vectors/eddsa.json with circomlibjs (the reference). Run by hand:
 *   npx tsx test/unit/crypto/gen-eddsa-vectors.ts
 * Keys are sha256 of a label, messages mix edge values and random field elements, so reruns are identical.
 */
import { writeFileSync } from "node:fs";
import { sha256 } from "@noble/hashes/sha2.js";
import { FIELD_MODULUS } from "../../../sequencer/crypto/field.ts";
import { buildReferenceEddsa } from "./circomlib-reference.ts";

const ref = await buildReferenceEddsa();
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const label = (s: string) => sha256(new TextEncoder().encode(s));

const msgs = [0n, 1n, FIELD_MODULUS - 1n, (1n << 253n) + 12345n];
for (let i = 0; i < 8; i++) msgs.push(BigInt(`0x${hex(label(`eddsa-msg-${i}`))}`) % FIELD_MODULUS);

const vectors = msgs.map((msg, i) => {
  const prv = label(`eddsa-key-${i % 6}`);
  const pubKey = ref.prv2pub(prv);
  const sig = ref.signPoseidon(prv, msg);
  if (!ref.verifyPoseidon(msg, sig, pubKey)) throw new Error("circomlibjs rejected its own signature");
  return {
    prv: hex(prv),
    pubKey: pubKey.map(String),
    msg: String(msg),
    signature: { r8x: String(sig.R8[0]), r8y: String(sig.R8[1]), s: String(sig.S) },
  };
});

const file = new URL("../../vectors/eddsa.json", import.meta.url);
const source = "circomlibjs 0.1.7 buildEddsa: prv2pub, signPoseidon (msg as a field element)";
writeFileSync(file, `${JSON.stringify({ source, vectors }, null, 1)}\n`);
console.log(`wrote ${vectors.length} vectors to ${file.pathname}`);
