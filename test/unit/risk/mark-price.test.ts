import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  bookPremium,
  impactAsk,
  impactBid,
  impactNotionalFromImf,
  premiumOf,
} from "../../../sequencer/risk/impact-price.ts";
import { alphaBpsForHalfLife, computeMark, emaStep, median } from "../../../sequencer/risk/mark-price.ts";

const asks = [
  { price: 100_000n, size: 5n },
  { price: 110_000n, size: 10n },
];
const bids = [
  { price: 95_000n, size: 4n },
  { price: 90_000n, size: 10n },
];

describe("impact prices", () => {
  it("averages whole levels and a fraction of the last one, ask rounded up and bid down", () => {
    // ask: 5 lots for 500,000, then 500,000/110,000 lots: 1e6·110,000 / (5·110,000 + 500,000) = 104,761.9
    assert.equal(impactAsk(asks, 1_000_000n), 104_762n);
    // bid: 4 lots for 380,000, then 620,000/90,000 lots: 1e6·90,000 / (4·90,000 + 620,000) = 91,836.7
    assert.equal(impactBid(bids, 1_000_000n), 91_836n);
  });

  it("fills exactly at a level boundary at that level's average", () => {
    assert.equal(impactAsk(asks, 500_000n), 100_000n);
    assert.equal(impactAsk(asks, 1_600_000n), 106_667n); // 1.6e6 / 15 lots = 106,666.7
  });

  it("has no impact price when the side is too thin", () => {
    assert.equal(impactAsk(asks, 1_600_001n), undefined);
    assert.equal(impactBid([], 1n), undefined);
  });

  it("computes premium = max(bid − index, 0) − max(index − ask, 0)", () => {
    assert.equal(premiumOf(88_000n, 91_836n, 104_762n), 3_836n);
    assert.equal(premiumOf(110_000n, 91_836n, 104_762n), -5_238n);
    assert.equal(premiumOf(100_000n, 91_836n, 104_762n), 0n);
    assert.equal(premiumOf(88_000n, undefined, undefined), 0n);
    assert.equal(bookPremium(88_000n, bids, asks, 1_000_000n), 3_836n);
  });

  it("derives dYdX's impact notional: 500 USDC at 10% IMF is 5,000 USDC", () => {
    assert.equal(impactNotionalFromImf(500_000_000n, 1_000), 5_000_000_000n);
  });
});

describe("EMA and median", () => {
  it("moves alpha of the gap per sample, truncating toward zero on both signs", () => {
    assert.equal(emaStep(0n, 1_000n, 2_500), 250n);
    assert.equal(emaStep(250n, 1_000n, 2_500), 437n); // 250 + 187.5
    assert.equal(emaStep(0n, -1_000n, 2_500), -250n);
    assert.equal(emaStep(-250n, -1_000n, 2_500), -437n);
  });

  it("picks the smallest alpha that halves a sample's weight within n samples", () => {
    assert.equal(alphaBpsForHalfLife(1), 5_000);
    assert.equal(alphaBpsForHalfLife(2), 2_929); // 0.7071² ≤ 0.5 < 0.7072²
  });

  it("takes the middle value, or the floor of the mean of the middle two", () => {
    assert.equal(median([3n, 1n, 2n]), 2n);
    assert.equal(median([1n, 4n]), 2n);
    assert.equal(median([-1n, -4n]), -3n);
    assert.equal(median([]), undefined);
  });
});

describe("computeMark", () => {
  it("index policy returns the index", () => {
    assert.equal(computeMark({ kind: "index" }, { index: 88_000n, bids, asks }).mark, 88_000n);
  });

  it("impact-ema adds the EMA of the impact premium to the index and carries the state", () => {
    const policy = { kind: "impact-ema", impactNotional: 1_000_000n, alphaBps: 2_500 } as const;
    const first = computeMark(policy, { index: 88_000n, bids, asks });
    assert.equal(first.mark, 88_959n); // ema = 3,836 · 25% = 959
    const second = computeMark(policy, { index: 88_000n, bids, asks, state: first.state });
    assert.equal(second.mark, 89_678n); // 959 + trunc(2,877 · 25%) = 959 + 719
  });

  it("hyperliquid-median takes the median of oracle+EMA(mid−oracle), the book median and the EMA mark", () => {
    const policy = {
      kind: "hyperliquid-median",
      impactNotional: 206_000n,
      alphaBps: 5_000,
      midAlphaBps: 5_000,
    } as const;
    const r = computeMark(policy, {
      index: 104_000n,
      bids: [{ price: 99_000n, size: 10n }],
      asks: [{ price: 103_000n, size: 10n }],
      lastTrade: 102_000n,
    });
    // mid 101,000 → basis −3,000 → ema −1,500; book median(99,000, 103,000, 102,000);
    // premium max(99,000 − 104,000, 0) − max(104,000 − 103,000, 0) = −1,000 → ema −500
    assert.deepEqual(r.components, [102_500n, 102_000n, 103_500n]);
    assert.equal(r.mark, 102_500n);
    assert.deepEqual(r.state, { premiumEma: -500n, midBasisEma: -1_500n });
  });

  it("hyperliquid-median falls back to the index for an empty book and keeps the mid EMA", () => {
    const policy = {
      kind: "hyperliquid-median",
      impactNotional: 1n,
      alphaBps: 5_000,
      midAlphaBps: 5_000,
    } as const;
    const state = { premiumEma: 0n, midBasisEma: -1_500n };
    const r = computeMark(policy, { index: 104_000n, bids: [], asks: [], state });
    assert.deepEqual(r.components, [102_500n, 104_000n, 104_000n]);
    assert.equal(r.mark, 104_000n);
    assert.equal(r.state.midBasisEma, -1_500n);
  });
});
