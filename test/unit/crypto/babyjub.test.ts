import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  add,
  BASE8,
  clearCofactor,
  equals,
  fromAffine,
  IDENTITY,
  isOnCurve,
  mulVariable,
  SUBGROUP_ORDER,
  toAffine,
} from "../../../sequencer/crypto/babyjub.ts";
import { EdwardsWasm } from "../../../sequencer/crypto/babyjub-wasm.ts";
import { FIELD_MODULUS } from "../../../sequencer/crypto/field.ts";

const B8 = fromAffine(BASE8);
const scalar = fc.bigInt({ min: 0n, max: SUBGROUP_ORDER - 1n });

describe("babyjub", () => {
  const wasm = new EdwardsWasm({ keyTableSlots: 1, buildAfterHits: 2 });

  it("computes k·B8 in wasm exactly as the bigint double-and-add does", () => {
    for (const k of [0n, 1n, 2n, 255n, 256n, SUBGROUP_ORDER - 1n])
      assert.ok(equals(wasm.mulBase8(k), mulVariable(B8, k)), `k=${k}`);
    fc.assert(
      fc.property(scalar, (k) => equals(wasm.mulBase8(k), mulVariable(B8, k))),
      { numRuns: 10 },
    );
  });

  it("checks S·B8 == R8 + hm·(8·A) in wasm like the bigint formulas, with and without a key table", () => {
    fc.assert(
      fc.property(scalar, scalar, scalar, (a, r, hm) => {
        const pub = toAffine(mulVariable(B8, a));
        const R8 = toAffine(mulVariable(B8, r));
        const right = add(fromAffine(R8), mulVariable(clearCofactor(fromAffine(pub)), hm));
        // With the discrete logs known, the S that satisfies the equation is r + 8·hm·a.
        const expectedS = (r + 8n * hm * a) % SUBGROUP_ORDER;
        assert.ok(equals(mulVariable(B8, expectedS), right));
        for (let i = 0; i < 3; i++) {
          assert.equal(wasm.checkEquation(expectedS, hm, R8, pub), true); // 2nd and 3rd use the key table
          assert.equal(wasm.checkEquation((expectedS + 1n) % SUBGROUP_ORDER, hm, R8, pub), false);
        }
      }),
      { numRuns: 4 },
    );
  });

  it("keeps the prime-order subgroup: l·B8 is the identity", () => {
    assert.ok(equals(mulVariable(B8, SUBGROUP_ORDER), IDENTITY));
    assert.ok(equals(wasm.mulBase8(0n), IDENTITY));
  });

  it("rejects off-curve and non-canonical coordinates in isOnCurve", () => {
    assert.equal(isOnCurve(BASE8), true);
    assert.equal(isOnCurve([BASE8[0], BASE8[1] + 1n]), false);
    assert.equal(isOnCurve([BASE8[0] + FIELD_MODULUS, BASE8[1]]), false);
    assert.equal(isOnCurve([-1n, 0n]), false);
    assert.equal(isOnCurve([0n, 1n]), true);
  });
});
