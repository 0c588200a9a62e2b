import assert from "node:assert/strict";
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
import { nonCanonical, parsed, tamperings } from "./eddsa-cases.ts";

// The wasm engine explicitly: the native addon has its own tests (native.test.ts) on the same cases.
const wasm = new EdwardsWasm();

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
        const fast = verifyPoseidon(t.msg, t.sig, t.pub, wasm);
        assert.equal(fast, false, `${t.name} must be rejected`);
        assert.equal(fast, ref.verifyPoseidon(t.msg, t.sig, t.pub), `${t.name}: verdicts differ`);
      }
    }
  });

  it("rejects non-canonical coordinates that circomlibjs would silently reduce mod p", () => {
    for (const t of nonCanonical(parsed[0]!)) {
      assert.equal(
        ref.verifyPoseidon(t.msg, t.sig, t.pub),
        true,
        `${t.name}: documents circomlibjs' leniency`,
      );
      assert.equal(verifyPoseidon(t.msg, t.sig, t.pub, wasm), false, t.name);
    }
  });

  it("returns false instead of throwing on malformed input", () => {
    const v = parsed[0]!;
    for (const e of [wasm, undefined]) {
      assert.equal(
        verifyPoseidon(v.msg, { R8: [1n] as unknown as [bigint, bigint], S: 1n }, v.pub, e),
        false,
      );
      assert.equal(verifyPoseidon(v.msg, { R8: v.sig.R8, S: -1n }, v.pub, e), false);
      assert.equal(verifyPoseidon(v.msg, null as unknown as Signature, v.pub, e), false);
      assert.equal(verifyPoseidon(v.msg, v.sig, ["1", "2"] as unknown as [bigint, bigint], e), false);
    }
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
          assert.equal(verifyPoseidon(msg, sig, pub, wasm), true);
          const wrong = (msg + 1n) % FIELD_MODULUS;
          assert.equal(verifyPoseidon(wrong, sig, pub, wasm), ref.verifyPoseidon(wrong, sig, pub));
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
