import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { conservedOf, settleFunding } from "../../../sequencer/engine/settlement.ts";
import type { AccountLeaf } from "../../../sequencer/engine/types.ts";
import {
  averagePremium,
  FundingError,
  type FundingPolicy,
  fundingPayment,
  fundingRate,
  isSampleDue,
  nextFundingIndex,
  premiumRate,
} from "../../../sequencer/risk/funding.ts";

const account = (size: bigint, snapshot: bigint, collateral = 0n): AccountLeaf => ({
  pubKeyX: 1n,
  pubKeyY: 1n,
  nonce: 0n,
  collateral,
  positions: [{ size, entryNotional: 0n, fundingSnapshot: snapshot }],
});

const binance: FundingPolicy = {
  kind: "binance",
  weighting: "linear",
  interestRate: 100_000n, // 0.01%
  interestClamp: 500_000n, // 0.05%
  cap: 3_000_000n, // 0.3%
};

const dydx: FundingPolicy = {
  kind: "dydx-v4",
  weighting: "equal",
  interestRate8h: 0n,
  clampFactorPpm: 6_000_000n, // 600%
  imfBps: 1_000,
  mmfBps: 500,
  periodMs: 3_600_000n,
};

describe("premium samples", () => {
  it("turns a premium into a rate in parts per billion, truncated toward zero", () => {
    assert.equal(premiumRate(1_000n, 50_000_000n), 20_000n); // 0.002%
    assert.equal(premiumRate(-7n, 3n), -2_333_333_333n);
  });

  it("is due on the first sample and then once per whole interval", () => {
    assert.equal(isSampleDue(undefined, 0n, 60_000n), true);
    assert.equal(isSampleDue(0n, 59_999n, 60_000n), false);
    assert.equal(isSampleDue(0n, 60_000n, 60_000n), true);
  });

  it("averages equally (dYdX v4) or with weights 1..n (Binance)", () => {
    assert.equal(averagePremium([100n, 200n, 600n], "equal"), 300n);
    assert.equal(averagePremium([100n, 200n, 600n], "linear"), 383n); // 2,300 / 6
    assert.equal(averagePremium([-1n, -2n], "equal"), -1n);
    assert.equal(averagePremium([], "linear"), 0n);
  });
});

describe("funding rate", () => {
  it("binance: F = P + clamp(I − P, ±0.05%) equals I while P is within 0.05% of it", () => {
    assert.equal(fundingRate(binance, [300_000n]), 100_000n);
    assert.equal(fundingRate(binance, [-400_000n]), 100_000n);
  });

  it("binance: past the dampener F = P ∓ 0.05%, then the cap applies", () => {
    assert.equal(fundingRate(binance, [1_000_000n]), 500_000n);
    assert.equal(fundingRate(binance, [5_000_000n]), 3_000_000n); // 4.5e6 capped
    assert.equal(fundingRate(binance, [-5_000_000n]), -3_000_000n);
  });

  it("dydx-v4: an hour pays an eighth of the 8h rate, clamped to 600%·(IMF − MMF) = 30%", () => {
    assert.equal(fundingRate(dydx, [200_000n]), 25_000n);
    assert.equal(fundingRate(dydx, [400_000_000n]), 37_500_000n); // 300,000,000 / 8
    assert.equal(fundingRate(dydx, [-9n]), -1n); // −1.125 toward zero
  });
});

describe("funding payment and index", () => {
  it("pays rate × price per lot, rounded toward zero", () => {
    assert.equal(fundingPayment(100_000n, 50_000_000_000n), 5_000_000n); // 0.01% of 50,000 USDC
    assert.equal(fundingPayment(-3n, 500_000_000n), -1n);
    assert.equal(fundingPayment(1n, 999_999_999n), 0n);
  });

  it("lowers the index by the payment so longs pay and shorts receive when the rate is positive", () => {
    const f = nextFundingIndex(0n, 5n);
    assert.equal(f, -5n);
    const long = account(10n, 0n);
    const short = account(-10n, 0n);
    assert.equal(settleFunding(long, 0, f), -50n);
    assert.equal(settleFunding(short, 0, f), 50n);
  });

  it("refuses an index outside (−2^63, 2^63)", () => {
    assert.throws(
      () => nextFundingIndex(-(2n ** 63n) + 1n, 1n),
      (e: unknown) => e instanceof FundingError && e.code === "FUNDING_INDEX_OVERFLOW",
    );
  });

  it("conserves cash: settling one index change over zero-sum positions moves Σ collateral by 0", () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt(-(2n ** 40n), 2n ** 40n), { minLength: 1, maxLength: 12 }),
        fc.bigInt(-(2n ** 40n), 2n ** 40n),
        fc.bigInt(-(10n ** 8n), 10n ** 8n),
        fc.bigInt(1n, 2n ** 40n - 1n),
        (sizes, f0, rate, mark) => {
          const all = [...sizes, -sizes.reduce((a, b) => a + b, 0n)];
          const accounts = all.map((s) => account(s, f0, 10n ** 12n));
          const payment = fundingPayment(rate, mark);
          const f1 = nextFundingIndex(f0, payment);
          let total = 0n;
          for (const a of accounts) {
            const q = conservedOf(a);
            const paid = settleFunding(a, 0, f1);
            total += paid;
            assert.equal(conservedOf(a), q); // SPEC's per-account q is untouched by settling
            const size = (a.positions[0] as { size: bigint }).size;
            if (payment > 0n && size > 0n) assert.ok(paid < 0n); // longs pay a positive rate
          }
          assert.equal(total, 0n);
        },
      ),
    );
  });
});
