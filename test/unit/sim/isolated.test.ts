import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { generateTape, ISOLATED_MARGIN_BPS } from "../../../sequencer/sim/gen.ts";
import { POLICY_NAMES } from "../../../sequencer/sim/policies.ts";
import { runTape } from "../../../sequencer/sim/run.ts";
import { summaryTable } from "../../../sequencer/sim/summary.ts";
import {
  parseTape,
  serializeTape,
  type Tape,
  TapeError,
  type TapeEvent,
} from "../../../sequencer/sim/tape.ts";
import { invariantHooks } from "./invariants.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const USDC = 1_000_000n;

const header = (markets: number) => ({
  format: "zk-perps-tape",
  version: 1,
  seed: "iso",
  shape: "hand",
  markets,
  startMs: "1000000",
  durationMs: 30_000,
  traders: 3,
  initialPrices: ["100000000", "50000000"].slice(0, markets),
});
const text = (h: unknown, evs: unknown[]) => `${[h, ...evs].map((x) => JSON.stringify(x)).join("\n")}\n`;

function refused(evs: unknown[]): TapeError {
  try {
    parseTape(text(header(1), evs));
  } catch (e) {
    assert.ok(e instanceof TapeError, `expected a TapeError, got ${String(e)}`);
    return e;
  }
  assert.fail("expected the tape to be refused");
}

describe("sim isolate event: parsing", () => {
  const price = { t: 0, kind: "price", marketId: 0, price: "100000000" };
  const isolate = { t: 0, kind: "isolate", trader: 1, marketId: 0, amount: "1100000000" };

  it("reads an isolate line into a bigint amount and writes it back byte for byte", () => {
    const src = text(header(1), [price, isolate]);
    const tape = parseTape(src);
    assert.deepEqual(tape.events[1], {
      t: 0,
      kind: "isolate",
      trader: 1,
      marketId: 0,
      amount: 1_100_000_000n,
    });
    assert.equal(serializeTape(tape), src);
  });

  it("refuses a bad isolate line with its line number", () => {
    const cases: [unknown, RegExp][] = [
      [{ ...isolate, amount: "-5" }, /tape line 3: bad event: amount: must be > 0/],
      [{ ...isolate, amount: "0" }, /tape line 3: bad event: amount: must be > 0/],
      [{ ...isolate, marketId: 1 }, /tape line 3: marketId 1 but the header has 1 market/],
      [{ ...isolate, marketId: 9 }, /tape line 3: bad event: marketId/],
      [{ t: 0, kind: "isolate", trader: 1, marketId: 0 }, /tape line 3: bad event: amount/],
      [{ t: 0, kind: "isolate", trader: 1, amount: "1" }, /tape line 3: bad event: marketId/],
      [{ t: 0, kind: "isolate", marketId: 0, amount: "1" }, /tape line 3: bad event: trader/],
      [{ ...isolate, to: 4 }, /tape line 3: bad event/],
    ];
    for (const [ev, re] of cases) {
      const e = refused([price, ev]);
      assert.equal(e.line, 3, JSON.stringify(ev));
      assert.match(e.message, re, JSON.stringify(ev));
    }
  });
});

/**
 * A hand tape, policy `simple` (index mark, no funding, 10% IMF, 5% MMF, 5/2 bp fees, the vault at the
 * mark for any account below maintenance), prices in micro-USDC per lot. Trader 0 is a maker with 1M
 * USDC; trader 1 deposits 10,000 USDC and, with `isolate`, moves 1,100 of it into a sub-account
 * isolated to market 0. Then:
 *   trader 0 asks 100 lots at 100 USDC; trader 1 lifts them (IOC) from the sub-account: margin check
 *     IM 10% · 10,000 = 1,000 + taker fee 5 bp · 10,000 = 5 → 1,005 ≤ 1,100; sub cash 1,100 − 5 = 1,095;
 *   trader 1 rests a 1-lot bid at 90 in market 0 (from the sub-account) and cancels it (the cancel must
 *     follow the order to the sub-account), and rests a 1-lot bid at 40 in market 1 (from the cross
 *     account: the sub-account may trade market 0 only);
 *   trader 2, who never deposited, tries to isolate (runner: NO_ACCOUNT); trader 1 tries to isolate
 *     20,000 in market 1, more than its cash (engine: INSUFFICIENT_COLLATERAL);
 *   the index of market 0 falls to 85. Sub-account equity 1,095 + 100 · (85 − 100) = −405 < MM 425:
 *     liquidated, no bids in the band, so the vault takes the 100 lots at 85 and the fund pays the
 *     405 deficit (a bankrupt account pays no penalty). The cross account keeps 10,000 − 1,100 = 8,900.
 * Without the isolate event the same long sits in the cross account: cash 10,000 − 5 = 9,995, equity
 * at 85 = 9,995 − 1,500 = 8,495 ≥ MM 5% · 8,500 = 425, so nothing is liquidated and the cross account
 * carries the 1,500 loss.
 */
