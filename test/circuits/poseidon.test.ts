import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { poseidon } from "../../sequencer/crypto/poseidon.ts";
import { P } from "../../sequencer/state/field.ts";
import { compiledMain, witness } from "../utils/circuit.ts";

// One circuit with PoseidonLean(n) for every n in 1..16, outputs in order: it must be circomlib's function.
const SOURCE = `pragma circom 2.1.0;
include "poseidon.circom";
template AllWidths() {
  signal input in[16];
  signal output out[16];
  component h[16];
  for (var n = 1; n <= 16; n++) {
    h[n - 1] = PoseidonLean(n);
    for (var i = 0; i < n; i++) h[n - 1].inputs[i] <== in[i];
    out[n - 1] <== h[n - 1].out;
  }
}
component main = AllWidths();
`;

let wasmPath: string;
let constraints: number;

before(async () => {
  ({ wasmPath, constraints } = await compiledMain("poseidon-widths", SOURCE));
});

describe("PoseidonLean", () => {
  it("equals circomlib Poseidon for 1..16 inputs, including p - 1 inputs", async () => {
    for (const inputs of [
      Array.from({ length: 16 }, (_, i) => BigInt(i * 1_000_003 + 7)),
      Array.from({ length: 16 }, (_, i) => P - 1n - BigInt(i)),
    ]) {
      const w = await witness({ in: inputs.map(String) }, wasmPath);
      for (let n = 1; n <= 16; n++) assert.equal(w[n], poseidon(inputs.slice(0, n)), `Poseidon(${n})`);
    }
  });

  it("costs only its S-boxes plus one output constraint: 3 * (8t + nRoundsP) per hash (the output constraint is folded away by --O1)", () => {
    const roundsP = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
    const expected = roundsP.reduce((sum, rp, i) => sum + 3 * (8 * (i + 2) + rp), 0);
    assert.equal(constraints, expected);
  });
});
