/**
 * Makes contracts/test/fixtures/tiny-batch.json: batch 1 of the `tiny` instance (a deposit and a
 * withdrawal), sealed with the sequencer's own sealing code and proven with snarkjs, so forge can check
 * a real proof through the real generated verifier.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as snarkjs from "snarkjs";
import { loadInstance } from "../circuits/compile.ts";
import { REPO_ROOT } from "../node/config.ts";
import { buildGenesis, rollupGenesisOf } from "../node/genesis.ts";
import { loadArtifacts } from "../prover/artifacts.ts";
import { toSolidityProof } from "../prover/proof-format.ts";
import { releaseSnarkjsCurves } from "../prover/setup/curves.ts";
import { batchShapeOf, OpenBatch } from "../sequencer/batches/open-batch.ts";
import { buildBatchRecord, captureSeal } from "../sequencer/batches/sealer.ts";
import { devKey } from "../sequencer/crypto/keys.ts";
import type { EngineTx } from "../sequencer/engine/types.ts";

export const FIXTURE_PATH = join(REPO_ROOT, "contracts/test/fixtures/tiny-batch.json");

export async function writeProofFixture(o: { onProgress?: (m: string) => void } = {}): Promise<void> {
  const inst = loadInstance("v1tiny");
  const shape = batchShapeOf(inst, 0);
  const g = await buildGenesis(inst, shape, "devnet-backstop");
  const [x, y] = devKey("fixture-alice").pubKey;
  const to = 0x00000000000000000000000000000000000a11ce0n;
  const txs: EngineTx[] = [
    { kind: "deposit", depositIndex: 0n, pubKeyX: x, pubKeyY: y, amount: 1_000_000_000n },
    { kind: "withdrawal", accountId: 1, nonce: 1n, amount: 250_000_000n, l1Address: to },
  ];
  const batch = new OpenBatch(1n, shape, 0);
  for (const [i, tx] of txs.entries()) {
    batch.record(BigInt(i), tx, g.engine.apply(tx, BigInt(i), batch.limitsFor("normal")));
  }
  const rec = await buildBatchRecord(g.tree, inst, captureSeal(batch, g.engine, g.committed, inst.M, 0));

  o.onProgress?.("proving tiny batch 1 with snarkjs");
  const art = loadArtifacts("v1tiny");
  const { proof, publicSignals } = await snarkjs.groth16.fullProve(rec.input, art.wasmPath, art.zkeyPath);
  if (publicSignals[0] !== rec.publicHash.toString()) throw new Error("fixture: public hash mismatch");

  const genesis = rollupGenesisOf(g, devKey("devnet-keeper").pubKey);
  const fixture = {
    genesisRoot: g.root.toString(),
    genesis: {
      ...Object.fromEntries(
        Object.entries(genesis)
          .filter(([k]) => k !== "markPrices")
          .map(([k, v]) => [k, String(v)]),
      ),
      markPrices: genesis.markPrices.map(String),
    },
    batchNumber: 1,
    oldStateRoot: rec.oldStateRoot.toString(),
    newStateRoot: rec.newStateRoot.toString(),
    deposits: [{ pubKeyX: x.toString(), pubKeyY: y.toString(), amount: "1000000000" }],
    withdrawals: rec.withdrawals.map((w) => ({
      accountId: w.accountId.toString(),
      to: w.to,
      amount: w.amount.toString(),
    })),
    batchData: rec.batchData,
    publicHash: rec.publicHash.toString(),
    proof: toSolidityProof(proof),
  };
  mkdirSync(dirname(FIXTURE_PATH), { recursive: true });
  writeFileSync(FIXTURE_PATH, `${JSON.stringify(fixture, null, 2)}\n`);
  await releaseSnarkjsCurves();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeProofFixture({ onProgress: console.log });
  console.log(`wrote ${FIXTURE_PATH}`);
}
