import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Queue, QueueEvents, type Worker } from "bullmq";
import * as snarkjs from "snarkjs";
import { ensureRedis, type RedisHandle } from "../../node/devnet/redis.ts";
import { loadProverConfig } from "../../prover/config.ts";
import { JOB_NAME, type ProveJobData, type ProveJobResult } from "../../prover/job.ts";
import { resolveEngine } from "../../prover/producers/index.ts";
import { redisConnection } from "../../prover/redis.ts";
import { buildCircuit } from "../../prover/setup/build-circuit.ts";
import { releaseSnarkjsCurves } from "../../prover/setup/curves.ts";
import { startProverWorker } from "../../prover/worker.ts";
import { sampleBatchInput } from "../utils/batch-input.ts";
import { SKIP_NATIVE } from "./native-helpers.ts";

let redis: RedisHandle;
let worker: Worker<ProveJobData, ProveJobResult>;
let queue: Queue<ProveJobData, ProveJobResult>;
let events: QueueEvents;
let data: ProveJobData;
let vkey: unknown;
const queueName = `native-processor-${process.pid}-${Date.now()}`;

before(async () => {
  if (SKIP_NATIVE) return;
  redis = await ensureRedis(loadProverConfig().REDIS_URL);
  const m = await buildCircuit("v1tiny", { onProgress: () => {} });
  vkey = await snarkjs.zKey.exportVerificationKey(m.zkeyPath);
  const { input, publicHash } = await sampleBatchInput("v1tiny");
  data = {
    batchNumber: "1",
    instance: "v1tiny",
    circuitHash: m.hash,
    publicHash: publicHash.toString(),
    input,
    sealedAt: Date.now(),
  };
  queue = new Queue(queueName, { connection: redisConnection(redis.url) });
  events = new QueueEvents(queueName, { connection: redisConnection(redis.url) });
  await events.waitUntilReady();
  worker = startProverWorker({
    redisUrl: redis.url,
    queueName,
    concurrency: 1,
    lockDurationMs: 15_000,
    stalledIntervalMs: 5_000,
  });
  await worker.waitUntilReady();
});

after(async () => {
  await worker?.close();
  await events?.close();
  await queue?.obliterate({ force: true }).catch(() => {});
  await queue?.close();
  await redis?.stop();
  await releaseSnarkjsCurves();
});

test("the sandboxed processor proves with the native engine by default, twice from one loaded zkey", {
  skip: SKIP_NATIVE,
}, async () => {
  assert.equal(resolveEngine(loadProverConfig()).engine, "native");
  for (const id of ["a", "b"]) {
    const job = await queue.add(JOB_NAME, data, { jobId: `ok-${id}` });
    const res = (await job.waitUntilFinished(events, 60_000)) as ProveJobResult;
    assert.equal(res.engine, "native");
    assert.equal(res.witnessEngine, "native", "the circuit's native witness generator was built and used");
    assert.ok(res.witnessMs >= 0);
    assert.ok((res.peakRssKb ?? 0) > 0, "peak RSS reported");
    assert.equal(res.publicSignals[0], data.publicHash);
    const [a0, a1, b01, b00, b11, b10, c0, c1] = res.proof;
    const proof = {
      pi_a: [a0, a1, "1"],
      pi_b: [
        [b00, b01],
        [b10, b11],
        ["1", "0"],
      ],
      pi_c: [c0, c1, "1"],
      protocol: "groth16",
      curve: "bn128",
    };
    assert.equal(await snarkjs.groth16.verify(vkey, res.publicSignals, proof), true);
  }
});

test("a witness the circuit rejects fails the job once, as UnrecoverableError", {
  skip: SKIP_NATIVE,
}, async () => {
  const bad = { ...data, input: { ...data.input, publicHash: "12345" } };
  const job = await queue.add(JOB_NAME, bad, { jobId: "bad", attempts: 3 });
  await assert.rejects(job.waitUntilFinished(events, 60_000), /witness rejected for batch 1/);
  const after = await queue.getJob("bad");
  assert.equal(after?.attemptsMade, 1, "not retried");
});
