import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { SUBGROUP_ORDER } from "../../sequencer/crypto/babyjub.ts";
import { signPoseidon } from "../../sequencer/crypto/eddsa.ts";
import { devKey } from "../../sequencer/crypto/keys.ts";
import { P } from "../../sequencer/state/field.ts";
import { compiledMain, failsAt, witness } from "../utils/circuit.ts";

const SOURCE = `pragma circom 2.1.0;
include "signature.circom";
component main = SignatureCheck();
`;

let wasmPath: string;
let constraints: number;

before(async () => {
  ({ wasmPath, constraints } = await compiledMain("signature", SOURCE));
});

const alice = devKey("signature-test alice");
const bob = devKey("signature-test bob");
const MSG = 123456789012345678901234567890n;

function input(over: Partial<Record<string, bigint>> = {}): Record<string, string> {
  const sig = signPoseidon(alice.prv, MSG);
  const base: Record<string, bigint> = {
    enabled: 1n,
    Ax: alice.pubKey[0],
    Ay: alice.pubKey[1],
    S: sig.S,
    R8x: sig.R8[0],
    R8y: sig.R8[1],
    msg: MSG,
    ...over,
  };
  return Object.fromEntries(Object.entries(base).map(([k, v]) => [k, v.toString()]));
}

const AT = {
  equationX: failsAt("SignatureCheck", "signature.circom", "(left.out[0] - right.xout) * enabled === 0"),
  sBelowL: failsAt("SignatureCheck", "signature.circom", "sBelowL.out * enabled === 0"),
  onCurve: failsAt(
    "OnCurveIfEnabled",
    "signature.circom",
    "enabled * (168700 * x2 + y2 - 1 - 168696 * x2y2) === 0",
  ),
};

describe("SignatureCheck (EdDSA-Poseidon in the circuit)", () => {
  it("costs 7,577 constraints", () => {
    assert.equal(constraints, 7577);
  });

  it("accepts the sequencer's own signatures, for several keys and messages (including p - 1)", async () => {
    for (const [key, msg] of [
      [alice, MSG],
      [bob, 0n],
      [bob, P - 1n],
    ] as const) {
      const sig = signPoseidon(key.prv, msg);
      await witness(
        input({ Ax: key.pubKey[0], Ay: key.pubKey[1], S: sig.S, R8x: sig.R8[0], R8y: sig.R8[1], msg }),
        wasmPath,
      );
    }
  });

  it("rejects another message, another key, and a tweaked R8 or S", async () => {
    await assert.rejects(witness(input({ msg: MSG + 1n }), wasmPath), AT.equationX);
    await assert.rejects(witness(input({ Ax: bob.pubKey[0], Ay: bob.pubKey[1] }), wasmPath), AT.equationX);
    const sig = signPoseidon(alice.prv, MSG);
    await assert.rejects(witness(input({ S: (sig.S + 1n) % SUBGROUP_ORDER }), wasmPath), AT.equationX);
    // Another curve point as R8 (here the key itself) keeps the on-curve check, fails the equation.
    await assert.rejects(
      witness(input({ R8x: alice.pubKey[0], R8y: alice.pubKey[1] }), wasmPath),
      AT.equationX,
    );
  });

  it("rejects the malleable S + l (same point, S not reduced)", async () => {
    const sig = signPoseidon(alice.prv, MSG);
    await assert.rejects(witness(input({ S: sig.S + SUBGROUP_ORDER }), wasmPath), AT.sBelowL);
  });

  it("rejects an R8 or a key off the curve", async () => {
    const sig = signPoseidon(alice.prv, MSG);
    await assert.rejects(witness(input({ R8y: sig.R8[1] + 1n }), wasmPath), AT.onCurve);
    await assert.rejects(witness(input({ Ay: alice.pubKey[1] + 1n }), wasmPath), AT.onCurve);
  });

  it("checks nothing in a disabled slot (zeros, or a stale signature)", async () => {
    await witness({ enabled: "0", Ax: "0", Ay: "0", S: "0", R8x: "0", R8y: "0", msg: "0" }, wasmPath);
    await witness(input({ enabled: 0n, msg: MSG + 1n }), wasmPath);
  });
});
