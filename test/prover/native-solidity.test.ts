import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as snarkjs from "snarkjs";
import { NativeProducer } from "../../prover/producers/index.ts";
import { toSolidityProof } from "../../prover/proof-format.ts";
import { buildCircuit } from "../../prover/setup/build-circuit.ts";
import { releaseSnarkjsCurves } from "../../prover/setup/curves.ts";
import { sampleBatchInput } from "../utils/batch-input.ts";
import { type DeployedVerifier, deployVerifier } from "../utils/solidity-verifier.ts";
import { NATIVE_BIN, SKIP_NATIVE } from "./native-helpers.ts";

let verifier: DeployedVerifier;
let words: bigint[];
let pub: bigint[];

before(async () => {
  if (SKIP_NATIVE) return;
  const m = await buildCircuit("v1tiny", { onProgress: () => {} });
  const { input } = await sampleBatchInput("v1tiny");
  const w = { type: "mem" } as { type: "mem"; data?: Uint8Array };
  await snarkjs.wtns.calculate(input, m.wasmPath, w);
  const producer = await NativeProducer.start(m.zkeyPath, { bin: NATIVE_BIN, threads: 0 });
  const out = await producer.prove(w.data!).finally(() => producer.close());
  words = toSolidityProof(out.proof).map(BigInt);
  pub = out.publicSignals.map(BigInt);
  verifier = await deployVerifier(m.verifierSolPath, m.verifierContractName);
});

after(async () => {
  await verifier?.stop();
  await releaseSnarkjsCurves();
});

const verifyOnChain = (signals: bigint[]) => verifier.verify(words, signals);

test("the tiny instance's exported Solidity verifier accepts a native proof on anvil", {
  skip: SKIP_NATIVE,
}, async () => {
  assert.equal(await verifyOnChain(pub), true);
});

test("the Solidity verifier rejects the native proof with a tampered public signal", {
  skip: SKIP_NATIVE,
}, async () => {
  assert.equal(await verifyOnChain([pub[0]! + 1n]), false);
});
