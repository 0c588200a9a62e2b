/**
 * Makes contracts/test/fixtures/tiny-batch.json: batch 1 of the Batch2 `tiny` instance (a deposit to
 * alice's key and a withdrawal alice signs to 0xa11ce), sealed with the sequencer's own batch and
 * witness code and proven with snarkjs, so forge checks a real proof through the real verifier.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as snarkjs from "snarkjs";
import { loadBatch2Instance } from "../circuits/batch2-instance.ts";
import { REPO_ROOT } from "../core/repo-root.ts";
import { buildGenesis2, rollupGenesis2Of } from "../node/genesis.ts";
import { loadArtifacts } from "../prover/artifacts.ts";
import { toSolidityProof } from "../prover/proof-format.ts";
import { releaseSnarkjsCurves } from "../prover/setup/curves.ts";
import { OpenBatch2 } from "../sequencer/batches/open-batch2.ts";
import { buildBatch2Record } from "../sequencer/batches/sealer2.ts";
import { type Signature, signPoseidon } from "../sequencer/crypto/eddsa.ts";
import { devKey } from "../sequencer/crypto/keys.ts";
import type { EngineTx } from "../sequencer/engine/types.ts";
import { signedMessageOf } from "../sequencer/proof/signed-message.ts";

export const FIXTURE_PATH = join(REPO_ROOT, "contracts/test/fixtures/tiny-batch.json");

export async function writeProofFixture(o: { onProgress?: (m: string) => void } = {}): Promise<void> {
  const inst = loadBatch2Instance("tiny");
  const keeper = devKey("devnet-keeper").pubKey;
  const g = buildGenesis2(inst, {
    backstopSeed: "devnet-backstop",
    keeperPubKey: keeper,
    reservedForLiquidations: 0,
  });
  const alice = devKey("fixture-alice");
  const [x, y] = alice.pubKey;
  const to = 0x00000000000000000000000000000000000a11cen;
  const txs: EngineTx[] = [
    { kind: "deposit", depositIndex: 0n, pubKeyX: x, pubKeyY: y, amount: 1_000_000_000n },
    { kind: "withdrawal", accountId: 1, nonce: 1n, amount: 250_000_000n, l1Address: to },
  ];
  const batch = new OpenBatch2(1n, inst, 0, g.params.backstopAccountId, 0);
  const signatures = new Map<bigint, Signature>();
  for (const [i, tx] of txs.entries()) {
    const r = g.engine.apply(tx, BigInt(i), { touchedInBatch: new Set(), maxTouched: inst.N });
    batch.record(BigInt(i), tx, r, g.engine);
    const msg = tx.kind === "withdrawal" ? signedMessageOf(tx) : undefined;
    if (msg !== undefined) signatures.set(msg, signPoseidon(alice.prv, msg));
  }
  const rec = buildBatch2Record(g.chain, batch, signatures, 0);

  o.onProgress?.("proving tiny batch 1 with snarkjs");
  const art = loadArtifacts("tiny");
  const { proof, publicSignals } = await snarkjs.groth16.fullProve(rec.input, art.wasmPath, art.zkeyPath);
  if (publicSignals[0] !== rec.publicHash.toString()) throw new Error("fixture: public hash mismatch");

  const genesis = rollupGenesis2Of(g, keeper);
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
    batchTimeMs: rec.batchTimeMs.toString(),
    deposits: [{ pubKeyX: x.toString(), pubKeyY: y.toString(), amount: "1000000000" }],
    withdrawals: rec.withdrawals.map((w) => ({
      accountId: w.accountId.toString(),
      to: w.to,
      amount: w.amount.toString(),
    })),
    priorityCount: rec.priorityCount.toString(),
    data: rec.data.map(String),
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
