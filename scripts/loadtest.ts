/**
 * `npm run loadtest` against a running devnet: a calm phase, then a spike of many more traders (the
 * 11 Oct 2025 shape: volume ×N) with an oracle shock in the middle. It reports, per phase, accepted
 * ops/s and ack latency percentiles, rejections by code, and from the sequencer's /metrics how long
 * requests waited in each lane, so the liquidation lane can be compared with the normal one in the same
 * run. Not a test: it sends only to the devnet's loopback addresses and stops by itself.
 *   npm run loadtest -- [--calm-traders 4] [--spike-traders 64] [--seconds 20]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { build as buildHistogram, type Histogram } from "hdr-histogram-js";
import { ApiClient, ApiError, postPrice, Trader } from "../node/client/api-client.ts";
import { devnetUser } from "../node/client/l1-user.ts";
import { DEFAULT_DEVNET_DIR, type DevnetInfo } from "../node/devnet/devnet.ts";
import { waitFor } from "../node/devnet/processes.ts";
import { SeededRandom } from "../node/random.ts";
import { devKey } from "../sequencer/crypto/keys.ts";

const o = new Command()
  .option("--calm-traders <n>", "closed-loop traders in the calm phase", "4")
  .option("--spike-traders <n>", "closed-loop traders in the spike phase", "64")
  .option("--seconds <s>", "length of each phase", "20")
  .option("--seed <s>", "order-flow seed", "loadtest")
  .option("--dir <dir>", "devnet dir holding devnet.json", DEFAULT_DEVNET_DIR)
  .parse()
  .opts<{ calmTraders: string; spikeTraders: string; seconds: string; seed: string; dir: string }>();

const info = JSON.parse(readFileSync(join(o.dir, "devnet.json"), "utf8")) as DevnetInfo;
// Load measures shedding: a 503 is counted, not retried.
const api = new ApiClient(info.apiUrl, { overloadRetryMs: 0 });
const rng = new SeededRandom(o.seed);
const run = Date.now().toString(36);
const nTraders = Number(o.spikeTraders);
const phaseMs = Number(o.seconds) * 1000;
const say = (m: string) => console.log(`[loadtest] ${m}`);

say(`funding ${nTraders} traders on L1`);
const funder = devnetUser(info, 5);
const keys = Array.from({ length: nTraders }, (_, i) => devKey(`load-${run}-${i}`));
for (const k of keys) await funder.deposit(k.pubKey, 1_000_000n * 1_000_000n);
const traders = await Promise.all(
  keys.map((k) => waitFor("trader account", () => Trader.attach(api, k.prv, k.pubKey), 120_000, 250)),
);
const market = await waitFor(
  "a mark price",
  async () => {
    const b = await api.get<{ market: { markPrice: string; tickSize: string } }>("/markets/0/book");
    return BigInt(b.market.markPrice) > 0n ? b.market : undefined;
  },
  60_000,
);
const tick = BigInt(market.tickSize);

interface PhaseStats {
  ack: Histogram;
  ok: number;
  rejected: Map<string, number>;
  ms: number;
}

/** Each trader sends its next order when the previous one is answered: nonces must stay in order. */
async function phase(name: string, active: Trader[], shockAtMs?: number): Promise<PhaseStats> {
  const stats: PhaseStats = { ack: buildHistogram(), ok: 0, rejected: new Map(), ms: 0 };
  const t0 = Date.now();
  const end = t0 + phaseMs;
  let shocked = shockAtMs === undefined;
  const loop = async (t: Trader) => {
    while (Date.now() < end) {
      if (!shocked && Date.now() - t0 >= shockAtMs!) {
        shocked = true;
        const mark = BigInt(
          (await api.get<{ market: { markPrice: string } }>("/markets/0/book")).market.markPrice,
        );
        say(`${name}: oracle shock −8%`);
        await postPrice(
          api,
          devKey(info.keeperSeed).prv,
          0,
          ((mark * 92n) / 100n / tick) * tick,
          BigInt(Date.now()),
        );
      }
      const mark = BigInt(
        (await api.get<{ market: { markPrice: string } }>("/markets/0/book")).market.markPrice,
      );
      const offsetBps = BigInt(Math.round((rng.next() - 0.5) * 40));
      const price = ((mark * (10_000n + offsetBps)) / 10_000n / tick) * tick;
      const sent = performance.now();
      try {
        await t.order({
          marketId: 0,
          side: rng.next() < 0.5 ? "buy" : "sell",
          type: "limit",
          tif: rng.next() < 0.3 ? "IOC" : "GTC",
          price,
          size: 1n + BigInt(Math.floor(rng.next() * 5)),
        });
        stats.ok++;
        stats.ack.recordValue(Math.max(1, Math.round(performance.now() - sent)));
      } catch (err) {
        const code = err instanceof ApiError ? err.code : "NETWORK";
        stats.rejected.set(code, (stats.rejected.get(code) ?? 0) + 1);
      }
    }
  };
  await Promise.all(active.map(loop));
  stats.ms = Date.now() - t0;
  return stats;
}

