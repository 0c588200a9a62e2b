import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { Worker } from "bullmq";
import pino from "pino";
import { ProofReconciler } from "../../node/sequencer/proof-reconciler.ts";
import type { ProveJobData, ProveJobResult } from "../../prover/job.ts";
import { ProofQueue } from "../../prover/queue.ts";
import { redisConnection } from "../../prover/redis.ts";
import type { BatchRecord } from "../../sequencer/batches/batch-record.ts";

// Real Redis and BullMQ: the queue's jobs are wiped the way an empty Redis restart loses them
// (obliterate deletes every key of the queue), and a real worker completes a job while the
// sequencer's completion listener is not there to hear it.
const REDIS = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const queueName = `reconcile-test-${process.pid}-${Date.now()}`;
const proofs = new ProofQueue({ redisUrl: REDIS, queueName, instance: "unit", circuitHash: "h" });
after(async () => {
  await proofs.queue.obliterate({ force: true }).catch(() => {});
  await proofs.close();
});

const record = (n: bigint): BatchRecord =>
  ({
    batchNumber: n,
    status: "sealed",
    priority: "normal",
    publicHash: 1000n + n,
    input: { n: n.toString() },
    times: { opened: 0, sealed: 0 },
  }) as unknown as BatchRecord;

describe("proof reconciler (real Redis)", () => {
  it("re-enqueues what Redis lost, hands over proofs whose event was missed, and never duplicates", async () => {
    const store = new Map<bigint, BatchRecord>([1n, 2n, 3n].map((n) => [n, record(n)]));
    for (const r of store.values()) await proofs.enqueue(r);
    const proven: bigint[] = [];
    const rec = new ProofReconciler({
      proofs,
      batch: async (n) => store.get(n),
      provenThrough: () => 0n,
      lastSealed: () => 3n,
      onProof: async (n, res) => {
        proven.push(n);
        store.set(n, { ...store.get(n)!, proof: res.proof.map(BigInt) });
      },
      log: pino({ level: "silent" }),
    });
    assert.deepEqual(await rec.tick(), { requeued: [], recovered: [], retried: [] }, "all jobs present");

    await proofs.queue.obliterate({ force: true });
    assert.equal((await proofs.depth()).prioritized ?? 0, 0, "Redis lost every job");
    assert.deepEqual((await rec.tick()).requeued, [1n, 2n, 3n]);
    const counts = await proofs.depth();
    assert.equal((counts.prioritized ?? 0) + (counts.waiting ?? 0), 3, "each batch queued once");
    assert.deepEqual((await rec.tick()).requeued, [], "a job that exists is not added again");

    // A worker proves batch 1 while nobody listens for its completion.
    let worked = 0;
    const worker = new Worker<ProveJobData, ProveJobResult>(
      queueName,
      async (job) => {
        worked++;
        return {
          batchNumber: job.data.batchNumber,
          proof: ["1", "2", "3", "4", "5", "6", "7", "8"],
          publicSignals: [],
          proverId: "test",
          witnessMs: 0,
          provingMs: 0,
        };
      },
      { connection: redisConnection(REDIS), autorun: true },
    );
    for (let i = 0; i < 100 && worked < 3; i++) await new Promise((r) => setTimeout(r, 50));
    await worker.close();
    const r3 = await rec.tick();
    assert.deepEqual(r3.recovered, [1n, 2n, 3n]);
    assert.deepEqual(proven, [1n, 2n, 3n]);
    assert.deepEqual(
      await rec.tick(),
      { requeued: [], recovered: [], retried: [] },
      "proven batches are skipped",
    );
    assert.equal(rec.totals.requeued, 3);
  });
});
