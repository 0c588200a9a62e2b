import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Level } from "level";
import pino from "pino";
import { pollUntil } from "../../../core/poll.ts";
import { BatchPipeline } from "../../../node/sequencer/batch-pipeline.ts";
import { createMetrics } from "../../../node/sequencer/metrics.ts";
import type { ProveJobResult } from "../../../prover/job.ts";
import type { BatchRecord } from "../../../sequencer/batches/batch-record.ts";
import { BatchStore } from "../../../sequencer/batches/batch-store.ts";
import { ProvingCapacity } from "../../../sequencer/mempool/admission.ts";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const record = (n: bigint): BatchRecord => ({
  batchNumber: n,
  status: "sealed",
  priority: "normal",
  txCount: 1,
  firstSeq: n,
  lastSeq: n,
  touched: [],
  oldStateRoot: n,
  newStateRoot: n + 1n,
  publicHash: n,
  depositCount: 0n,
  priorityCount: 0n,
  depositHashOld: 0n,
  depositHashNew: 0n,
  batchTimeMs: 1_000n,
  withdrawals: [],
  data: [],
  input: {},
  times: { opened: 0, sealed: 100 },
});

const proof = (n: bigint): ProveJobResult => ({
  batchNumber: n.toString(),
  proof: ["1", "2", "3", "4", "5", "6", "7", "8"],
  publicSignals: [],
  proverId: "p1",
  witnessMs: 1,
  provingMs: 1,
});

async function open() {
  const dir = mkdtempSync(join(tmpdir(), "pipeline-"));
  dirs.push(dir);
  const db = new Level<string, Buffer>(dir, { valueEncoding: "buffer" });
  await db.open();
  const batches = new BatchStore(db);
  let now = 1_000;
  const capacity = new ProvingCapacity({
    initialProofMs: 10_000,
    initialL1Ms: 2_000,
    initialTxPerBatch: 1,
  });
  const pipeline = new BatchPipeline({
    batches,
    metrics: createMetrics(),
    capacity,
    log: pino({ level: "silent" }),
    now: () => now,
  });
  for (const n of [1n, 2n, 3n]) await batches.put(record(n));
  return {
    pipeline,
    batches,
    capacity,
    tick: (ms: number) => {
      now += ms;
    },
    close: () => db.close(),
  };
}

describe("the batch pipeline", () => {
  it("moves a batch sealed → proving → proven → verified, with its stage times", async () => {
    const s = await open();
    await s.pipeline.provingStarted(1n);
    assert.equal((await s.batches.get(1n))!.status, "proving");
    s.tick(500);
    await s.pipeline.proven(1n, proof(1n));
    const proven = (await s.batches.get(1n))!;
    assert.equal(proven.status, "proven");
    assert.deepEqual(proven.proof, [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
    assert.equal(proven.times.proven! - proven.times.provingStarted!, 500);
    assert.equal(s.pipeline.lastProven, 1n);
    assert.deepEqual((await s.pipeline.provenBatch(1n))!.proof, proven.proof);
    assert.equal(await s.pipeline.provenBatch(2n), undefined);

    await s.pipeline.submitted(1n, "0xaa");
    s.tick(200);
    await s.pipeline.verified(1n, { txHash: "0xbb", blockNumber: 9n, gasUsed: 21_000n });
    const v = (await s.batches.get(1n))!;
    assert.equal(v.status, "verified");
    assert.equal(v.l1TxHash, "0xbb");
    assert.equal(v.l1Block, 9n);
    assert.equal(v.times.verified! - v.times.proven!, 200);
    assert.equal(s.pipeline.lastVerified, 1n);
    await s.close();
  });

  it("counts proven only over a gap-free prefix, whatever order proofs arrive in", async () => {
    const s = await open();
    await s.pipeline.proven(2n, proof(2n));
    assert.equal(s.pipeline.lastProven, 0n);
    await s.pipeline.proven(1n, proof(1n));
    assert.equal(s.pipeline.lastProven, 2n);
    await s.close();
  });

  it("keeps a verified batch verified when its proof arrives late", async () => {
    const s = await open();
    await s.pipeline.verified(1n);
    await s.pipeline.proven(1n, proof(1n));
    assert.equal((await s.batches.get(1n))!.status, "verified");
    await s.close();
  });

  it("at start marks what L1 verified, newest first, down to a batch already marked", async () => {
    const s = await open();
    await s.batches.put({ ...record(1n), status: "verified" });
    await s.batches.put({ ...record(2n), status: "sealed" });
    await s.pipeline.restoreVerified(2n);
    assert.equal((await s.batches.get(2n))!.status, "verified");
    assert.equal((await s.batches.get(3n))!.status, "sealed");
    assert.equal(s.pipeline.lastVerified, 2n);
    // A later, lower report from L1 (an older read) never moves it back.
    await s.pipeline.verified(1n);
    assert.equal(s.pipeline.lastVerified, 2n);
    await s.close();
  });

  it("applies the submitter's events as steps", async () => {
    const s = await open();
    s.pipeline.onSubmitterEvent({ type: "verified", batchNumber: 3n, txHash: "0xcc" });
    await pollUntil("batch 3 verified", async () => (await s.batches.get(3n))!.status === "verified", {
      timeoutMs: 2_000,
      everyMs: 5,
    });
    assert.equal(s.pipeline.lastVerified, 3n);
    s.pipeline.onSubmitterEvent({ type: "failed", batchNumber: 4n, error: new Error("rpc down") });
    await s.close();
  });
});
