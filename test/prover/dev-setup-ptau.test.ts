import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, test } from "node:test";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { buildCircuit } from "../../scripts/build-circuits.ts";
import { compileCircom, poseidonChainSource } from "./fixtures/compile-fixture.ts";

after(async () => {
  await (await buildBn128()).terminate();
});

// The --ptau route (a real ceremony's file) must keep working next to the dev setup. Making even a
// 2^10 ptau takes ~30 s, so it is kept in the git-ignored fixtures build dir between runs.
test("buildCircuit with --ptau makes a snarkjs key (with a local contribution) whose proofs verify", async () => {
  const fx = await compileCircom("chain_1", poseidonChainSource(1));
  const ptau = join(fx.dir, "pot10_final.ptau");
  if (!existsSync(ptau)) {
    const curve = await buildBn128();
    const [p0, p1] = [join(fx.dir, "pot10_0.ptau"), join(fx.dir, "pot10_1.ptau")];
    await snarkjs.powersOfTau.newAccumulator(curve, 10, p0);
    await snarkjs.powersOfTau.contribute(p0, p1, "test", "test entropy");
    await snarkjs.powersOfTau.preparePhase2(p1, ptau);
    await Promise.all([rm(p0), rm(p1)]);
  }
  const logs: string[] = [];
  const m = await buildCircuit("ptau_fixture", {
    ptau,
    force: true,
    buildRoot: join(fx.dir, "ptau-build"),
    generatedDir: join(fx.dir, "ptau-generated"),
    instance: { circuit: "batch" as const, name: "ptau_fixture", D: 1, N: 1, M: 1, ND: 1, NW: 1 },
    compile: async () => ({
      dir: fx.dir,
      r1csPath: fx.r1csPath,
      wasmPath: fx.wasmPath,
      hash: "chain-1",
      constraints: 517,
    }),
    onProgress: (msg) => logs.push(msg),
  });
  assert.equal(m.setup.mode, "ptau");
  assert.equal(m.setup.seed, null);
  assert.equal(m.domainPower, 10);
  assert.equal(m.nPublic, 2);
  const vk = JSON.parse(await readFile(m.vkeyPath, "utf8"));
  const { proof, publicSignals } = await snarkjs.groth16.fullProve({ a: 4, b: 9 }, fx.wasmPath, m.zkeyPath);
  assert.equal(await snarkjs.groth16.verify(vk, publicSignals, proof), true);
  assert.match(await readFile(m.verifierSolPath, "utf8"), /contract Groth16Verifier_ptau_fixture \{/);
});
