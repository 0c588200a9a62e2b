import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EngineError, type EngineGenesis } from "../../../sequencer/engine/index.ts";
import { ftx } from "../../../sequencer/risk/liquidation/policy.ts";
import { type RiskInput, snapshot, TimedDriver } from "./helpers.ts";

/**
 * The waterfall through the engine, numbers worked by hand. The victim buys 100 @ 1000 with 10_100
 * (taker fee 10 bps = 100 → 10_000). At 940 its equity is 10_000 − 6_000 = 4_000 against maintenance
 * 100·940·5% = 4_700: liquidatable. At 880 its equity is 10_000 − 12_000 = −2_000: bankrupt.
 */
type Risk = RiskInput;
const BIG = 1n << 90n;
const caps = { maxMarketNotional: BIG, perMinuteNotional: BIG, perHourNotional: BIG };

/** FTX's chunking with the randomness taken out: 10% every 6 s, 5 bp through the book. */
const chunked: Risk["liquidation"] = {
  name: "chunked",
  onBook: {
    shareBps: 1_000,
    minChunkNotional: 0n,
    sizeJitterBps: 0,
    schedule: { kind: "interval", intervalMs: 6_000n, jitterMs: 0n },
    order: { kind: "band", minBps: 5, maxBps: 5 },
  },
  vault: { ...caps, threshold: { num: 1, den: 2 } },
  adl: { ranking: "pnl-leverage" },
};

class Sim extends TimedDriver {
  constructor(risk: Risk, genesis: EngineGenesis = {}) {
    super(risk, {}, genesis);
  }
  /** victim long 100 @ 1000 against a well-funded shorter; a deep bidder at 940. */
  setup(victims = 1) {
    this.price(1_000n);
    const shorter = this.fund(100_000_000n, 50n);
    const bidder = this.fund(100_000_000n, 51n);
    const ids: number[] = [];
    for (let i = 0; i < victims; i++) {
      const v = this.fund(10_100n, 100n + BigInt(i));
      this.order(shorter, "sell", 1_000n, 100n);
      this.order(v, "buy", 1_000n, 100n);
      ids.push(v);
    }
    return { shorter, bidder, victims: ids };
  }
}

function rejects(fn: () => unknown, code: string) {
  assert.throws(fn, (err: unknown) => err instanceof EngineError && err.code === code);
}

