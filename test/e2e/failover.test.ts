import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { devnetTarget } from "../../node/chaos/devnet-target.ts";
import { baselineOf, checkInvariants, readAudit } from "../../node/chaos/invariants.ts";
import { ChaosLoad } from "../../node/chaos/load.ts";
import { findLeader } from "../../node/chaos/run.ts";
import { fundTraders } from "../../node/chaos/traders.ts";
import { ApiClient } from "../../node/client/api-client.ts";
import { type Devnet, startDevnet } from "../../node/devnet/devnet.ts";
import { createL1Clients } from "../../node/l1/clients.ts";
import { rollupAbi } from "../../node/l1/rollup-abi.ts";
import { devKey } from "../../sequencer/crypto/keys.ts";

// The failover drills of issue 11 on a real devnet: a leader and a standby on a 3-member JetStream
// cluster, real provers on a private Redis, real Anvil, real proofs of the small circuit.
const dir = mkdtempSync(join(tmpdir(), "e2e-failover-"));
let devnet: Devnet;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  devnet = await startDevnet({
    instance: "small",
    dir,
    redisUrl: "redis://127.0.0.1:6379",
    provers: 1,
    keeper: false,
    batchMaxWaitMs: 1000,
    echo: false,
    supervise: true,
    standby: true,
    privateRedis: true,
    backoff: { initialMs: 100, maxMs: 1_000 },
    sequencerEnv: { LIQ_TARGET_MS: "60000" },
    onProgress: () => {},
  });
});
after(async () => {
  await devnet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function l1Last(): Promise<bigint> {
  return createL1Clients({ rpcUrl: devnet.info.l1RpcUrl }).publicClient.readContract({
    address: devnet.info.rollupAddress,
    abi: rollupAbi,
    functionName: "lastVerifiedBatch",
  });
}

async function sealedNow(url: string): Promise<bigint> {
  const s = (await (await fetch(`${url}/state`)).json()) as { openBatch: string; openBatchTxs: number };
  return s.openBatchTxs > 0 ? BigInt(s.openBatch) : BigInt(s.openBatch) - 1n;
}

async function untilVerified(n: bigint, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if ((await l1Last().catch(() => 0n)) >= n) return Date.now() - t0;
    await sleep(250);
  }
  throw new Error(`batch ${n} not verified on L1 within ${timeoutMs} ms (L1 at ${await l1Last()})`);
}

describe("failover (real devnet with a standby)", () => {
  it("the leader is killed mid-load: the standby takes over within 3 s, no acked order is lost, the next batch verifies", async () => {
    const urls = devnet.sequencers.map((s) => s.apiUrl);
    const traders = await fundTraders(devnet.info, 3, "e2e-failover");
    const baseline = baselineOf(await readAudit(await findLeader(urls, 10_000)));
    const api = new ApiClient(urls, { overloadRetryMs: 0, timeoutMs: 5_000 });
    const load = new ChaosLoad(api, traders, {
      ratePerS: 8,
      marketId: 0,
      price: 60_000_000n,
      keeperPrv: devKey(devnet.info.keeperSeed).prv,
    });
    load.start();
    try {
      await sleep(6_000);
      const before = await findLeader(urls, 5_000);
      const ackedBefore = load.counts.acked;
      assert.ok(ackedBefore > 0, "the load is acknowledged before the fault");
      const sealedBefore = await sealedNow(before);
      const what = await devnetTarget(devnet).inject("kill-leader");
      const killedAt = Date.now();
      const after_ = await findLeader(
        urls.filter((u) => u !== before),
        10_000,
      );
      const takeoverMs = Date.now() - killedAt;
      assert.notEqual(after_, before, `${what}: the standby leads now`);
      assert.ok(takeoverMs <= 3_000, `takeover in ${takeoverMs} ms (≤ 3 s)`);
      await untilVerified(sealedBefore + 1n, 90_000);
      await sleep(3_000);
      assert.ok(load.counts.acked > ackedBefore, "the new leader acknowledges the load");
    } finally {
      await load.stop();
    }
    const results = await checkInvariants({
      apiUrl: await findLeader(urls, 10_000),
      l1RpcUrl: devnet.info.l1RpcUrl,
      rollup: devnet.info.rollupAddress,
      baseline,
      highestAcked: load.highestAcked(),
    });
    for (const r of results) assert.ok(r.ok, `${r.name}: ${r.detail}`);
    const ep = (await (await fetch(`${await findLeader(urls, 5_000)}/state`)).json()) as { epoch: number };
    assert.ok(ep.epoch > 1, `a higher epoch after the takeover (${ep.epoch})`);
  });

  it("Redis restarts empty with batches unproven: they are re-enqueued and every one verifies once", async () => {
    const urls = devnet.sequencers.map((s) => s.apiUrl);
    const leader = await findLeader(urls, 10_000);
    // Hold proving so sealed batches wait in Redis, then lose Redis with them in it.
    await devnet.provers[0]!.stop();
    const traders = await fundTraders(devnet.info, 1, "e2e-redis");
    const t = traders[0]!;
    // A price is held while no prover can take a batch (docs/LANE.md): its answer waits, so time out.
    const api = new ApiClient(urls, { overloadRetryMs: 0, timeoutMs: 3_000 });
    const keeper = devKey(devnet.info.keeperSeed).prv;
    const load = new ChaosLoad(api, [t], { ratePerS: 4, marketId: 0, price: 60_000_000n, keeperPrv: keeper });
    load.start();
    await sleep(4_000);
    await load.stop();
    const sealed = await sealedNow(leader);
    await sleep(1_500);
    assert.ok(sealed > (await l1Last()), "batches wait unproven");
    await devnetTarget(devnet).inject("restart-redis");
    devnet.startProver();
    await untilVerified(await sealedNow(leader), 120_000);
    const log = readFileSync(
      join(dir, `${devnet.sequencers.find((s) => s.apiUrl === leader)!.name}.log`),
      "utf8",
    );
    assert.match(log, /proof jobs reconciled/, "the leader re-enqueued what Redis lost");
    const results = await checkInvariants({
      apiUrl: leader,
      l1RpcUrl: devnet.info.l1RpcUrl,
      rollup: devnet.info.rollupAddress,
      baseline: baselineOf(await readAudit(leader)),
      highestAcked: load.highestAcked(),
    });
    const twice = results.find((r) => r.name === "no batch verified twice")!;
    assert.ok(twice.ok, twice.detail);
  });
});
