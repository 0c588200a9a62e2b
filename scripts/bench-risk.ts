/**
 * `npm run bench -- risk`: what each risk policy costs, against the `simple` policy in the same run.
 * (a) One mark update (price tx: oracle guard, mark, funding sample/payment, maintenance scan of every
 *     holder) with N accounts holding positions and a book a few levels deep on each side.
 * (b) The simulator's throughput on a generated crash tape (events/s), one run per policy.
 * Machines here are noisy: read the ratios, not the absolute figures.
 */
import { Command } from "commander";
import { Engine } from "../sequencer/engine/engine.ts";
import type { EngineTx } from "../sequencer/engine/types.ts";
import { generateTape } from "../sequencer/sim/gen.ts";
import { policyParams } from "../sequencer/sim/policies.ts";
import { runTape } from "../sequencer/sim/run.ts";

const o = new Command()
  .option("--accounts <n>", "accounts holding a position", "10000")
  .option("--seconds <s>", "time per policy for the price-tx loop", "3")
  .option("--tape-minutes <m>", "crash tape length for the simulator figure", "3")
  .option(
    "--policies <list>",
    "comma-separated policies, the first is the baseline",
    "simple,ftx,backpack,hyperliquid,dydx",
  )
  .parse()
  .opts<{ accounts: string; seconds: string; tapeMinutes: string; policies: string }>();
const ACCOUNTS = Number(o.accounts);
const SECONDS = Number(o.seconds);
const POLICIES = o.policies.split(",");
const PRICE = 60_000_000n;
const TICK = 100n;

/** Builds the engine for `policy` and returns a timer for its price tx. */
function markUpdateBench(policy: string): { time: (seconds: number) => number; holders: number } {
  const params = { ...policyParams(policy, 1), maxAccounts: 2 ** 16, maxMakersPerOrder: 64 };
  const e = new Engine(params, { insuranceFund: 1n << 60n });
  let seq = 0n;
  let now = 1_760_140_800_000n;
  const apply = (tx: EngineTx) => e.apply(tx, ++seq);
  const price = (p: bigint) => {
    now += 1_000n;
    return apply({ kind: "price", marketId: 0, price: p, timestampMs: now, nowMs: now });
  };
  price(PRICE);
  const nonce: bigint[] = [];
  const order = (id: number, side: "buy" | "sell", p: bigint, size: bigint, tif: "GTC" | "IOC") => {
    nonce[id] = (nonce[id] ?? 0n) + 1n;
    apply({
      kind: "order",
      accountId: id,
      nonce: nonce[id],
      marketId: 0,
      side,
      type: "limit",
      tif,
      price: p,
      size,
    });
  };
  for (let i = 0; i < ACCOUNTS + 1; i++) {
    apply({
      kind: "deposit",
      depositIndex: e.nextDepositIndex(),
      pubKeyX: BigInt(10 + i),
      pubKeyY: 3n,
      amount: 1_000_000_000_000n,
    });
  }
  // Pairs open positions against each other at the index, then a maker (the last account) quotes
  // 5 levels a side so the impact price and the median have a book to walk.
  for (let id = 1; id + 1 <= ACCOUNTS; id += 2) {
    const size = BigInt(1 + (id % 50));
    order(id, "sell", PRICE, size, "GTC");
    order(id + 1, "buy", PRICE, size, "IOC");
  }
  const maker = ACCOUNTS + 1;
  for (let l = 1n; l <= 5n; l++) {
    order(maker, "buy", PRICE - l * 10n * TICK, 500n, "GTC");
    order(maker, "sell", PRICE + l * 10n * TICK, 500n, "GTC");
  }
  const holders = e.positionHolders(0).length;
  let flip = 0;
  const tick = () => {
    const r = price(PRICE + (flip++ % 2 === 0 ? 5n : -5n) * TICK);
    if (r.liquidationsDetected.length) throw new Error("bench-risk: a liquidation was detected");
  };
  for (let i = 0; i < 5; i++) tick();
  const time = (seconds: number) => {
    const t0 = performance.now();
    let n = 0;
    while (n < 20 || performance.now() - t0 < seconds * 1000) {
      tick();
      n++;
    }
    return ((performance.now() - t0) * 1000) / n;
  };
  return { time, holders };
}

const ROUNDS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const fmt = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(0)} µs`);
const baseline = POLICIES[0] as string;
console.log(`(a) price tx with ${ACCOUNTS} accounts holding positions (÷ ${baseline}, same run)`);
console.log("policy        per price tx   per holder   ratio");
// Every engine is built first, then the policies are timed in turns (ROUNDS rounds, median), so JIT
// warm-up and background load fall on all of them alike.
const benches = POLICIES.map((p) => ({ p, ...markUpdateBench(p), samples: [] as number[] }));
for (let r = 0; r < ROUNDS; r++) for (const b of benches) b.samples.push(b.time(SECONDS / ROUNDS));
const baseUs = median((benches[0] as (typeof benches)[number]).samples);
for (const { p, holders, samples } of benches) {
  const us = median(samples);
  const perHolder = `${((us * 1000) / holders).toFixed(0)} ns`;
  console.log(`${p.padEnd(13)} ${fmt(us).padEnd(14)} ${perHolder.padEnd(12)} ${(us / baseUs).toFixed(2)}x`);
}

const tape = generateTape({ shape: "crash", seed: "bench", minutes: Number(o.tapeMinutes) });
console.log(`\n(b) simulator on a ${o.tapeMinutes}-minute crash tape (${tape.events.length} events)`);
console.log("policy        wall      events/s   liquidation events   time ratio");
const walls = new Map<string, number[]>();
const events = new Map<string, number>();
for (let r = 0; r < ROUNDS; r++) {
  for (const p of POLICIES) {
    const t0 = performance.now();
    const res = await runTape(tape, p);
    walls.set(p, [...(walls.get(p) ?? []), performance.now() - t0]);
    events.set(p, res.ledger.length);
  }
}
const baseMs = median(walls.get(baseline) ?? []);
for (const p of POLICIES) {
  const ms = median(walls.get(p) ?? []);
  const r = { ledger: { length: events.get(p) ?? 0 } };
  const eps = ((tape.events.length / ms) * 1000).toFixed(0);
  console.log(
    `${p.padEnd(13)} ${`${(ms / 1000).toFixed(2)} s`.padEnd(9)} ${eps.padStart(8)}   ${String(r.ledger.length).padStart(18)}   ${(ms / baseMs).toFixed(2)}x`,
  );
}