function handTape(withIsolate: boolean): Tape {
  const ord = (
    t: number,
    trader: number,
    marketId: number,
    side: string,
    tif: string,
    price: string,
    size: string,
  ) => ({
    t,
    kind: "order",
    trader,
    marketId,
    side,
    type: "limit",
    tif,
    price,
    size,
  });
  const bid90 = ord(3, 1, 0, "buy", "GTC", "90000000", "1");
  const evs: Record<string, unknown>[] = [
    { t: 0, kind: "price", marketId: 0, price: "100000000" },
    { t: 0, kind: "price", marketId: 1, price: "50000000" },
    { t: 0, kind: "deposit", trader: 0, amount: String(1_000_000n * USDC) },
    { t: 0, kind: "deposit", trader: 1, amount: String(10_000n * USDC) },
    ...(withIsolate
      ? [{ t: 0, kind: "isolate", trader: 1, marketId: 0, amount: String(1_100n * USDC) }]
      : []),
    ord(1, 0, 0, "sell", "GTC", "100000000", "100"),
    ord(2, 1, 0, "buy", "IOC", "100000000", "100"),
    bid90,
  ];
  evs.push(
    { t: 4, kind: "cancel", trader: 1, ref: evs.indexOf(bid90) },
    ord(5, 1, 1, "buy", "GTC", "40000000", "1"),
    { t: 6, kind: "isolate", trader: 2, marketId: 0, amount: String(1n * USDC) },
    { t: 7, kind: "isolate", trader: 1, marketId: 1, amount: String(20_000n * USDC) },
    { t: 1000, kind: "price", marketId: 0, price: "85000000" },
  );
  return parseTape(text(header(2), evs));
}

describe("sim isolate event: replay", () => {
  it("an isolated long is liquidated on its own collateral; the cross account keeps the rest", async () => {
    const r = await runTape(handTape(true), "simple");
    const e = r.engine;
    const cross = r.accounts.get(1) as number;
    const sub = r.isolated.get(1)?.get(0) as number;
    assert.notEqual(sub, undefined);
    assert.notEqual(sub, cross);
    assert.equal(e.accountView(sub)?.marginMode, "isolated");
    assert.equal(e.accountView(sub)?.parentId, cross);
    assert.equal(r.owners.get(sub), 1, "the sub-account maps back to its trader");
    assert.equal(r.owners.get(cross), 1);

    assert.equal(r.ledger.length, 1);
    const rec = r.ledger[0];
    assert.equal(rec?.accountId, sub, "the ledger record is the sub-account's");
    // Bankruptcy: 1,095 + 100 · (p − 100) = 0 at p = 89.05 USDC.
    assert.deepEqual(rec?.legs, [
      { marketId: 0, size: 100n, triggerMark: 85_000_000n, bankruptcyPrice: 89_050_000n },
    ]);
    assert.equal(rec?.tier, "vault");
    assert.equal(rec?.penalty, 0n);
    assert.equal(rec?.deficitFromFund, 405n * USDC);
    assert.equal(rec?.deficitFromVault, 0n);
    assert.equal(e.account(sub)?.collateral, 0n);
    assert.equal(e.account(sub)?.positions[0]?.size, 0n);

    assert.equal(e.account(cross)?.collateral, 8_900n * USDC, "10,000 deposited − 1,100 isolated, exactly");
    assert.deepEqual(
      e.account(cross)?.positions.map((p) => p.size),
      [0n, 0n],
    );
    assert.deepEqual(
      e.openOrders(cross).map((o) => [o.marketId, o.price]),
      [[1, 40_000_000n]],
      "the market-1 bid came from the cross account",
    );

    assert.equal(r.applied.isolate, 1);
    assert.equal(r.applied.cancel, 1, "the cancel reached the sub-account's bid");
    assert.deepEqual(r.rejections.isolate, { NO_ACCOUNT: 1, INSUFFICIENT_COLLATERAL: 1 });
    assert.equal(r.rejections.order, undefined);
    assert.equal(r.rejections.cancel, undefined);
    assert.deepEqual(r.summary.isolated, { accounts: 1, events: 1, deficit: 405n * USDC });
    assert.deepEqual(r.summary.badDebt.fromFund, 405n * USDC);
    assert.match(summaryTable([r.summary]), /\| liquidation events of isolated sub-accounts \| 1 \|/);
    assert.deepEqual(e.selfCheck(), []);
  });

  it("without the isolate event the cross account carries the loss and is not liquidated", async () => {
    const r = await runTape(handTape(false), "simple");
    const e = r.engine;
    const cross = r.accounts.get(1) as number;
    assert.equal(r.isolated.size, 0);
    assert.equal(r.ledger.length, 0);
    assert.equal(e.account(cross)?.positions[0]?.size, 100n);
    assert.equal(e.account(cross)?.collateral, 9_995n * USDC);
    assert.equal(e.accountView(cross)?.equity, 8_495n * USDC);
    assert.equal(e.accountView(cross)?.maintenanceRequirement, 425n * USDC);
    assert.deepEqual(r.rejections.isolate, { NO_ACCOUNT: 1, INSUFFICIENT_COLLATERAL: 1 });
    assert.deepEqual(r.summary.isolated, { accounts: 0, events: 0, deficit: 0n });
    assert.doesNotMatch(summaryTable([r.summary]), /isolated/, "no isolated rows without sub-accounts");
  });
});

