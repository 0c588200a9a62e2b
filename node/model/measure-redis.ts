/**
 * Two short measurements against the real Redis for the model's Redis resource: commands per proof
 * job (a BullMQ add → worker fetch → complete → event round, counted by Redis itself in INFO
 * commandstats, less the background rate of other clients measured just before), and how many
 * commands one Redis server answers per second (pipelined PINGs). Takes about 3 s.
 */
import { Queue, QueueEvents, Worker } from "bullmq";
import { Redis } from "ioredis";
import { redisConnection } from "../../prover/redis.ts";

async function totalCalls(r: Redis): Promise<number> {
  const info = await r.info("commandstats");
  let n = 0;
  for (const m of info.matchAll(/calls=(\d+)/g)) n += Number(m[1]);
  return n;
}

export async function measureRedis(
  url: string,
  jobs = 100,
): Promise<{ opsPerProofJob: number; opsPerSecond: number }> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const t0 = Date.now();
    const c0 = await totalCalls(r);
    await new Promise((res) => setTimeout(res, 1000));
    const background = (await totalCalls(r)) - c0 - 1;
    const bgPerMs = Math.max(0, background) / (Date.now() - t0);

    const name = `model-measure-${process.pid}-${Date.now()}`;
    const conn = redisConnection(url);
    const queue = new Queue(name, { connection: conn });
    const events = new QueueEvents(name, { connection: conn });
    await events.waitUntilReady();
    let done = 0;
    let allDone: () => void = () => {};
    const finished = new Promise<void>((res) => {
      allDone = res;
    });
    const worker = new Worker(
      name,
      async () => {
        return { ok: true };
      },
      { connection: conn, autorun: false },
    );
    worker.on("completed", () => {
      if (++done === jobs) allDone();
    });
    const s0 = Date.now();
    const a0 = await totalCalls(r);
    void worker.run();
    for (let k = 0; k < jobs; k++)
      await queue.add(
        "prove",
        { k },
        { jobId: `b${k}`, priority: k % 2 ? 1 : 2, attempts: 5, removeOnComplete: { count: 10_000 } },
      );
    await finished;
    const a1 = await totalCalls(r);
    const perJob = Math.max(1, (a1 - a0 - 2 - bgPerMs * (Date.now() - s0)) / jobs);
    await worker.close();
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();

    const n = 20_000;
    const p0 = performance.now();
    for (let k = 0; k < n; k += 1000) {
      const p = r.pipeline();
      for (let j = 0; j < 1000; j++) p.ping();
      await p.exec();
    }
    const opsPerSecond = (n * 1000) / (performance.now() - p0);
    return { opsPerProofJob: Math.round(perJob * 10) / 10, opsPerSecond: Math.round(opsPerSecond) };
  } finally {
    r.disconnect();
  }
}
