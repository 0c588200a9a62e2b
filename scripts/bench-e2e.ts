/**
 * End-to-end figures on a real devnet (default circuit unless --instance): order ack → batch verified on
 * L1 latency, proof time per batch, gas per submitBatch, and (with --fresh) the time from nothing built
 * to the first L1-verified batch. Latency is reported as a ratio to the median proof time measured in
 * the same run, since this 2-core machine is noisy. Not a test.
 *   npx tsx scripts/bench-e2e.ts [--instance default] [--rounds 5] [--fresh]
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { build as buildHistogram } from "hdr-histogram-js";
import { REPO_ROOT } from "../core/repo-root.ts";
import { ApiClient, postPrice, Trader } from "../node/client/api-client.ts";
import { devnetUser } from "../node/client/l1-user.ts";
import { startDevnet } from "../node/devnet/devnet.ts";
import { waitFor } from "../node/devnet/processes.ts";
import { devKey } from "../sequencer/crypto/keys.ts";

const o = new Command()
  .option("--instance <name>", "circuit instance", "default")
  .option("--rounds <n>", "trades, each waited on until verified", "5")
  .option("--fresh", "delete this instance's cached build first (fresh-machine time to first verified batch)")
  .parse()
  .opts<{ instance: string; rounds: string; fresh?: boolean }>();

if (o.fresh) {
  const dir = join(REPO_ROOT, "circuits/build");
  for (const e of readdirSync(dir))
    if (e.startsWith(`${o.instance}-`) || e === `${o.instance}.json`)
      rmSync(join(dir, e), { recursive: true, force: true });
}
const t0 = Date.now();
const dir = mkdtempSync(join(tmpdir(), "bench-e2e-"));
const devnet = await startDevnet({
  instance: o.instance,
  dir,
  redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  provers: 1,
  keeper: false,
  batchMaxWaitMs: 500,
  echo: false,
  onProgress: (m) => console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`),
  sequencerEnv: { LOG_LEVEL: "warn", PRICE_BATCH_WAIT_MS: "500" },
  proverEnv: { LOG_LEVEL: "warn" },
});
try {
  const api = new ApiClient(devnet.info.apiUrl);
  const P = 60_000_000n;
  const keeper = devKey(devnet.info.keeperSeed);
  await postPrice(api, keeper.prv, 0, P, BigInt(Date.now()));
  const keys = [devKey("bench-maker"), devKey("bench-taker")];
  const l1s = [0, 1].map((i) => devnetUser(devnet.info, i));
  for (let i = 0; i < 2; i++) await l1s[i]!.deposit(keys[i]!.pubKey, 1_000_000n * 1_000_000n);
  const [maker, taker] = (await Promise.all(
    keys.map((k) => waitFor("account", () => Trader.attach(api, k.prv, k.pubKey), 60_000)),
  )) as [Trader, Trader];
  const first = await api.sealedUpToNow(60_000);
  await l1s[0]!.untilVerified(first, 20 * 60_000);
  const firstVerifiedS = (Date.now() - t0) / 1000;
  console.log(
    `[bench] first L1-verified batch after ${firstVerifiedS.toFixed(1)} s${o.fresh ? " (fresh: compile + dev setup + deploy + prove)" : ""}`,
  );

  const latency = buildHistogram();
  const proofMs: number[] = [];
  const gas: bigint[] = [];
  for (let r = 0; r < Number(o.rounds); r++) {
    await maker.order({ marketId: 0, side: "sell", type: "limit", price: P, size: 10n });
    // Let the maker's batch clear first, so each round times one batch from an idle queue.
    const m = await api.sealedUpToNow(60_000);
    await l1s[0]!.untilVerified(m, 10 * 60_000, 100);
    const sent = Date.now();
    await taker.order({ marketId: 0, side: "buy", type: "limit", tif: "IOC", price: P, size: 10n });
    const n = await api.sealedUpToNow(60_000);
    await l1s[0]!.untilVerified(n, 10 * 60_000, 100);
    latency.recordValue(Date.now() - sent);
    const b = await waitFor(
      "batch record",
      async () => {
        const x = await api.batch(n);
        return x.gasUsed ? x : undefined;
      },
      10_000,
      100,
    );
    if (b.times.proven && b.times.provingStarted) proofMs.push(b.times.proven - b.times.provingStarted);
    gas.push(BigInt(b.gasUsed!));
    console.log(`[bench] round ${r + 1}: batch ${n} verified ${Date.now() - sent} ms after the taker's ack`);
  }
  proofMs.sort((a, b) => a - b);
  const medProof = proofMs[Math.floor(proofMs.length / 2)] ?? 0;
  const medLat = latency.getValueAtPercentile(50);
  console.log("\n| figure | value |\n|---|---|");
  console.log(`| instance | ${o.instance} |`);
  console.log(
    `| first L1-verified batch from start${o.fresh ? " (fresh build)" : ""} | ${firstVerifiedS.toFixed(1)} s |`,
  );
  console.log(
    `| median proof time per batch (queue job start → proven) | ${(medProof / 1000).toFixed(1)} s |`,
  );
  console.log(
    `| order ack → L1 verified, median / max | ${(medLat / 1000).toFixed(1)} s / ${(latency.maxValue / 1000).toFixed(1)} s |`,
  );
  console.log(`| latency ÷ proof time (same run) | ${(medLat / Math.max(1, medProof)).toFixed(2)} |`);
  console.log(
    `| gas per submitBatch (median) | ${gas.sort((a, b) => (a < b ? -1 : 1))[Math.floor(gas.length / 2)]} |`,
  );
} finally {
  await devnet.stop();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
