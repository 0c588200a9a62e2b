import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { POOL_LIMIT } from "../../../sequencer/engine/ranges.ts";
import {
  absorbSurplus,
  adlTriggered,
  drawdownInWindow,
  type FundSample,
  InsuranceFundError,
  insuranceCover,
  OKX_DRAWDOWN,
} from "../../../sequencer/risk/insurance-fund.ts";

const H = 3_600_000n;
const code = (c: string) => (e: unknown) => e instanceof InsuranceFundError && e.code === c;

describe("insurance fund cover", () => {
  it("takes a liquidation surplus in, within [0, 2^80)", () => {
    assert.equal(absorbSurplus(1_000n, 250n), 1_250n);
    assert.throws(() => absorbSurplus(1_000n, -1n), code("BAD_INSURANCE_INPUT"));
    assert.throws(() => absorbSurplus(POOL_LIMIT - 1n, 1n), code("INSURANCE_FUND_OVERFLOW"));
  });

  it("pays min(deficit, cap, balance) and sends the rest to ADL", () => {
    const cap = { maxCoverPerEvent: 500n };
    assert.deepEqual(insuranceCover(1_000n, 300n, cap), { fromFund: 300n, toAdl: 0n, balanceAfter: 700n });
    assert.deepEqual(insuranceCover(1_000n, 800n, cap), { fromFund: 500n, toAdl: 300n, balanceAfter: 500n });
    assert.deepEqual(insuranceCover(200n, 800n, cap), { fromFund: 200n, toAdl: 600n, balanceAfter: 0n });
  });

  it("never pays more than the cap, the balance or the deficit (property)", () => {
    const amount = fc.bigInt({ min: 0n, max: 1n << 80n });
    fc.assert(
      fc.property(amount, amount, amount, (balance, deficit, cap) => {
        const r = insuranceCover(balance, deficit, { maxCoverPerEvent: cap });
        assert.ok(r.fromFund <= cap && r.fromFund <= balance && r.fromFund >= 0n);
        assert.equal(r.fromFund + r.toAdl, deficit);
        assert.equal(r.balanceAfter, balance - r.fromFund);
        // Whatever goes to ADL, the fund could not pay: it hit the cap or ran dry.
        if (r.toAdl > 0n) assert.ok(r.fromFund === cap || r.balanceAfter === 0n);
      }),
    );
  });
});

describe("proactive ADL trigger (OKX: 30% from the peak within 8 hours)", () => {
  const samples: FundSample[] = [
    { timestampMs: 0n, balance: 1_000_000n },
    { timestampMs: 2n * H, balance: 1_200_000n },
    { timestampMs: 5n * H, balance: 900_000n },
    { timestampMs: 9n * H, balance: 830_000n },
  ];

  it("triggers when the latest balance is more than 30% below the window's peak", () => {
    // now 9h, window [1h, 9h]: peak 1,200,000, current 830,000, drop 370,000 = 30.8%.
    assert.deepEqual(drawdownInWindow(samples, 9n * H, OKX_DRAWDOWN.windowMs), {
      peak: 1_200_000n,
      current: 830_000n,
      drop: 370_000n,
    });
    assert.equal(adlTriggered(samples, 9n * H, OKX_DRAWDOWN), true);
  });

  it("does not trigger at exactly 30%", () => {
    const exact = [...samples.slice(0, 3), { timestampMs: 9n * H, balance: 840_000n }]; // 360,000 = 30.0%
    assert.equal(adlTriggered(exact, 9n * H, OKX_DRAWDOWN), false);
  });

  it("counts the balance in force when the window opened, and forgets older peaks", () => {
    // now 11h, window [3h, 11h]: the 2h sample (1,200,000) was still the balance at 3h.
    assert.equal(drawdownInWindow(samples, 11n * H, OKX_DRAWDOWN.windowMs)?.peak, 1_200_000n);
    assert.equal(adlTriggered(samples, 11n * H, OKX_DRAWDOWN), true);
    // now 13.5h, window [5.5h, 13.5h]: in force at 5.5h is 900,000; 830,000 is a 7.8% drop.
    assert.equal(drawdownInWindow(samples, 27n * (H / 2n), OKX_DRAWDOWN.windowMs)?.peak, 900_000n);
    assert.equal(adlTriggered(samples, 27n * (H / 2n), OKX_DRAWDOWN), false);
  });

  it("ignores samples after now and has nothing to say before the first sample", () => {
    assert.equal(drawdownInWindow(samples, 6n * H, OKX_DRAWDOWN.windowMs)?.current, 900_000n);
    assert.equal(drawdownInWindow(samples, -1n, OKX_DRAWDOWN.windowMs), undefined);
    assert.equal(adlTriggered([], 0n, OKX_DRAWDOWN), false);
  });

  it("refuses samples out of time order", () => {
    const shuffled = [samples[1] as FundSample, samples[0] as FundSample];
    assert.throws(() => drawdownInWindow(shuffled, 9n * H, 8n * H), code("BAD_INSURANCE_INPUT"));
  });
});
