import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { desertPayout } from "../../../node/l1/desert-exit.ts";
import { L1Error } from "../../../node/l1/errors.ts";
import {
  exitMessage,
  forcedWithdrawalMessage,
  MAX_FORCED_AMOUNT,
  signExit,
} from "../../../node/l1/l1-messages.ts";
import { verifyPoseidon } from "../../../sequencer/crypto/eddsa.ts";
import { devKey } from "../../../sequencer/crypto/keys.ts";
import { type L1ExitVectors, l1ExitVectorsJson, ROLLUP } from "../../utils/l1-exit-vectors.ts";
import { buildReferenceEddsa } from "../crypto/circomlib-reference.ts";

const FILE = new URL("../../vectors/l1-exit.json", import.meta.url);
const TO = "0x00000000000000000000000000000000000000A1";

describe("desert-mode vectors (test/vectors/l1-exit.json)", () => {
  it("the committed file is what the builder makes (rerun contracts/script/gen-l1-vectors.ts)", () => {
    assert.equal(readFileSync(FILE, "utf8"), l1ExitVectorsJson());
  });

  it("every signature verdict is circomlibjs' one, but for non-canonical coordinates and low-order keys", async () => {
    const ref = await buildReferenceEddsa();
    const v = JSON.parse(readFileSync(FILE, "utf8")) as L1ExitVectors;
    // circomlibjs reduces a coordinate ≥ p, so it takes a re-encoded valid signature; and it takes a
    // forgery under a low-order key, which the circuit and the contract refuse.
    const refAccepts = new Set([
      "r8xPlusP",
      "axPlusP",
      "identityKeyForgery",
      "order2KeyForgery",
      "order4KeyForgery",
    ]);
    for (const sig of v.signatures) {
      const R8 = [BigInt(sig.r8x), BigInt(sig.r8y)] as const;
      const A = [BigInt(sig.ax), BigInt(sig.ay)] as const;
      const S = BigInt(sig.s);
      const refOk = ref.verifyPoseidon(BigInt(sig.msg), { R8, S }, A);
      assert.equal(refOk, refAccepts.has(sig.name) ? true : sig.valid === 1, sig.name);
    }
    assert.ok(v.signatures.some((x) => x.valid === 1) && v.signatures.some((x) => x.valid === 0));
  });

  it("has a payout of 0 for an account whose equity is negative", () => {
    const v = JSON.parse(readFileSync(FILE, "utf8")) as L1ExitVectors;
    const leaves = v.trees.flatMap((t) => t.leaves);
    assert.ok(leaves.some((l) => BigInt(l.equity) < 0n && l.payout === "0"));
    assert.ok(leaves.some((l) => BigInt(l.payout) > 0n));
  });
});

describe("L1 messages", () => {
  it("signs an exit that the TS verifier accepts for that message only", () => {
    const k = devKey("l1-messages test");
    const sig = signExit(k.prv, ROLLUP, 5n, TO);
    const ok = (msg: bigint) => verifyPoseidon(msg, { R8: [sig.r8x, sig.r8y], S: sig.s }, k.pubKey);
    assert.equal(ok(exitMessage(ROLLUP, 5n, TO)), true);
    assert.equal(ok(exitMessage(ROLLUP, 6n, TO)), false);
  });

  it("refuses a forced withdrawal amount of 2^80 and a malformed address", () => {
    assert.throws(() => forcedWithdrawalMessage(ROLLUP, 1n, 1n, MAX_FORCED_AMOUNT + 1n, TO), L1Error);
    assert.throws(() => exitMessage(ROLLUP, 1n, "0x1234"), L1Error);
  });
});

describe("desertPayout", () => {
  it("settles funding and marks the positions at the index", () => {
    // collateral 100, long 2 entered at 10 (entry 20), index 15, funding 3 since snapshot 1.
    const fields = [0n, 0n, 0n, 100n, 0n, 2n, 20n, 1n];
    assert.equal(desertPayout(fields, [15n], [3n]), 100n + (30n - 20n) + 2n * 2n);
  });

  it("refuses fields of the wrong shape", () => {
    assert.throws(() => desertPayout([0n, 0n, 0n, 1n, 0n], [1n], [1n]), L1Error);
  });
});
