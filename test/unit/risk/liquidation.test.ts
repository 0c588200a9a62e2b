import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { coverDeficit, liquidationPenalty, rankLiquidations } from "../../../sequencer/risk/liquidation.ts";

describe("liquidation rules", () => {
  it("ranks by equity/maintenance ascending with ties by id", () => {
    const order = rankLiquidations([
      { accountId: 5, equity: 40n, maintenance: 50n }, // 0.8
      { accountId: 2, equity: -10n, maintenance: 100n }, // −0.1
      { accountId: 9, equity: 10n, maintenance: 20n }, // 0.5
      { accountId: 3, equity: 20n, maintenance: 40n }, // 0.5, lower id first
    ]);
    assert.deepEqual(order, [2, 3, 9, 5]);
  });

  it("charges bps of closed notional, capped at the collateral left and never below zero", () => {
    assert.equal(liquidationPenalty(10_000n, 100, 1_000n), 100n);
    assert.equal(liquidationPenalty(10_000n, 100, 30n), 30n);
    assert.equal(liquidationPenalty(10_000n, 100, -5n), 0n);
  });

  it("covers a deficit from insurance first, then the backstop, or reports it cannot", () => {
    assert.deepEqual(coverDeficit(50n, 80n, 0n), { fromInsurance: 50n, fromBackstop: 0n });
    assert.deepEqual(coverDeficit(50n, 20n, 100n), { fromInsurance: 20n, fromBackstop: 30n });
    assert.equal(coverDeficit(50n, 20n, 29n), undefined);
  });
});
