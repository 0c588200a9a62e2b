// What a Kubernetes scale-down or rollout does to a prover (deploy/k8s/prover-deployment.yaml): SIGTERM to
// prover/main.ts while it proves. The worker must finish that proof, take no other job, and exit 0, so
// terminationGracePeriodSeconds only has to cover one proof. Real process, real Redis, real snarkjs proof.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before, test } from "node:test";
import { Queue, QueueEvents } from "bullmq";
import { pollUntil } from "../../core/poll.ts";
import { REPO_ROOT } from "../../core/repo-root.ts";
import { ensureRedis, type RedisHandle } from "../../node/devnet/redis.ts";
import { loadProverConfig } from "../../prover/config.ts";
import { JOB_NAME, type ProveJobData, type ProveJobResult } from "../../prover/job.ts";
import { redisConnection } from "../../prover/redis.ts";
import { buildCircuit } from "../../prover/setup/build-circuit.ts";
import { sampleBatchInput } from "../utils/batch-input.ts";

const INSTANCE = "v1tiny";
const queueName = `graceful-${process.pid}-${Date.now()}`;
let redis: RedisHandle;
let queue: Queue<ProveJobData, ProveJobResult>;
let events: QueueEvents;
let data: ProveJobData;
let prover: ChildProcess | undefined;

before(async () => {
  redis = await ensureRedis(loadProverConfig().REDIS_URL);
  const m = await buildCircuit(INSTANCE, { onProgress: () => {} });
  const { input, publicHash } = await sampleBatchInput(INSTANCE);
  data = {
    batchNumber: "1",
    instance: INSTANCE,
    circuitHash: m.hash,
    publicHash: publicHash.toString(),
    input,
    sealedAt: Date.now(),
  };
  queue = new Queue(queueName, { connection: redisConnection(redis.url) });
  events = new QueueEvents(queueName, { connection: redisConnection(redis.url) });
  await events.waitUntilReady();
});

after(async () => {
  if (prover && prover.exitCode === null) prover.kill("SIGKILL");
  await events?.close();
  await queue?.obliterate({ force: true }).catch(() => {});
  await queue?.close();
  await redis?.stop();
});

test("SIGTERM mid-proof: the proof in flight completes, the next job is left queued, the worker exits 0", async () => {
  prover = spawn(process.execPath, ["--import", "tsx", "prover/main.ts"], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      REDIS_URL: redis.url,
      PROVE_QUEUE: queueName,
      CIRCUIT_INSTANCE: INSTANCE,
      // The slower engine, so the proof is surely still running when the signal lands.
      PROVER: "snarkjs",
      LOG_LEVEL: "warn",
    },
    stdio: "ignore",
  });
  const exited = new Promise<number | string>((r) =>
    prover?.once("exit", (code, sig) => r(code ?? sig ?? -1)),
  );
  const first = await queue.add(JOB_NAME, data, { jobId: "in-flight" });
  const second = await queue.add(JOB_NAME, data, { jobId: "after-stop" });
  await pollUntil("the first job active", async () => (await first.getState()) === "active" || undefined, {
    timeoutMs: 30_000,
    everyMs: 20,
  });
  prover.kill("SIGTERM");
  assert.equal(await first.getState(), "active", "the signal must land while the proof runs");

  const res = (await first.waitUntilFinished(events, 30_000)) as ProveJobResult;
  assert.equal(res.publicSignals[0], data.publicHash, "the proof in flight was finished, not dropped");
  assert.equal(await exited, 0);
  assert.equal(await second.getState(), "waiting", "a closing worker takes no new job");
});
