import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { poseidon } from "../../../sequencer/crypto/poseidon.ts";
import { OutOfRangeError } from "../../../sequencer/state/errors.ts";
import { fromFieldSigned, P, toField } from "../../../sequencer/state/field.ts";
import { globalFields, globalRoot, stateRoot } from "../../../sequencer/state/global-state.ts";
import {
  checkLeafRanges,
  conservedQ,
  emptyLeaf,
  leafFields,
  leafHash,
} from "../../../sequencer/state/leaf.ts";

describe("field encoding", () => {
  it("encodes negatives as p - |x| and decodes them back", () => {
    assert.equal(toField(-1n), P - 1n);
    assert.equal(toField(-P - 3n), P - 3n);
    assert.equal(fromFieldSigned(P - 1n), -1n);
    for (const x of [0n, 1n, -1n, 2n ** 95n, -(2n ** 95n), (P - 1n) / 2n, -((P - 1n) / 2n)]) {
      assert.equal(fromFieldSigned(toField(x)), x);
    }
  });
});

describe("account leaf", () => {
  const leaf = {
    pubKeyX: 1n,
    pubKeyY: 2n,
    nonce: 3n,
    collateral: 1000n,
    positions: [
      { size: -4n, entryNotional: -400n, fundingSnapshot: -7n },
      { size: 5n, entryNotional: 250n, fundingSnapshot: 9n },
    ],
  };

  it("lays out fields in SPEC order with negative numbers mod p", () => {
    assert.deepEqual(leafFields(leaf, 2), [1n, 2n, 3n, 1000n, P - 4n, P - 400n, P - 7n, 5n, 250n, 9n]);
  });

  it("hashes the fields with one Poseidon call", () => {
    assert.equal(leafHash(leaf), poseidon(leafFields(leaf, 2)));
    assert.equal(leafHash(emptyLeaf(2)), poseidon(new Array(10).fill(0n)));
  });

  it("rejects a leaf whose position count is not M", () => {
    assert.throws(() => leafFields(leaf, 3), OutOfRangeError);
  });

  it("computes q = collateral - Σ entryNotional - Σ size * fundingSnapshot", () => {
    // 1000 - (-400 + 250) - ((-4)(-7) + 5 * 9) = 1000 + 150 - 73
    assert.equal(conservedQ(leaf), 1077n);
  });

  it("accepts the range limits and rejects one past them", () => {
    const at = (patch: (l: typeof leaf) => void) => {
      const l = structuredClone(leaf);
      patch(l);
      return () => checkLeafRanges(l);
    };
    assert.doesNotThrow(at((l) => (l.positions[0]!.size = -(2n ** 47n - 1n))));
    assert.throws(
      at((l) => (l.positions[0]!.size = -(2n ** 47n))),
      OutOfRangeError,
    );
    assert.throws(
      at((l) => (l.positions[1]!.size = 2n ** 47n)),
      OutOfRangeError,
    );
    assert.doesNotThrow(at((l) => (l.collateral = 2n ** 80n - 1n)));
    assert.throws(
      at((l) => (l.collateral = -1n)),
      OutOfRangeError,
    );
    assert.throws(
      at((l) => (l.nonce = 2n ** 32n)),
      OutOfRangeError,
    );
    assert.throws(
      at((l) => (l.positions[0]!.entryNotional = 2n ** 95n)),
      OutOfRangeError,
    );
    assert.throws(
      at((l) => (l.positions[0]!.fundingSnapshot = -(2n ** 63n))),
      OutOfRangeError,
    );
  });

  it("rejects entry notional on a flat position, as the circuit does, and accepts a flat one without", () => {
    const flat = (entryNotional: bigint) => {
      const l = structuredClone(leaf);
      l.positions[0] = { size: 0n, entryNotional, fundingSnapshot: 5n };
      return () => checkLeafRanges(l);
    };
    assert.doesNotThrow(flat(0n));
    assert.throws(flat(1n), (e: unknown) => e instanceof OutOfRangeError && e.code === "STATE_OUT_OF_RANGE");
    assert.throws(flat(-1n), OutOfRangeError);
  });
});

describe("global state", () => {
  it("hashes [mark, funding, OI]*M ++ [insurance, fees] and combines roots with Poseidon(2)", () => {
    const g = {
      markets: [{ markPrice: 10n, fundingIndex: -2n, openInterest: 3n }],
      insuranceFund: 4n,
      feePool: 5n,
    };
    assert.deepEqual(globalFields(g), [10n, P - 2n, 3n, 4n, 5n]);
    assert.equal(globalRoot(g), poseidon([10n, P - 2n, 3n, 4n, 5n]));
    assert.equal(stateRoot(1n, 2n), poseidon([1n, 2n]));
  });
});
