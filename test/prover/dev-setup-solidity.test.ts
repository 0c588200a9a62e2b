import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { toSolidityProof } from "../../prover/proof-format.ts";
import { devSetup } from "../../prover/setup/dev-setup.ts";
import { exportSolidityVerifier } from "../../prover/setup/export.ts";
import { type DeployedVerifier, deployVerifier } from "../utils/solidity-verifier.ts";
import { compilePoseidonChain } from "./fixtures/compile-fixture.ts";

let verifier: DeployedVerifier;
let words: bigint[];
let pub: bigint[];

before(async () => {
  const fx = await compilePoseidonChain();
  const zkey = join(fx.dir, "solidity.zkey");
  await devSetup(fx.r1csPath, zkey, { seed: "solidity-test", onProgress: () => {}, warn: () => {} });
  const solPath = join(fx.dir, "Groth16Verifier_fixture.sol");
  await exportSolidityVerifier(zkey, solPath, "Groth16Verifier_fixture");
  const { proof, publicSignals } = await snarkjs.groth16.fullProve(
    { a: 21, b: 2, secret: 9 },
    fx.wasmPath,
    zkey,
  );
  words = toSolidityProof(proof).map(BigInt);
  pub = (publicSignals as string[]).map(BigInt);
  verifier = await deployVerifier(solPath, "Groth16Verifier_fixture");
});

after(async () => {
  await verifier?.stop();
  // snarkjs leaves its cached bn128 curve (and its worker threads) alive after fullProve.
  await (await buildBn128()).terminate();
});

const verifyOnChain = (signals: bigint[]) => verifier.verify(words, signals);

test("the exported Solidity verifier accepts a dev-setup proof on anvil", async () => {
  assert.equal(await verifyOnChain(pub), true);
});

test("the exported Solidity verifier rejects the proof with a tampered public signal", async () => {
  const tampered = [...pub];
  tampered[0] = (tampered[0] as bigint) + 1n;
  assert.equal(await verifyOnChain(tampered), false);
});
