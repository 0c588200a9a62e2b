import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CRASH_SEVERITIES, generateTape } from "../../../sequencer/sim/gen.ts";
import { runTape } from "../../../sequencer/sim/run.ts";
import { serializeTape, type Tape } from "../../../sequencer/sim/tape.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const prices = (tape: Tape) =>
  tape.events.flatMap((e) => (e.kind === "price" ? [{ t: e.t, p: e.price }] : []));

/**
 * sha256 of `npm run gen-tape -- --shape S --seed 1 --minutes 10` (= serializeTape(generateTape(…)))
 * before the crash options existed: the defaults must keep producing these bytes.
 */
const DEFAULT_TAPES = {
  calm: "99694a5d021aa3f3384f8dffce7c9d1008ec8c814520474e019addb9a820f1d0",
  crash: "3861de051f519867699cf414c920649154516d97914a739c906091e5a447aeb8",
  jelly: "b62b25a1c35474fec9cfeaa4c60972d6d5bbb96a26d8f61120412548925a6ffd",
} as const;

describe("gen-tape crash options", () => {
  for (const shape of ["calm", "crash", "jelly"] as const) {
    it(`${shape}: the default 10-minute tape is byte-identical to the one before the options`, () => {
      assert.equal(sha(serializeTape(generateTape({ shape, seed: "1", minutes: 10 }))), DEFAULT_TAPES[shape]);
    });
  }

  it("crash: the normal severity and the explicit default values give the default tape", () => {
    const base = serializeTape(generateTape({ shape: "crash", seed: "5", minutes: 1 }));
    const { vaultCapital, insurance, ...knobs } = CRASH_SEVERITIES.normal;
    const explicit = serializeTape(
      generateTape({ shape: "crash", seed: "5", minutes: 1, ...knobs, vaultCapital, insurance }),
    );
    assert.equal(explicit, base);
    const normal = generateTape({ shape: "crash", seed: "5", minutes: 1, severity: "normal" });
    assert.equal(normal.header.params?.severity, "normal");
    assert.deepEqual(normal.events, generateTape({ shape: "crash", seed: "5", minutes: 1 }).events);
  });

  it("refuses bad values and crash options on other shapes, naming the option", () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ dropPct: 0 }, /dropPct must be a number in \(0, 90\)/],
      [{ dropPct: 90 }, /dropPct/],
      [{ dropPct: Number.NaN }, /dropPct/],
      [{ gapPct: -1 }, /gapPct must be a number in \[0, 90\)/],
      [{ gapAt: 1 }, /gapAt must be a fraction in \[0, 1\)/],
      [{ leveraged: 2.5 }, /leveraged must be an integer/],
      [{ leveraged: -1 }, /leveraged/],
      [{ maxLeverage: 10 }, /maxLeverage must be a number in \[5, 10\)/],
      [{ maxLeverage: 4 }, /maxLeverage/],
      [{ vaultCapital: -1 }, /vaultCapital must be a whole number of USDC/],
      [{ insurance: 0.5 }, /insurance must be a whole number of USDC/],
      [{ severity: "wild" }, /unknown severity "wild"; known severities: normal, extreme/],
    ];
    for (const [opts, re] of bad) {
      assert.throws(
        () => generateTape({ shape: "crash", seed: "1", minutes: 1, ...opts }),
        re,
        JSON.stringify(opts),
      );
    }
    assert.throws(
      () => generateTape({ shape: "calm", seed: "1", minutes: 1, leveraged: 3 }),
      /leveraged is a crash option; use it with shape "crash"/,
    );
    assert.throws(
      () => generateTape({ shape: "jelly", seed: "1", minutes: 1, severity: "extreme" }),
      /crash option/,
    );
    // The genesis applies to every shape.
    const jelly = generateTape({ shape: "jelly", seed: "1", minutes: 1, vaultCapital: 0, insurance: 7 });
    assert.deepEqual(jelly.header.genesis, { insuranceFund: 7_000_000n, backstopCollateral: 0n });
  });

  it("crash: the options reach the tape (genesis, leveraged traders, the drop and the one-tick gap)", () => {
    const opts = { shape: "crash", seed: "2", minutes: 4, dropPct: 20, gapPct: 10, gapAt: 0.5 } as const;
    const tape = generateTape({ ...opts, leveraged: 7, maxLeverage: 6, vaultCapital: 123, insurance: 45 });
    const p = tape.header.params as Record<string, number> & {
      crashStartMs: number;
      crashEndMs: number;
      gapMs: number;
    };
    assert.deepEqual(tape.header.genesis, { insuranceFund: 45_000_000n, backstopCollateral: 123_000_000n });
    assert.equal(p.leveraged, 7);
    assert.equal(p.maxLeverage, 6);
    assert.equal(p.dropPct, 20);
    assert.equal(p.gapPct, 10);
    assert.equal(p.gapMs, p.crashStartMs + 36_000); // half of the 72 s window (30% of 4 min)
    assert.match(tape.header.description ?? "", /−20% with a 10% one-tick gap/);
    const ps = prices(tape);
    const i = ps.findIndex((x) => x.t === p.gapMs);
    const step = Number(ps[i]?.p) / Number(ps[i - 1]?.p) - 1;
    assert.ok(step < -0.08, `the gap tick moved the index ${(step * 100).toFixed(2)}%`);
    const before = Number(ps.filter((x) => x.t < p.crashStartMs).at(-1)?.p);
    const low = Math.min(...ps.filter((x) => x.t < p.crashEndMs).map((x) => Number(x.p)));
    assert.ok(low / before < 0.8 * 0.9 * 1.01, `index fell to ${((low / before) * 100).toFixed(1)}%`);
    // The traders are makers, takers, the leveraged ones, then the panic takers.
    assert.equal(tape.header.traders, 4 + 20 + 7 + 60);
  });

  it("extreme: genesis and knobs of the preset; an explicit option overrides it", () => {
    const x = CRASH_SEVERITIES.extreme;
    const tape = generateTape({ shape: "crash", seed: "1", minutes: 1, severity: "extreme", insurance: 1 });
    const p = tape.header.params as Record<string, unknown>;
    assert.equal(p.severity, "extreme");
    assert.equal(p.leveraged, x.leveraged);
    assert.equal(p.gapPct, x.gapPct);
    assert.equal(p.dropPct, x.dropPct);
    assert.deepEqual(tape.header.genesis, {
      insuranceFund: 1_000_000n,
      backstopCollateral: BigInt(x.vaultCapital) * 1_000_000n,
    });
  });

  it("extreme: a short run reaches ADL and deficits paid by the fund and then by the vault", async () => {
    // 10 tape minutes but a calm crash window (orderMultiplier 1): ~7,500 events, well under a second.
    const tape = generateTape({
      shape: "crash",
      seed: "3",
      minutes: 10,
      severity: "extreme",
      orderMultiplier: 1,
    });
    const r = await runTape(tape, "hyperliquid");
    const adl = r.ledger.flatMap((rec) => rec.fills.filter((f) => f.tier === "adl"));
    assert.ok(adl.length > 0, "an ADL fill");
    assert.ok(
      r.ledger.some((rec) => rec.tier === "adl"),
      "an event ending in the ADL tier",
    );
    const fromFund = r.ledger.reduce((s, rec) => s + rec.deficitFromFund, 0n);
    const fromVault = r.ledger.reduce((s, rec) => s + rec.deficitFromVault, 0n);
    assert.ok(fromFund > 0n, "a deficit paid by the insurance fund");
    assert.ok(fromVault > 0n, "a deficit paid by the vault once the fund's 5k USDC ran out");
    assert.deepEqual(r.engine.selfCheck(), []);
  });

  it("gen-tape CLI: bad flags exit 2 and say what to pass", () => {
    const dir = mkdtempSync(join(tmpdir(), "gen-tape-"));
    try {
      const run = (...args: string[]) =>
        spawnSync(
          process.execPath,
          ["--import", "tsx", "scripts/gen-tape.ts", ...args, "--out", join(dir, "t.jsonl")],
          {
            cwd: ROOT,
            encoding: "utf8",
          },
        );
      const a = run("--shape", "crash", "--minutes", "1", "--drop-pct", "abc");
      assert.equal(a.status, 2);
      assert.match(a.stderr, /--drop-pct must be a percentage in \(0, 90\), e\.g\. 15, got "abc"/);
      const b = run("--shape", "calm", "--minutes", "1", "--leveraged", "5", "--gap-pct", "3");
      assert.equal(b.status, 2);
      assert.match(b.stderr, /--gap-pct, --leveraged apply only to --shape crash/);
      const c = run("--shape", "crash", "--minutes", "1", "--severity", "wild");
      assert.equal(c.status, 2);
      assert.match(c.stderr, /unknown severity "wild"; use --severity normal \| extreme/);
      const d = run("--shape", "crash", "--minutes", "0.5", "--severity", "extreme", "--max-leverage", "8");
      assert.equal(d.status, 0, d.stderr);
      assert.match(d.stdout, /severity extreme/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
