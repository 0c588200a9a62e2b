/**
 * The native crypto addon (prover/native/crypto) against circomlibjs and the wasm paths: Poseidon on
 * the shared vectors, field edges and random inputs; EdDSA-Poseidon on the shared vectors and every
 * tampering case; verifyBatch against per-item verify. Skipped, with the reason, when the addon is not
 * built (no compiler on this machine); the wasm paths are tested in eddsa.test.ts and poseidon.test.ts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import { buildPoseidon } from "circomlibjs";
import fc from "fast-check";
import {
  BASE8,
  fromAffine,
  mulVariable,
  SUBGROUP_ORDER,
  toAffine,
} from "../../../sequencer/crypto/babyjub.ts";
import { EdwardsWasm } from "../../../sequencer/crypto/babyjub-wasm.ts";
import {
  prv2pub,
  type SignedMessage,
  signPoseidon,
  verifyBatch,
  verifyPoseidon,
} from "../../../sequencer/crypto/eddsa.ts";
import { PoseidonInputError } from "../../../sequencer/crypto/errors.ts";
import { FIELD_MODULUS } from "../../../sequencer/crypto/field.ts";
import {
  cryptoBackend,
  decideBackend,
  loadNative,
  type NativeCrypto,
  NativeCryptoUnavailableError,
  nativeLoadError,
  tryLoadAddon,
  useCryptoBackend,
} from "../../../sequencer/crypto/native.ts";
import { poseidon, poseidonNative, poseidonWasm } from "../../../sequencer/crypto/poseidon.ts";
import { buildReferenceEddsa, type ReferenceEddsa } from "./circomlib-reference.ts";
import { IDENTITY_POINT, nonCanonical, ORDER_FOUR, ORDER_TWO, parsed, tamperings } from "./eddsa-cases.ts";

const addon = loadNative();
const skip = addon ? false : `native crypto addon not built: ${nativeLoadError()}`;
const P = FIELD_MODULUS;

const { vectors: poseidonVectors } = JSON.parse(
  readFileSync(new URL("../../vectors/poseidon.json", import.meta.url), "utf8"),
) as { vectors: { inputs: string[]; output: string }[] };

describe("crypto backend choice", () => {
  it("falls back to wasm with a loud warning when the addon is missing, unless native is demanded", () => {
    const missing = tryLoadAddon("/nonexistent/zkcrypto.node");
    assert.ok("error" in missing && missing.error.includes("not built"));
    const auto = decideBackend(undefined, false, "not built");
    assert.equal(auto.backend, "wasm");
    assert.match(auto.warning ?? "", /WARNING: .*not built[\s\S]*fall back to wasm/);
    assert.throws(() => decideBackend("native", false, "not built"), NativeCryptoUnavailableError);
    assert.deepEqual(decideBackend("wasm", true), { backend: "wasm" });
    assert.deepEqual(decideBackend(undefined, true), { backend: "native" });
    assert.deepEqual(decideBackend("native", true), { backend: "native" });
  });

  it("routes poseidon and verifyPoseidon to wasm when CRYPTO=wasm, and back", () => {
    const v = parsed[0]!;
    const before = cryptoBackend();
    try {
      assert.equal(useCryptoBackend("wasm"), "wasm");
      assert.equal(poseidon([1n, 2n]), poseidonWasm([1n, 2n]));
      assert.equal(verifyPoseidon(v.msg, v.sig, v.pub), true);
      assert.deepEqual(verifyBatch([{ msg: v.msg, sig: v.sig, pubKey: v.pub }]), [true]);
    } finally {
      useCryptoBackend(before);
    }
    assert.equal(cryptoBackend(), before);
  });
});

describe("native crypto addon", { skip }, () => {
  const nat = addon as NativeCrypto;
  let ref: ReferenceEddsa;
  let refPoseidon: Awaited<ReturnType<typeof buildPoseidon>>;
  const refHash = (xs: bigint[]) => refPoseidon.F.toObject(refPoseidon(xs)) as bigint;
  const wasm = new EdwardsWasm({ keyTableSlots: 0 });
  before(async () => {
    ref = await buildReferenceEddsa();
    refPoseidon = await buildPoseidon();
    nat.setKeyCache(128, 2);
  });

  it("passes its self-test", () => {
    assert.equal(nat.selftest(), true);
  });

  it("hashes Poseidon like the circomlibjs vectors for every arity 1..16", () => {
    const arities = new Set<number>();
    for (const v of poseidonVectors) {
      assert.equal(
        poseidonNative(nat, v.inputs.map(BigInt)),
        BigInt(v.output),
        `inputs ${v.inputs.join(",")}`,
      );
      arities.add(v.inputs.length);
    }
    assert.equal(arities.size, 16);
  });

  it("hashes 0, 1 and p - 1 like circomlibjs in every arity", () => {
    for (let n = 1; n <= 16; n++) {
      for (const x of [0n, 1n, P - 1n]) {
        const xs = Array.from({ length: n }, () => x);
        assert.equal(poseidonNative(nat, xs), refHash(xs), `${n} × ${x}`);
      }
      const mixed = Array.from({ length: n }, (_, i) => [0n, 1n, P - 1n][i % 3]!);
      assert.equal(poseidonNative(nat, mixed), refHash(mixed), `${n} mixed`);
    }
  });

  it("agrees with circomlibjs and wasm on random inputs of random arity", () => {
    const field = fc.bigInt({ min: 0n, max: P - 1n });
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 16 }), (xs) => {
        const out = poseidonNative(nat, xs);
        assert.equal(out, refHash(xs));
        assert.equal(out, poseidonWasm(xs));
      }),
      { numRuns: 100 },
    );
  });

  it("reduces non-canonical and negative Poseidon inputs mod p, and rejects bad arity and non-bigints", () => {
    assert.equal(poseidonNative(nat, [P + 5n, 7n]), poseidonNative(nat, [5n, 7n]));
    assert.equal(poseidonNative(nat, [(1n << 256n) - 1n]), poseidonWasm([(1n << 256n) - 1n]));
    assert.equal(poseidonNative(nat, [-1n]), poseidonNative(nat, [P - 1n]));
    assert.equal(poseidonNative(nat, [(1n << 300n) + 3n]), poseidonWasm([(1n << 300n) + 3n]));
    assert.throws(() => poseidonNative(nat, []), PoseidonInputError);
    assert.throws(
      () =>
        poseidonNative(
          nat,
          Array.from({ length: 17 }, () => 1n),
        ),
      PoseidonInputError,
    );
    assert.throws(() => poseidonNative(nat, [1 as unknown as bigint]), TypeError);
  });

  it("accepts every circomlibjs vector signature, with and without per-key tables", () => {
    for (const [slots, after] of [
      [0, 2],
      [2, 1],
      [128, 2],
    ] as const) {
      nat.setKeyCache(slots, after);
      for (let round = 0; round < 3; round++) {
        for (const v of parsed) {
          assert.equal(verifyPoseidon(v.msg, v.sig, v.pub, nat), true);
          assert.equal(verifyPoseidon(v.msg + 1n, v.sig, v.pub, nat), false);
        }
      }
      const stats = nat.keyCacheStats();
      const keys = new Set(parsed.map((v) => `${v.pub[0]}:${v.pub[1]}`)).size;
      assert.equal(stats.tables, Math.min(slots, keys), `slots ${slots}`);
    }
  });

  it("rejects each tampered signature exactly when circomlibjs (and wasm) rejects it", () => {
    for (const slots of [0, 128]) {
      nat.setKeyCache(slots, 1);
      for (const [i, v] of parsed.entries()) {
        for (const t of tamperings(v, parsed[(i + 1) % parsed.length]!)) {
          const native = verifyPoseidon(t.msg, t.sig, t.pub, nat);
          assert.equal(native, false, `${t.name} must be rejected`);
          assert.equal(native, ref.verifyPoseidon(t.msg, t.sig, t.pub), `${t.name}: verdicts differ`);
          assert.equal(
            native,
            verifyPoseidon(t.msg, t.sig, t.pub, wasm),
            `${t.name}: native and wasm differ`,
          );
        }
      }
    }
    nat.setKeyCache(128, 2);
  });

  it("rejects non-canonical coordinates that circomlibjs would silently reduce mod p", () => {
    for (const t of nonCanonical(parsed[0]!)) {
      assert.equal(
        ref.verifyPoseidon(t.msg, t.sig, t.pub),
        true,
        `${t.name}: documents circomlibjs' leniency`,
      );
      assert.equal(verifyPoseidon(t.msg, t.sig, t.pub, nat), false, t.name);
      // Straight into the addon too, past the TS checks.
      assert.equal(nat.verify(t.msg, t.sig.R8[0], t.sig.R8[1], t.pub[0], t.pub[1], t.sig.S), false, t.name);
    }
    const v = parsed[0]!;
    assert.equal(
      nat.verify(v.msg, v.sig.R8[0], v.sig.R8[1], v.pub[0], v.pub[1], v.sig.S + SUBGROUP_ORDER),
      false,
    );
    assert.equal(nat.verify(v.msg, v.sig.R8[0], v.sig.R8[1], v.pub[0], v.pub[1], -v.sig.S), false);
    assert.equal(nat.verify(v.msg, v.sig.R8[0], v.sig.R8[1], v.pub[0], v.pub[1], 1n << 256n), false);
  });

  it("reduces the message mod p as circomlibjs does", () => {
    const v = parsed[0]!;
    assert.equal(verifyPoseidon(v.msg + P, v.sig, v.pub, nat), true);
    assert.equal(verifyPoseidon(v.msg - P, v.sig, v.pub, nat), ref.verifyPoseidon(v.msg - P, v.sig, v.pub));
  });

  it("returns false instead of throwing on malformed input", () => {
    const v = parsed[0]!;
    const bad = (x: unknown) => x as [bigint, bigint];
    assert.equal(verifyPoseidon(v.msg, { R8: bad([1n]), S: 1n }, v.pub, nat), false);
    assert.equal(verifyPoseidon(v.msg, { R8: v.sig.R8, S: -1n }, v.pub, nat), false);
    assert.equal(verifyPoseidon(v.msg, null as unknown as SignedMessage["sig"], v.pub, nat), false);
    assert.equal(verifyPoseidon(v.msg, v.sig, bad(["1", "2"]), nat), false);
    assert.equal(verifyPoseidon(1 as unknown as bigint, v.sig, v.pub, nat), false);
    const call = nat.verify as unknown as (...a: unknown[]) => boolean;
    assert.equal(call(v.msg, v.sig.R8[0], v.sig.R8[1], v.pub[0], v.pub[1]), false);
    assert.equal(call(v.msg, "1", v.sig.R8[1], v.pub[0], v.pub[1], v.sig.S), false);
  });

  it("accepts, like circomlibjs, R8 = S·B8 under a low-order key (8·A is the identity)", () => {
    // Not a verifier bug: EdDSA-Poseidon as circomlib defines it (and as the circuit checks it) gives a
    // low-order public key no protection. Such a key can only come from its own deposit.
    const S = 12345n;
    const R8 = toAffine(mulVariable(fromAffine(BASE8), S));
    for (const pub of [IDENTITY_POINT, ORDER_TWO, ORDER_FOUR]) {
      const sig = { R8, S };
      assert.equal(ref.verifyPoseidon(77n, sig, pub), true);
      assert.equal(verifyPoseidon(77n, sig, pub, nat), true);
      assert.equal(verifyPoseidon(77n, sig, pub, wasm), true);
    }
  });

  it("agrees with circomlibjs on random keys and messages (sign, verify, tamper)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.bigInt({ min: 0n, max: P - 1n }),
        fc.bigInt({ min: 1n, max: P - 1n }),
        (prv, msg, delta) => {
          const pub = prv2pub(prv);
          const sig = signPoseidon(prv, msg);
          assert.equal(verifyPoseidon(msg, sig, pub, nat), true);
          const wrong = (msg + delta) % P;
          assert.equal(verifyPoseidon(wrong, sig, pub, nat), ref.verifyPoseidon(wrong, sig, pub));
          const badS = { R8: sig.R8, S: (sig.S + delta) % SUBGROUP_ORDER };
          assert.equal(verifyPoseidon(msg, badS, pub, nat), false);
        },
      ),
      { numRuns: 12 },
    );
  });

  describe("verifyBatch", () => {
    const valid: SignedMessage[] = parsed.map((v) => ({ msg: v.msg, sig: v.sig, pubKey: v.pub }));
    const mixed: SignedMessage[] = [];
    for (const [i, v] of parsed.entries()) {
      mixed.push({ msg: v.msg, sig: v.sig, pubKey: v.pub });
      for (const t of tamperings(v, parsed[(i + 1) % parsed.length]!))
        mixed.push({ msg: t.msg, sig: t.sig, pubKey: t.pub });
      for (const t of nonCanonical(v)) mixed.push({ msg: t.msg, sig: t.sig, pubKey: t.pub });
    }
    mixed.push(null as unknown as SignedMessage);
    mixed.push({ msg: 1n, sig: { R8: [1n] as unknown as [bigint, bigint], S: 1n }, pubKey: parsed[0]!.pub });

    it("gives one verdict per signature, the same as verifyPoseidon, on a mixed batch", () => {
      const verdicts = verifyBatch(mixed, nat);
      assert.equal(verdicts.length, mixed.length);
      const expected = mixed.map((m) => (m ? verifyPoseidon(m.msg, m.sig, m.pubKey, wasm) : false));
      assert.deepEqual(verdicts, expected);
      assert.equal(verdicts.filter(Boolean).length, parsed.length);
    });

    it("matches per-item verify on a large batch split over threads, with any thread count", () => {
      const big: SignedMessage[] = [];
      for (let i = 0; i < 200; i++) {
        const v = valid[i % valid.length]!;
        big.push(i % 7 === 3 ? { ...v, msg: v.msg + 1n } : v);
      }
      const expected = big.map((m) => verifyPoseidon(m.msg, m.sig, m.pubKey, nat));
      assert.deepEqual(verifyBatch(big, nat), expected);
      const flat = big.flatMap((m) => [m.msg, m.sig.R8[0], m.sig.R8[1], m.pubKey[0], m.pubKey[1], m.sig.S]);
      for (const threads of [1, 2, 3, 8]) {
        assert.deepEqual(
          Array.from(nat.verifyBatch(flat, threads), (b) => b === 1),
          expected,
          `${threads} threads`,
        );
      }
    });

    it("takes an empty batch, and runs on wasm when given the wasm engine", () => {
      assert.deepEqual(verifyBatch([], nat), []);
      assert.deepEqual(verifyBatch(mixed, wasm), verifyBatch(mixed, nat));
    });

    it("throws on a flat array that is not 6 values per signature", () => {
      assert.throws(() => nat.verifyBatch([1n, 2n, 3n]), TypeError);
    });
  });
});