/** The tape's events without its isolate events, cancel refs renumbered to match. */
function withoutIsolates(events: readonly TapeEvent[]): TapeEvent[] {
  const newIndex: number[] = [];
  let n = 0;
  for (const ev of events) newIndex.push(ev.kind === "isolate" ? -1 : n++);
  return events
    .filter((ev) => ev.kind !== "isolate")
    .map((ev) => (ev.kind === "cancel" ? { ...ev, ref: newIndex[ev.ref] as number } : ev));
}

describe("gen-tape --isolated-share", () => {
  it("share 0 is the tape without the option, byte for byte, for every shape", () => {
    for (const shape of ["calm", "crash", "jelly"] as const) {
      const plain = serializeTape(generateTape({ shape, seed: "4", minutes: 1 }));
      assert.equal(
        serializeTape(generateTape({ shape, seed: "4", minutes: 1, isolatedShare: 0 })),
        plain,
        shape,
      );
    }
  });

  it("refuses a share outside [0, 1] and a share on jelly, naming the option", () => {
    for (const isolatedShare of [-0.1, 1.5, Number.NaN]) {
      assert.throws(
        () => generateTape({ shape: "crash", seed: "1", minutes: 1, isolatedShare }),
        /isolatedShare must be a fraction in \[0, 1\]/,
      );
    }
    assert.throws(
      () => generateTape({ shape: "jelly", seed: "1", minutes: 1, isolatedShare: 0.5 }),
      (e: unknown) => e instanceof RangeError && /isolatedShare needs leveraged traders/.test(e.message),
    );
  });

  it("share 0.5: half the leveraged traders isolate their margin; same seed, same bytes; same market", () => {
    const opts = { shape: "crash", seed: "iso", minutes: 1, orderMultiplier: 10 } as const;
    const tape = generateTape({ ...opts, isolatedShare: 0.5 });
    assert.equal(serializeTape(generateTape({ ...opts, isolatedShare: 0.5 })), serializeTape(tape));
    const p = tape.header.params as {
      leveraged: number;
      isolatedTraders: number[];
      isolatedMarginBps: number;
    };
    const isolates = tape.events.filter((ev) => ev.kind === "isolate");
    assert.equal(isolates.length, p.leveraged / 2);
    assert.deepEqual(
      isolates.map((ev) => ev.trader),
      p.isolatedTraders,
    );
    assert.equal(p.isolatedMarginBps, ISOLATED_MARGIN_BPS);
    // Every other draw is the share-0 tape's: the same prices, deposits and orders.
    const plain = generateTape(opts);
    assert.deepEqual(withoutIsolates(tape.events), plain.events);
    for (const ev of isolates) {
      const dep = plain.events.find((d) => d.kind === "deposit" && d.trader === ev.trader);
      assert.ok(dep?.kind === "deposit" && ev.amount <= dep.amount && ev.amount % USDC === 0n);
      assert.ok(ev.amount < dep.amount || ev.amount === dep.amount, "at most the deposit");
    }
    assert.ok(
      isolates.some((ev) => {
        const dep = plain.events.find((d) => d.kind === "deposit" && d.trader === ev.trader);
        return dep?.kind === "deposit" && ev.amount < dep.amount;
      }),
      "some trader keeps cash in its cross account",
    );
  });

  it("share 0.5 replays under every policy with the per-tx invariants; sub-account losses stay isolated", async () => {
    const tape = generateTape({
      shape: "crash",
      seed: "iso",
      minutes: 1,
      orderMultiplier: 10,
      isolatedShare: 0.5,
    });
    const moved = new Map<number, bigint>();
    const deposited = new Map<number, bigint>();
    for (const ev of tape.events) {
      if (ev.kind === "isolate") moved.set(ev.trader, ev.amount);
      if (ev.kind === "deposit") deposited.set(ev.trader, ev.amount);
    }
    for (const policy of POLICY_NAMES) {
      const hooks = invariantHooks(`isolated/${policy}`);
      const r = await runTape(tape, policy, { onStart: hooks.onStart, onApplied: hooks.onApplied });
      assert.deepEqual(r.engine.selfCheck(), [], policy);
      assert.equal(r.applied.isolate, moved.size, `${policy}: every isolate was applied`);
      assert.equal(r.rejections.isolate, undefined, policy);
      assert.equal(r.rejections.order?.INSUFFICIENT_MARGIN, undefined, `${policy}: the margin sufficed`);
      const subs = new Set([...r.isolated.values()].map((m) => m.get(0) as number));
      const subEvents = r.ledger.filter((rec) => subs.has(rec.accountId));
      assert.ok(subEvents.length > 0, `${policy}: the crash liquidates isolated sub-accounts`);
      assert.equal(r.summary.isolated.events, subEvents.length, policy);
      for (const rec of subEvents) assert.ok(moved.has(r.owners.get(rec.accountId) as number), policy);
      // The cross account of an isolating trader trades nothing, so it ends with exactly what was not
      // moved, whatever happened to its sub-account.
      for (const [trader, amount] of moved) {
        const cross = r.engine.account(r.accounts.get(trader) as number);
        assert.equal(
          cross?.collateral,
          (deposited.get(trader) as bigint) - amount,
          `${policy}: trader ${trader}`,
        );
        assert.ok(cross?.positions.every((pos) => pos.size === 0n));
      }
    }
  });

  it("gen-tape CLI: --isolated-share 0 writes the default bytes, bad values exit 2, --help shows it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gen-tape-iso-"));
    const run = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, ["--import", "tsx", "scripts/gen-tape.ts", ...args], { cwd: ROOT });
        let stdout = "";
        let stderr = "";
        p.stdout.on("data", (d) => {
          stdout += d;
        });
        p.stderr.on("data", (d) => {
          stderr += d;
        });
        p.on("close", (status) => resolve({ status, stdout, stderr }));
      });
    try {
      const out = (name: string) => ["--out", join(dir, name)];
      const base = ["--shape", "calm", "--minutes", "0.5"];
      // In parallel: each spawn pays tsx's start-up.
      const [plain, zero, bad, jelly, help] = await Promise.all([
        run(...base, ...out("plain.jsonl")),
        run(...base, "--isolated-share", "0", ...out("zero.jsonl")),
        run(...base, "--isolated-share", "1.5", ...out("bad.jsonl")),
        run("--shape", "jelly", "--minutes", "0.5", "--isolated-share", "0.5", ...out("jelly.jsonl")),
        run("--help"),
      ]);
      assert.equal(plain.status, 0, plain.stderr);
      assert.equal(zero.status, 0, zero.stderr);
      assert.equal(
        readFileSync(join(dir, "zero.jsonl"), "utf8"),
        readFileSync(join(dir, "plain.jsonl"), "utf8"),
      );
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /--isolated-share must be a fraction of the leveraged traders in \[0, 1\]/);
      assert.equal(jelly.status, 2);
      assert.match(jelly.stderr, /--isolated-share applies only to --shape calm or crash/);
      assert.match(help.stdout, /--isolated-share <x>/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
