import assert from "node:assert/strict";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import * as snarkjs from "snarkjs";
import { devSetup } from "../../prover/setup/dev-setup.ts";
import { type CompiledFixture, compilePoseidonChain } from "./fixtures/compile-fixture.ts";

const quiet = { onProgress: () => {}, warn: () => {} };

describe("dev setup (INSECURE, seeded toxic waste)", () => {
  let fx: CompiledFixture;
  let zkey: string;
  let vk: unknown;

  before(async () => {
    fx = await compilePoseidonChain();
    zkey = join(fx.dir, "seed-a.zkey");
    await devSetup(fx.r1csPath, zkey, { seed: "seed-a", ...quiet });
    vk = await snarkjs.zKey.exportVerificationKey(zkey);
  });

  test("writes a zkey whose snarkjs proofs verify, with 4 public signals", async () => {
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(
      { a: 3, b: 5, secret: 7 },
      fx.wasmPath,
      zkey,
    );
    assert.equal(publicSignals.length, 4);
    assert.equal(publicSignals[1], "15"); // product = a * b
    assert.deepEqual(publicSignals.slice(2), ["3", "5"]);
    assert.equal(await snarkjs.groth16.verify(vk, publicSignals, proof), true);
  });

  test("rejects a proof whose public signals were tampered with", async () => {
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(
      { a: 11, b: 13, secret: 1 },
      fx.wasmPath,
      zkey,
    );
    for (let i = 0; i < publicSignals.length; i++) {
      const tampered = [...publicSignals];
      tampered[i] = (BigInt(tampered[i] as string) + 1n).toString();
      assert.equal(await snarkjs.groth16.verify(vk, tampered, proof), false, `signal ${i} tampered`);
    }
  });

  test("is deterministic: the same seed gives a byte-identical zkey, another seed a different one", async () => {
    const again = join(fx.dir, "seed-a-again.zkey");
    const other = join(fx.dir, "seed-b.zkey");
    await devSetup(fx.r1csPath, again, { seed: "seed-a", ...quiet });
    await devSetup(fx.r1csPath, other, { seed: "seed-b", ...quiet });
    const [za, zaa, zb] = await Promise.all([readFile(zkey), readFile(again), readFile(other)]);
    assert.ok(za.equals(zaa), "same seed, same bytes");
    assert.equal(za.length, zb.length);
    assert.ok(!za.equals(zb), "different seed, different bytes");
    // A proof from one key must not verify under the other key's verification key.
    const vkB = await snarkjs.zKey.exportVerificationKey(other);
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(
      { a: 3, b: 5, secret: 7 },
      fx.wasmPath,
      zkey,
    );
    assert.equal(await snarkjs.groth16.verify(vkB, publicSignals, proof), false);
    await Promise.all([rm(again), rm(other)]);
  });

  test("prints the INSECURE banner with the seed on every run", async () => {
    const out: string[] = [];
    const tmp = join(fx.dir, "banner.zkey");
    await devSetup(fx.r1csPath, tmp, { seed: "loud", onProgress: () => {}, warn: (m) => out.push(m) });
    await rm(tmp);
    assert.match(out.join("\n"), /INSECURE DEV SETUP/);
    assert.match(out.join("\n"), /"loud"/);
  });
});
