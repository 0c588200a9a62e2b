/**
 * A real circuit input for any instance: batch 1 (a deposit and a withdrawal) sealed with the
 * sequencer's own sealing code, the same batch scripts/gen-proof-fixture.ts proves for forge.
 */
import { loadInstance } from "../../circuits/compile.ts";
import { buildGenesis } from "../../node/genesis.ts";
import { batchShapeOf, OpenBatch } from "../../sequencer/batches/open-batch.ts";
import { buildBatchRecord, captureSeal } from "../../sequencer/batches/sealer.ts";
import { devKey } from "../../sequencer/crypto/keys.ts";
import type { EngineTx } from "../../sequencer/engine/types.ts";

export interface SampleBatch {
  input: Record<string, unknown>;
  publicHash: bigint;
}

export async function sampleBatchInput(instance: string): Promise<SampleBatch> {
  const inst = loadInstance(instance);
  const shape = batchShapeOf(inst, 0);
  const g = await buildGenesis(inst, shape, "devnet-backstop");
  const [x, y] = devKey("fixture-alice").pubKey;
  const txs: EngineTx[] = [
    { kind: "deposit", depositIndex: 0n, pubKeyX: x, pubKeyY: y, amount: 1_000_000_000n },
    { kind: "withdrawal", accountId: 1, nonce: 1n, amount: 250_000_000n, l1Address: 0xa11ce0n },
  ];
  const batch = new OpenBatch(1n, shape, 0);
  for (const [i, tx] of txs.entries()) {
    batch.record(BigInt(i), tx, g.engine.apply(tx, BigInt(i), batch.limitsFor("normal")));
  }
  const rec = await buildBatchRecord(g.tree, inst, captureSeal(batch, g.engine, g.committed, inst.M, 0));
  return { input: rec.input as Record<string, unknown>, publicHash: rec.publicHash };
}
