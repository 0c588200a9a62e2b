import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import fc from "fast-check";
import {
  BASE8,
  equals,
  fromAffine,
  IDENTITY,
  isOnCurve,
  mulVariable,
  SUBGROUP_ORDER,
} from "../../../sequencer/crypto/babyjub.ts";
import { EdwardsWasm } from "../../../sequencer/crypto/babyjub-wasm.ts";
import { prv2pub, type Signature, signPoseidon, verifyPoseidon } from "../../../sequencer/crypto/eddsa.ts";
import { FIELD_MODULUS } from "../../../sequencer/crypto/field.ts";
import { buildReferenceEddsa, type ReferenceEddsa } from "./circomlib-reference.ts";

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
const parsed = vectors.map((v) => ({
  prv: Uint8Array.from(Buffer.from(v.prv, "hex")),
  pub: [BigInt(v.pubKey[0]), BigInt(v.pubKey[1])] as [bigint, bigint],
  msg: BigInt(v.msg),
  sig: { R8: [BigInt(v.signature.r8x), BigInt(v.signature.r8y)], S: BigInt(v.signature.s) } as Signature,
}));

// A point of order 2: adding it keeps a point on the curve but moves it out of the prime subgroup.
const ORDER_TWO: [bigint, bigint] = [0n, FIELD_MODULUS - 1n];
const negX = (p: readonly [bigint, bigint]): [bigint, bigint] => [
  (FIELD_MODULUS - p[0]) % FIELD_MODULUS,
  p[1],
];

/** Every way a vector can be broken, each of which circomlibjs rejects. */
function tamperings(v: (typeof parsed)[number], other: (typeof parsed)[number]) {
  const { msg, sig, pub } = v;
  return [
    { name: "msg + 1", msg: msg + 1n, sig, pub },
    { name: "other key's pubkey", msg, sig, pub: other.pub },
    { name: "other signature's R8", msg, sig: { R8: other.sig.R8, S: sig.S }, pub },
    { name: "S + 1", msg, sig: { R8: sig.R8, S: (sig.S + 1n) % SUBGROUP_ORDER }, pub },
    {
      name: "S + order (same point, out of range)",
      msg,
      sig: { R8: sig.R8, S: sig.S + SUBGROUP_ORDER },
      pub,
    },
    { name: "R8 off the curve", msg, sig: { R8: [sig.R8[0], sig.R8[1] + 1n], S: sig.S }, pub },
    { name: "pubkey off the curve", msg, sig, pub: [pub[0] + 1n, pub[1]] as [bigint, bigint] },
    { name: "R8 negated (on curve)", msg, sig: { R8: negX(sig.R8), S: sig.S }, pub },
    { name: "pubkey is the order-2 point", msg, sig, pub: ORDER_TWO },
  ] as { name: string; msg: bigint; sig: Signature; pub: [bigint, bigint] }[];
}

describe("eddsa-poseidon", () => {
  let ref: ReferenceEddsa;
  before(async () => {
    ref = await buildReferenceEddsa();
  });

  it("derives the same public keys as the circomlibjs vectors", () => {
    for (const v of parsed) assert.deepEqual(prv2pub(v.prv), v.pub);
  });

  it("produces the same signatures as the circomlibjs vectors", () => {
    for (const v of parsed) assert.deepEqual(signPoseidon(v.prv, v.msg), v.sig);
  });

  it("accepts every circomlibjs vector signature, with and without a cached key table", () => {
    // Two table slots for six keys: tables get built, evicted and rebuilt along the way.
    const engine = new EdwardsWasm({ keyTableSlots: 2, buildAfterHits: 1, maxTrackedKeys: 2 });
    const noTables = new EdwardsWasm({ keyTableSlots: 0 });
    for (const v of parsed) {
      assert.equal(verifyPoseidon(v.msg, v.sig, v.pub), true);
      assert.equal(verifyPoseidon(v.msg, v.sig, v.pub, noTables), true);
      assert.equal(verifyPoseidon(v.msg, v.sig, v.pub, engine), true);
      assert.equal(verifyPoseidon(v.msg + 1n, v.sig, v.pub, engine), false);
    }
    assert.equal(engine.stats().keyTables, 2);
    assert.equal(noTables.stats().keyTables, 0);
  });

  it("rejects each tampered signature exactly when circomlibjs rejects it", () => {
    for (const [i, v] of parsed.slice(0, 4).entries()) {
      for (const t of tamperings(v, parsed[(i + 1) % parsed.length]!)) {
        const fast = verifyPoseidon(t.msg, t.sig, t.pub);
        assert.equal(fast, false, `${t.name} must be rejected`);
        assert.equal(fast, ref.verifyPoseidon(t.msg, t.sig, t.pub), `${t.name}: verdicts differ`);
      }
    }
  });

  it("rejects non-canonical coordinates that circomlibjs would silently reduce mod p", () => {
    const v = parsed[0]!;
    const nonCanonical: Signature = { R8: [v.sig.R8[0] + FIELD_MODULUS, v.sig.R8[1]], S: v.sig.S };
    assert.equal(ref.verifyPoseidon(v.msg, nonCanonical, v.pub), true, "documents circomlibjs' leniency");
    assert.equal(verifyPoseidon(v.msg, nonCanonical, v.pub), false);
    assert.equal(verifyPoseidon(v.msg, v.sig, [v.pub[0], v.pub[1] + FIELD_MODULUS]), false);
  });

  it("returns false instead of throwing on malformed input", () => {
    const v = parsed[0]!;
    assert.equal(verifyPoseidon(v.msg, { R8: [1n] as unknown as [bigint, bigint], S: 1n }, v.pub), false);
    assert.equal(verifyPoseidon(v.msg, { R8: v.sig.R8, S: -1n }, v.pub), false);
    assert.equal(verifyPoseidon(v.msg, null as unknown as Signature, v.pub), false);
    assert.equal(verifyPoseidon(v.msg, v.sig, ["1", "2"] as unknown as [bigint, bigint]), false);
  });

  it("agrees with circomlibjs on random keys and messages (sign, derive, verify, tamper)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.bigInt({ min: 0n, max: FIELD_MODULUS - 1n }),
        (prv, msg) => {
          const pub = prv2pub(prv);
          assert.deepEqual(pub, ref.prv2pub(prv));
          assert.ok(isOnCurve(pub));
          const sig = signPoseidon(prv, msg);
          assert.deepEqual(sig, ref.signPoseidon(prv, msg));
          assert.equal(verifyPoseidon(msg, sig, pub), true);
          const wrong = (msg + 1n) % FIELD_MODULUS;
          assert.equal(verifyPoseidon(wrong, sig, pub), ref.verifyPoseidon(wrong, sig, pub));
        },
      ),
      { numRuns: 6 },
    );
  });

  it("keeps B8 on the curve and in the prime-order subgroup", () => {
    assert.ok(isOnCurve(BASE8));
    assert.ok(equals(mulVariable(fromAffine(BASE8), SUBGROUP_ORDER), IDENTITY));
    assert.ok(!equals(mulVariable(fromAffine(BASE8), SUBGROUP_ORDER - 1n), IDENTITY));
  });
});
