import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { buildGenesis } from "../../node/genesis.ts";
import type { BatchRecord } from "../../sequencer/batches/batch-record.ts";
import { batchShapeOf, OpenBatch } from "../../sequencer/batches/open-batch.ts";
import { buildBatchRecord, captureSeal } from "../../sequencer/batches/sealer.ts";
import { devKey } from "../../sequencer/crypto/keys.ts";
import type { EngineTx } from "../../sequencer/engine/types.ts";
import { addField, cloneInput, compiledInstance, failsAt, resealInput, witness } from "../utils/circuit.ts";

/**
 * Isolated margin needs no new circuit: opening a sub-account is a key set on an empty leaf plus cash
 * moved between two leaves, which the batch circuit already allows and conserves. These batches come
 * from the engine and the sequencer's own sealing code, so a change in either that breaks provability
 * fails here.
 */
type Compiled = Awaited<ReturnType<typeof compiledInstance>>;
let c: Compiled;
const records: BatchRecord[] = [];
const COLLATERAL = 3;

before(async () => {
  c = await compiledInstance("v1tiny");
  const shape = batchShapeOf(c.inst, 0);
  const g = await buildGenesis(c.inst, shape, "devnet-backstop");
  const [x, y] = devKey("isolated-alice").pubKey;
  // Account 0 is the backstop, alice is 1, her sub-account 2 (the tiny tree has 4 leaves).
  const batches: EngineTx[][] = [
    [{ kind: "deposit", depositIndex: 0n, pubKeyX: x, pubKeyY: y, amount: 1_000_000_000n }],
    [{ kind: "transfer", accountId: 1, nonce: 1n, amount: 300_000_000n, isolatedMarket: 1 }],
    [{ kind: "transfer", accountId: 2, nonce: 1n, amount: 100_000_000n, to: 1 }],
  ];
  let seq = 0n;
  for (const [i, txs] of batches.entries()) {
    const batch = new OpenBatch(BigInt(i + 1), shape, 0);
    for (const tx of txs) {
      seq++;
      batch.record(seq, tx, g.engine.apply(tx, seq, batch.limitsFor("normal")));
    }
    records.push(
      await buildBatchRecord(g.tree, c.inst, captureSeal(batch, g.engine, g.committed, c.inst.M, 0)),
    );
  }
  assert.equal(g.engine.accountView(2)?.marginMode, "isolated");
  assert.equal(g.engine.account(2)?.collateral, 200_000_000n);
});

describe("batch circuit: transfers to and from an isolated sub-account (tiny instance)", () => {
  it("accepts the deposit, the sub-account's opening and the transfer back", async () => {
    assert.equal(records.length, 3);
    for (const r of records) {
      const w = await witness(r.input, c.wasmPath);
      assert.equal(w[1], r.publicHash);
    }
    assert.deepEqual(records[1]?.touched, [1, 2]);
  });

  it("rejects an opening that credits the sub-account without debiting the parent", async () => {
    const input = cloneInput(records[1]!.input);
    // Slot 0 is alice (index 1): give her the 300 back, so the sub-account's 300 comes from nowhere.
    input.newLeaf[0][COLLATERAL] = addField(input.newLeaf[0][COLLATERAL], 300_000_000n);
    resealInput(input, c.inst);
    await assert.rejects(
      witness(input, c.wasmPath),
      failsAt("Batch", "batch.circom", "dq + dFunds === deposits.total - withdrawals.total"),
    );
  });
});
