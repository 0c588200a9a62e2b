/**
 * `npx tsx scripts/bench-dashboard.ts [--calls 2000]`: what the dashboard costs the sequencer. One
 * in-process sequencer (the unit instance) with resting orders, trades and a liquidation; the same
 * fastify app answers GET /state (the baseline: the smallest read the API has) and GET
 * /dashboard/snapshot, N times each through inject (no sockets), interleaved in rounds so noise hits
 * both alike. The node's slow sources (Redis, L1) are stood in by constants: they are cached for a
 * second outside the event loop's hot path, and this measures the sequencer's own share.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { z } from "zod";
import { createMetrics } from "../node/sequencer/metrics.ts";
import { buildServer } from "../sequencer/api/server.ts";
import type { EngineTx } from "../sequencer/engine/types.ts";
import {
  openSequencer,
  submitAsOwners,
  UNIT_KEEPER,
  UNIT_TRADERS,
} from "../test/unit/sequencer/open-sequencer.ts";

const opts = z
  .object({ calls: z.coerce.number().int().positive() })
  .parse(new Command().option("--calls <n>", "requests per route", "2000").parse().opts());

const dir = mkdtempSync(join(tmpdir(), "bench-dash-"));
let now = 1_000;
const { seq, db } = await openSequencer(dir, 60_000, undefined, 1, { clock: () => now });
await seq.start();
const submit = submitAsOwners(UNIT_TRADERS);
const amounts = [1_000_000_000n, 5_100_000n, 1_000_000_000n, 1_000_000_000n];
for (const [i, amount] of amounts.entries()) {
  const [x, y] = UNIT_TRADERS[i]!.pubKey;
  await seq.submitDeposit({ index: BigInt(i), pubKeyX: x, pubKeyY: y, amount });
}
const nonces = new Map<number, bigint>();
const order = (accountId: number, marketId: number, side: "buy" | "sell", price: bigint, size: bigint) => {
  const nonce = (nonces.get(accountId) ?? 0n) + 1n;
  nonces.set(accountId, nonce);
  return {
    kind: "order",
    accountId,
    nonce,
    marketId,
    side,
    type: "limit",
    tif: "GTC",
    price,
    size,
  } as EngineTx;
};
for (const m of [0, 1]) {
  await submit(seq, "liquidation", { kind: "price", marketId: m, price: 1_000_000n, timestampMs: 1n });
}
await submit(seq, "normal", order(1, 0, "sell", 1_000_000n, 50n));
await submit(seq, "normal", order(2, 0, "buy", 1_000_000n, 50n));
now = 5_000;
await submit(seq, "liquidation", { kind: "price", marketId: 0, price: 940_000n, timestampMs: 2n });
for (let i = 0; i < 200 && seq.engine.ledgerTail(1).total === 0; i++)
  await new Promise((r) => setTimeout(r, 10));
// Then a book of 16 levels a side per market (the snapshot shows 8), each a few ticks from the mark.
for (const m of [0, 1]) {
  const mark = seq.engine.markets()[m]!.markPrice;
  for (let l = 1; l <= 16; l++) {
    await submit(seq, "normal", order(3, m, "sell", mark + BigInt(l) * 1_000n, 5n));
    await submit(seq, "normal", order(4, m, "buy", mark - BigInt(l) * 1_000n, 5n));
  }
}

const metrics = createMetrics();
for (const [stage, ms] of [
  ["sealed→proving", 20],
  ["proving→proven", 9_000],
  ["proven→verified", 500],
  ["sealed→verified", 10_000],
] as const)
  for (const priority of ["normal", "liquidation"])
    for (let i = 0; i < 50; i++) metrics.stage.observe({ stage, priority }, ms * (1 + (i % 5) / 5));

const app = buildServer({
  sequencer: seq,
  keeperPubKey: UNIT_KEEPER.pubKey,
  registry: metrics.registry,
  status: { stateRoot: () => seq.stateRoot, lastProvenBatch: () => 0n, lastVerifiedBatch: () => 0n },
  dashboard: {
    provers: async () => [{ name: "prove-w1", addr: "127.0.0.1:1", ageS: 60, idleS: 1 }],
    proofQueue: async () => ({
      states: { waiting: 0, prioritized: 2, active: 1 },
      pending: { liquidation: 1, normal: 1 },
    }),
    l1: async () => ({ stateRoot: `0x${"0".repeat(64)}`, lastVerifiedBatch: "0", blockNumber: "1" }),
    leadership: () => ({ mode: "single", nodeId: "bench", url: "http://x", leaderUrl: "http://x" }),
    peers: async () => [],
  },
});

async function time(url: string, n: number): Promise<{ us: number; bytes: number }> {
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const res = await app.inject({ url });
    if (res.statusCode !== 200) throw new Error(`${url}: HTTP ${res.statusCode}`);
    bytes = res.rawPayload.length;
  }
  return { us: Number(process.hrtime.bigint() - t0) / 1e3 / n, bytes };
}

await time("/state", 200);
await time("/dashboard/snapshot", 200);
const rounds = 4;
const per = Math.ceil(opts.calls / rounds);
let state = 0;
let snap = 0;
let sizes = { state: 0, snap: 0 };
for (let r = 0; r < rounds; r++) {
  const a = await time("/state", per);
  const b = await time("/dashboard/snapshot", per);
  state += a.us / rounds;
  snap += b.us / rounds;
  sizes = { state: a.bytes, snap: b.bytes };
}
const snapshot = JSON.parse((await app.inject({ url: "/dashboard/snapshot" })).body);
console.log(
  `book levels shown: ${snapshot.markets.map((m: { bids: unknown[]; asks: unknown[] }) => m.bids.length + m.asks.length).join("+")}, ` +
    `ledger: ${snapshot.liquidations.total}, batches: ${snapshot.batches.length}, histograms: ${snapshot.histograms.length}`,
);
console.log(
  `GET /state              ${state.toFixed(0).padStart(6)} µs/call  ${sizes.state} bytes  (baseline)`,
);
console.log(
  `GET /dashboard/snapshot ${snap.toFixed(0).padStart(6)} µs/call  ${sizes.snap} bytes  ${(snap / state).toFixed(2)}x`,
);
console.log(
  `one open dashboard (a snapshot per 750 ms tick, shared by every tab): ${((snap / 750_000) * 100).toFixed(3)}% of one core`,
);
await app.close();
await seq.stop();
await db.close();
rmSync(dir, { recursive: true, force: true });
