import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  allowsNewRisk,
  breakerAllows,
  breakerState,
  breakerTripped,
  checkIndexPrice,
  type IndexSample,
  indexTwap,
  OracleError,
} from "../../../sequencer/risk/oracle.ts";

const policy = { maxAgeMs: 5_000n, maxStepBps: 500 };
const prev: IndexSample = { price: 100_000n, timestampMs: 1_000n };
const code = (c: string) => (e: unknown) => e instanceof OracleError && e.code === c;

describe("oracle guard", () => {
  it("accepts a fresh price that moves exactly the allowed step (5% of 100,000 = 5,000)", () => {
    checkIndexPrice(prev, { price: 105_000n, timestampMs: 2_000n }, 3_000n, policy);
    checkIndexPrice(prev, { price: 95_000n, timestampMs: 2_000n }, 3_000n, policy);
    checkIndexPrice(undefined, { price: 1n, timestampMs: 2_000n }, 3_000n, policy);
  });

  it("rejects a move one unit past maxStepBps with ORACLE_DEVIATION", () => {
    assert.throws(
      () => checkIndexPrice(prev, { price: 105_001n, timestampMs: 2_000n }, 3_000n, policy),
      code("ORACLE_DEVIATION"),
    );
    assert.throws(
      () => checkIndexPrice(prev, { price: 94_999n, timestampMs: 2_000n }, 3_000n, policy),
      code("ORACLE_DEVIATION"),
    );
  });

  it("rejects an equal or older timestamp with ORACLE_NOT_MONOTONIC", () => {
    for (const ts of [1_000n, 999n]) {
      assert.throws(
        () => checkIndexPrice(prev, { price: 100_000n, timestampMs: ts }, 3_000n, policy),
        code("ORACLE_NOT_MONOTONIC"),
      );
    }
  });

  it("rejects a price older than maxAgeMs, or from the future, with STALE_ORACLE", () => {
    const next = { price: 100_000n, timestampMs: 2_000n };
    checkIndexPrice(prev, next, 7_000n, policy); // age 5,000: the edge of the window
    assert.throws(() => checkIndexPrice(prev, next, 7_001n, policy), code("STALE_ORACLE"));
    assert.throws(() => checkIndexPrice(prev, next, 1_999n, policy), code("STALE_ORACLE"));
  });

  it("rejects a non-positive price with BAD_ORACLE_PRICE", () => {
    assert.throws(
      () => checkIndexPrice(undefined, { price: 0n, timestampMs: 2_000n }, 3_000n, policy),
      code("BAD_ORACLE_PRICE"),
    );
  });
});

describe("index TWAP", () => {
  const samples: IndexSample[] = [
    { price: 100n, timestampMs: 0n },
    { price: 130n, timestampMs: 60n },
    { price: 70n, timestampMs: 90n },
  ];

  it("weights each sample by how long it held inside the window, counting the one in force at the start", () => {
    // window [20,120]: 40·100 + 30·130 + 30·70 = 10,000 over 100
    assert.equal(indexTwap(samples, 100n, 120n), 100n);
    // window [80,120]: 10·130 + 30·70 = 3,400 over 40
    assert.equal(indexTwap(samples, 40n, 120n), 85n);
    // window starts before the first sample: [0,120], 6,000 + 3,900 + 2,100 over 120
    assert.equal(indexTwap(samples, 1_000n, 120n), 100n);
  });

  it("rounds down", () => {
    const s = [
      { price: 100n, timestampMs: 0n },
      { price: 101n, timestampMs: 1n },
    ];
    assert.equal(indexTwap(s, 3n, 3n), 100n); // (100 + 2·101)/3 = 100.67
  });

  it("returns the latest price for an empty span and undefined without samples", () => {
    assert.equal(indexTwap([{ price: 7n, timestampMs: 5n }], 10n, 5n), 7n);
    assert.equal(indexTwap([], 10n, 5n), undefined);
  });

  it("refuses samples out of time order", () => {
    assert.throws(() => indexTwap([samples[1]!, samples[0]!], 100n, 120n), code("ORACLE_NOT_MONOTONIC"));
  });
});

describe("circuit breaker", () => {
  it("trips only when the index is more than thresholdBps from the TWAP", () => {
    assert.equal(breakerTripped(10_300n, 10_000n, 300), false); // exactly 3%
    assert.equal(breakerTripped(10_301n, 10_000n, 300), true);
    assert.equal(breakerTripped(9_699n, 10_000n, 300), true);
  });

  it("blocks new risk while tripped but never reductions or liquidations", () => {
    const tripped = breakerState(11_000n, 10_000n, 300);
    assert.deepEqual(tripped, { tripped: true, index: 11_000n, twap: 10_000n });
    assert.equal(allowsNewRisk(tripped), false);
    assert.equal(breakerAllows(tripped, "increase"), false);
    assert.equal(breakerAllows(tripped, "reduce"), true);
    assert.equal(breakerAllows(tripped, "liquidate"), true);
    const calm = breakerState(10_100n, 10_000n, 300);
    assert.equal(allowsNewRisk(calm), true);
    assert.equal(breakerAllows(calm, "increase"), true);
  });
});