/** Percentile from a Prometheus histogram's cumulative buckets (upper bound of the bucket). */
function laneWait(metrics: string, lane: string, q: number): string {
  const buckets = [
    ...metrics.matchAll(
      new RegExp(`rollup_lane_wait_ms_bucket\\{le="([^"]+)",lane="${lane}"\\} (\\d+)`, "g"),
    ),
  ].map((m) => ({ le: m[1]!, n: Number(m[2]) }));
  const total = buckets.at(-1)?.n ?? 0;
  if (total === 0) return "–";
  const hit = buckets.find((b) => b.n >= q * total);
  return hit ? `≤ ${hit.le} ms` : "–";
}

const calm = await phase("calm", traders.slice(0, Number(o.calmTraders)));
const metricsBefore = await (await fetch(`${info.apiUrl}/metrics`)).text();
const spike = await phase("spike", traders, phaseMs / 2);
const metrics = await (await fetch(`${info.apiUrl}/metrics`)).text();

const row = (name: string, s: PhaseStats) =>
  `| ${name} | ${(s.ok / (s.ms / 1000)).toFixed(0)} | ${s.ack.getValueAtPercentile(50)} | ${s.ack.getValueAtPercentile(90)} | ${s.ack.getValueAtPercentile(99)} | ${[...s.rejected].map(([c, n]) => `${c}:${n}`).join(" ") || "–"} |`;
console.log("\n| phase | accepted ops/s | ack p50 ms | p90 | p99 | rejected |\n|---|---|---|---|---|---|");
console.log(row(`calm (${o.calmTraders} traders)`, calm));
console.log(row(`spike (${nTraders} traders, shock mid-way)`, spike));
const rate = (s: PhaseStats) => s.ok / (s.ms / 1000);
console.log(
  `\nspike ÷ calm: throughput ${(rate(spike) / Math.max(1e-9, rate(calm))).toFixed(1)}x, ack p99 ${(spike.ack.getValueAtPercentile(99) / Math.max(1, calm.ack.getValueAtPercentile(99))).toFixed(1)}x`,
);
console.log("\nlane wait since the devnet started (from /metrics):");
for (const lane of ["liquidation", "normal"]) {
  console.log(
    `  ${lane.padEnd(12)} p50 ${laneWait(metrics, lane, 0.5)}, p99 ${laneWait(metrics, lane, 0.99)}`,
  );
}
const sealed = (m: string, p: string) =>
  Number(new RegExp(`rollup_batches_sealed_total\\{priority="${p}"\\} (\\d+)`).exec(m)?.[1] ?? 0);
console.log(
  `batches sealed during the spike: normal ${sealed(metrics, "normal") - sealed(metricsBefore, "normal")}, liquidation ${sealed(metrics, "liquidation") - sealed(metricsBefore, "liquidation")}`,
);
const state = await api.state();
console.log(
  `state: sealed ${state.lastSealedBatch}, proven ${state.lastProvenBatch}, verified ${state.lastVerifiedBatch} (the proof queue drains after the spike)`,
);