describe("liquidation waterfall", () => {
  it("closes in chunks on the policy's schedule, refuses a chunk that is not due, and ends on recovery", () => {
    const s = new Sim({ liquidation: chunked });
    const { bidder, victims } = s.setup();
    const v = victims[0] as number;
    s.order(bidder, "buy", 940n, 1_000n);
    s.price(940n, 10_000n);
    const q = s.e.conservedTotal();

    // chunk 1: 10 lots, limit ⌈940·(1 − 5 bp)⌉ = 940: realised 10·940 − 10_000 = −600 → 9_400,
    // penalty 1% of 9_400 = 94 → 9_306. Equity 9_306 − 90·60 = 3_906 < 4_230: still open, above ½.
    const r1 = s.liquidate(v);
    assert.equal(r1.liquidation?.closedOnBook, 10n);
    assert.equal(r1.liquidation?.ended, false);
    assert.equal(s.e.account(v)?.collateral, 9_306n);
    assert.deepEqual(s.e.liquidationsInProgress(), [v]);

    const before = snapshot(s.e);
    rejects(() => s.liquidate(v), "LIQUIDATION_NOT_DUE");
    assert.deepEqual(snapshot(s.e), before);

    s.price(940n, 16_000n); // 6 s later: due again, 10% of 90 = 9 lots
    // 9_306 + 9·940 − 9_000 = 8_766, penalty 84 → 8_682; equity 8_682 − 81·60 = 3_822 ≥ 3_807: safe.
    const r2 = s.liquidate(v);
    assert.equal(r2.liquidation?.closedOnBook, 9n);
    assert.equal(r2.liquidation?.ended, true);
    assert.equal(s.e.account(v)?.positions[0]?.size, 81n);
    assert.deepEqual(s.e.liquidationsInProgress(), []);
    rejects(() => s.liquidate(v), "NOT_LIQUIDATABLE");
    const [rec] = s.e.ledger();
    assert.equal(rec?.tier, "on-book");
    assert.equal(rec?.steps, 2);
    assert.equal(rec?.closedAtMs, 16_000n);
    assert.equal(rec?.openedAtMs, 10_000n);
    assert.deepEqual(
      rec?.fills.map((f) => [f.size, f.price, f.atMs]),
      [
        [-10n, 940n, 10_000n],
        [-9n, 940n, 16_000n],
      ],
    );
    assert.equal(rec?.legs[0]?.triggerMark, 940n);
    assert.equal(s.e.conservedTotal(), q);
  });

  it("ends an open event without touching the account when it recovered", () => {
    const s = new Sim({ liquidation: chunked });
    const { bidder, victims } = s.setup();
    const v = victims[0] as number;
    s.order(bidder, "buy", 940n, 1_000n);
    s.price(940n, 10_000n);
    s.liquidate(v);
    s.price(1_000n, 11_000n);
    const before = s.e.account(v);
    const r = s.liquidate(v);
    assert.deepEqual(r.touched, []);
    assert.equal(r.liquidation?.ended, true);
    assert.deepEqual(s.e.account(v), before);
    assert.deepEqual(s.e.liquidationsInProgress(), []);
    assert.equal(s.e.ledger()[0]?.closedAtMs, 11_000n);
  });

  it("refuses a vault takeover above its exposure cap, and one past its per-minute capacity until it frees", () => {
    const capped: Risk["liquidation"] = {
      ...chunked,
      vault: {
        maxMarketNotional: 50_000n,
        perMinuteNotional: BIG,
        perHourNotional: BIG,
        threshold: { num: 1, den: 1 },
      },
    };
    const a = new Sim({ liquidation: capped });
    a.fundBackstop(1_000_000n);
    const va = a.setup().victims[0] as number;
    a.price(940n, 10_000n);
    const r = a.liquidate(va); // no bids: the chunk fills nothing; 100·940 = 94_000 > 50_000
    assert.equal(r.liquidation?.toBackstop, 0n);
    assert.equal(a.e.account(0)?.positions[0]?.size, 0n);

    const windowed: Risk["liquidation"] = {
      ...chunked,
      vault: {
        maxMarketNotional: BIG,
        perMinuteNotional: 100_000n,
        perHourNotional: BIG,
        threshold: { num: 1, den: 1 },
      },
    };
    const b = new Sim({ liquidation: windowed });
    b.fundBackstop(1_000_000n);
    const [v1, v2] = b.setup(2).victims as [number, number];
    b.price(940n, 10_000n);
    assert.equal(b.liquidate(v1).liquidation?.toBackstop, 100n); // 94_000 of the minute's 100_000
    assert.equal(b.liquidate(v2).liquidation?.toBackstop, 0n); // another 94_000 does not fit
    b.price(940n, 70_000n); // 60 s after the first takeover the window has moved past it
    assert.equal(b.liquidate(v2).liquidation?.toBackstop, 100n);
    assert.equal(b.e.account(0)?.positions[0]?.size, 200n);
    const fills = b.e.ledger().flatMap((x) => x.fills.filter((f) => f.tier === "vault"));
    assert.deepEqual(
      fills.map((f) => f.atMs),
      [10_000n, 70_000n],
    );
  });

  it("after an OKX-style fund drawdown, a deficit goes past the fund to the vault", () => {
    const drawdown = { windowMs: 8n * 3_600_000n, thresholdBps: 3_000 };
    const run = (withTrigger: boolean) => {
      const s = new Sim(
        {
          liquidation: { ...chunked, vault: { ...caps, threshold: { num: 1, den: 1 } } },
          insurance: withTrigger ? { drawdown } : {},
        },
        { insuranceFund: 5_000n },
      );
      s.fundBackstop(1_000_000n);
      const [v1, v2] = s.setup(2).victims as [number, number];
      s.price(880n, 10_000n);
      // Each victim: equity −2_000 at 880 → the vault takes 100 @ 880; the deficit is 2_000.
      s.liquidate(v1); // the fund pays it: 5_000 → 3_000, a 40% drawdown (> 30%)
      s.price(880n, 11_000n);
      s.liquidate(v2);
      return s.e.ledger();
    };
    const [a1, a2] = run(true);
    assert.equal(a1?.deficitFromFund, 2_000n);
    assert.equal(a1?.deficitFromVault, 0n);
    assert.equal(a2?.deficitFromFund, 0n);
    assert.equal(a2?.deficitFromVault, 2_000n);
    const [, b2] = run(false);
    assert.equal(b2?.deficitFromFund, 2_000n, "without the trigger the fund pays again");
    assert.equal(b2?.deficitFromVault, 0n);
  });

  it("sweeps a zombie: ADL against the opposite side at the bankruptcy price, recorded as swept", () => {
    const s = new Sim({ liquidation: chunked });
    const { shorter, victims } = s.setup();
    const v = victims[0] as number;
    s.price(880n, 10_000n);
    assert.deepEqual(s.e.zombies(), [v]);
    const q = s.e.conservedTotal();
    const r = s.liquidate(v, true);
    // P = 880 − ⌊−2_000/100⌋ = 900: the victim ends with 10_000 − 100·100 = 0; the shorter buys back @ 900.
    assert.equal(r.liquidation?.toAdl, 100n);
    assert.equal(s.e.account(v)?.collateral, 0n);
    assert.equal(s.e.account(shorter)?.positions[0]?.size, 0n);
    assert.deepEqual(s.e.zombies(), []);
    const [rec] = s.e.ledger();
    assert.equal(rec?.swept, true);
    assert.equal(rec?.tier, "adl");
    assert.deepEqual(
      rec?.fills.map((f) => [f.tier, f.size, f.price, f.counterparty]),
      [["adl", -100n, 900n, shorter]],
    );
    assert.equal(s.e.conservedTotal(), q);
  });

  it("deleverages the vault itself once it is bankrupt, so its losses do not go unbacked", () => {
    const s = new Sim({ liquidation: { ...chunked, vault: { ...caps, threshold: { num: 1, den: 1 } } } });
    s.fundBackstop(5_000n);
    const { shorter, victims } = s.setup();
    const v = victims[0] as number;
    s.price(940n, 10_000n);
    // No bids: the vault takes 100 @ 940; its maintenance 4_700 ≤ its equity 5_000, so it may.
    assert.equal(s.liquidate(v).liquidation?.toBackstop, 100n);
    s.price(880n, 11_000n);
    // The vault: 5_000 + 100·(880 − 940) = −1_000. It cannot take itself over: ADL at
    // 880 − ⌊−1_000/100⌋ = 890 against the shorter, leaving the vault with 5_000 − 100·50 = 0.
    assert.deepEqual(s.e.zombies(), [0]);
    const q = s.e.conservedTotal();
    const r = s.liquidate(0, true);
    assert.equal(r.liquidation?.toAdl, 100n);
    assert.equal(r.liquidation?.penalty, 0n);
    assert.equal(s.e.account(0)?.positions[0]?.size, 0n);
    assert.equal(s.e.account(0)?.collateral, 0n);
    assert.equal(s.e.account(shorter)?.positions[0]?.size, 0n);
    assert.deepEqual(s.e.zombies(), []);
    assert.equal(s.e.vaultReport().pnl, -5_000n);
    assert.equal(s.e.conservedTotal(), q);
  });

  it("replays FTX's randomised chunks (probability gate, size jitter, band) to the same ledger and state", () => {
    const play = () => {
      const s = new Sim({ liquidation: ftx, rngSeed: 42n });
      const { bidder, victims } = s.setup(3);
      s.order(bidder, "buy", 940n, 1_000n);
      for (let t = 10_000n; t < 40_000n; t += 1_000n) {
        s.price(940n, t);
        for (const v of victims) {
          try {
            s.liquidate(v);
          } catch (err) {
            if (!(err instanceof EngineError)) throw err;
          }
        }
      }
      return s;
    };
    const a = play();
    const b = play();
    assert.deepEqual(a.e.ledger(), b.e.ledger());
    assert.deepEqual(snapshot(a.e), snapshot(b.e));
    const fills = a.e.ledger().flatMap((r) => r.fills);
    assert.ok(fills.length >= 3, "the gate let chunks through");
    // FTX's $1,000 minimum chunk is above these positions, so each goes in one chunk, when its ⅙ gate
    // opens: at different seconds for different accounts.
    assert.ok(new Set(fills.map((f) => f.atMs)).size > 1);
  });
});
