import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultEngineParams, Engine, parseEngineParams } from "../../../sequencer/engine/index.ts";
import { testParams } from "./helpers.ts";

describe("engine params", () => {
  it("gives valid, frozen defaults for 1 to 4 markets", () => {
    for (const m of [1, 2, 3, 4]) {
      const p = defaultEngineParams(m);
      assert.equal(p.markets.length, m);
      assert.ok(Object.isFrozen(p) && Object.isFrozen(p.markets) && Object.isFrozen(p.markets[0]));
      assert.equal(p.backstopAccountId, 0);
    }
    assert.throws(() => defaultEngineParams(5), RangeError);
    assert.throws(() => defaultEngineParams(0), RangeError);
  });

  it("rejects values outside SPEC's ranges or inconsistent with each other", () => {
    const bad = [
      testParams({ maxAccounts: 1000 }), // not a power of two
      testParams({ backstopPubKeyX: 0n, backstopPubKeyY: 0n }),
      { ...testParams(), markets: [{ ...testParams().markets[0]!, maxPrice: 1n << 40n }] },
      { ...testParams(), markets: [{ ...testParams().markets[0]!, maxOrderSize: 1n << 47n }] },
      { ...testParams(), markets: [{ ...testParams().markets[0]!, mmfBps: 2_000 }] },
      { ...testParams(), markets: [{ ...testParams().markets[0]!, tickSize: 0n }] },
      { ...testParams(), markets: [] },
    ];
    for (const p of bad) assert.throws(() => parseEngineParams(p));
  });

  it("creates the backstop account 0 at genesis with the params' key", () => {
    const e = new Engine(testParams(), { insuranceFund: 5n, backstopCollateral: 7n, markPrices: [123n] });
    assert.deepEqual(e.account(0), {
      pubKeyX: 7n,
      pubKeyY: 7n,
      nonce: 0n,
      collateral: 7n,
      positions: [{ size: 0n, entryNotional: 0n, fundingSnapshot: 0n }],
    });
    assert.equal(e.accountIdByKey(7n, 7n), 0);
    assert.equal(e.accountCount(), 1);
    assert.deepEqual(e.global(), {
      markets: [{ markPrice: 123n, fundingIndex: 0n, openInterest: 0n }],
      insuranceFund: 5n,
      feePool: 0n,
    });
    assert.equal(e.conservedTotal(), 12n);
  });
});
