import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { buildPoseidon } from "circomlibjs";
import fc from "fast-check";
import { PoseidonInputError } from "../../../sequencer/crypto/errors.ts";
import { FIELD_MODULUS } from "../../../sequencer/crypto/field.ts";
import { loadNative } from "../../../sequencer/crypto/native.ts";
import { poseidon, poseidonWasm, warmUpPoseidon } from "../../../sequencer/crypto/poseidon.ts";
import { poseidonBigint } from "../../../sequencer/crypto/poseidon-bigint.ts";

interface Vector {
  inputs: string[];
  output: string;
}
const { vectors } = JSON.parse(
  readFileSync(new URL("../../vectors/poseidon.json", import.meta.url), "utf8"),
) as {
  vectors: Vector[];
};

describe("poseidon", () => {
  it("runs on the native addon when it is built, else on wasm", () => {
    assert.equal(warmUpPoseidon(), loadNative() ? "native" : "wasm");
  });

  it("matches the circomlibjs vectors for every arity 1..16 (active backend, wasm and bigint)", () => {
    const arities = new Set<number>();
    for (const v of vectors) {
      assert.equal(poseidon(v.inputs.map(BigInt)), BigInt(v.output), `inputs ${v.inputs.join(",")}`);
      assert.equal(
        poseidonWasm(v.inputs.map(BigInt)),
        BigInt(v.output),
        `wasm: inputs ${v.inputs.join(",")}`,
      );
      assert.equal(
        poseidonBigint(v.inputs.map(BigInt)),
        BigInt(v.output),
        `bigint: inputs ${v.inputs.join(",")}`,
      );
      arities.add(v.inputs.length);
    }
    assert.equal(arities.size, 16);
  });

  it("agrees with live circomlibjs on random inputs of random arity", async () => {
    const ref = await buildPoseidon();
    const field = fc.bigInt({ min: 0n, max: FIELD_MODULUS - 1n });
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 16 }), (xs) => {
        const expected = ref.F.toObject(ref(xs)) as bigint;
        assert.equal(poseidon(xs), expected);
        assert.equal(poseidonWasm(xs), expected);
        assert.equal(poseidonBigint(xs), expected);
      }),
      { numRuns: 60 },
    );
  });

  it("reduces non-canonical and negative inputs mod p, as circomlibjs does", () => {
    assert.equal(poseidon([FIELD_MODULUS + 5n, 7n]), poseidon([5n, 7n]));
    assert.equal(poseidon([-1n]), poseidon([FIELD_MODULUS - 1n]));
    assert.equal(poseidon([(1n << 300n) + 3n]), poseidonBigint([(1n << 300n) + 3n]));
    assert.equal(poseidonWasm([FIELD_MODULUS + 5n, 7n]), poseidon([5n, 7n]));
  });

  it("rejects zero inputs and more than 16 inputs", () => {
    assert.throws(() => poseidon([]), PoseidonInputError);
    assert.throws(() => poseidonWasm([]), PoseidonInputError);
    assert.throws(() => poseidon(Array.from({ length: 17 }, () => 1n)), PoseidonInputError);
    assert.throws(() => poseidonBigint([]), PoseidonInputError);
  });
});
