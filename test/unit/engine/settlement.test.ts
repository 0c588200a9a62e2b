import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyTrade, conservedOf, settleFunding } from "../../../sequencer/engine/settlement.ts";
import type { AccountLeaf } from "../../../sequencer/engine/types.ts";

function acct(size: bigint, entryNotional: bigint, collateral = 1_000n, fundingSnapshot = 0n): AccountLeaf {
  return {
    pubKeyX: 1n,
    pubKeyY: 2n,
    nonce: 0n,
    collateral,
    positions: [{ size, entryNotional, fundingSnapshot }],
  };
}

describe("applyTrade", () => {
  it("opening a long adds size·price to entryNotional and leaves collateral alone", () => {
    const a = acct(0n, 0n);
    const eff = applyTrade(a, 0, 10n, 100n);
    assert.deepEqual(a.positions[0], { size: 10n, entryNotional: 1_000n, fundingSnapshot: 0n });
    assert.equal(a.collateral, 1_000n);
    assert.deepEqual(eff, { closed: 0n, opened: 10n, realisedPnl: 0n });
  });

  it("reducing a long realises the gain on the closed part proportionally", () => {
    // long 10 @ 100, sell 4 @ 120: removed = 1000·4/10 = 400, pnl = 4·120 − 400 = 80
    const a = acct(10n, 1_000n);
    const eff = applyTrade(a, 0, -4n, 120n);
    assert.equal(eff.realisedPnl, 80n);
    assert.equal(a.collateral, 1_080n);
    assert.deepEqual(a.positions[0], { size: 6n, entryNotional: 600n, fundingSnapshot: 0n });
  });

  it("reducing a short realises a loss when price rose", () => {
    // short 3 with entry notional −100, buy 1 @ 40: removed = trunc(−100/3) = −33, pnl = 33 − 40 = −7
    const a = acct(-3n, -100n);
    const eff = applyTrade(a, 0, 1n, 40n);
    assert.equal(eff.realisedPnl, -7n);
    assert.deepEqual(a.positions[0], { size: -2n, entryNotional: -67n, fundingSnapshot: 0n });
  });

  it("leaves no rounding dust after a full close", () => {
    // long 3 for 100 total: sell 1 @ 50 realises 50 − 33 = 17, sell 2 @ 50 realises 100 − 67 = 33; total 50 = 150 − 100
    const a = acct(3n, 100n, 0n);
    applyTrade(a, 0, -1n, 50n);
    assert.equal(a.collateral, 17n);
    applyTrade(a, 0, -2n, 50n);
    assert.equal(a.collateral, 50n);
    assert.deepEqual(a.positions[0], { size: 0n, entryNotional: 0n, fundingSnapshot: 0n });
  });

  it("a trade through zero closes the whole position then opens the rest at the trade price", () => {
    // long 10 @ 100, sell 15 @ 90: close 10 realises 900 − 1000 = −100, then short 5 @ 90
    const a = acct(10n, 1_000n);
    const eff = applyTrade(a, 0, -15n, 90n);
    assert.deepEqual(eff, { closed: 10n, opened: 5n, realisedPnl: -100n });
    assert.equal(a.collateral, 900n);
    assert.deepEqual(a.positions[0], { size: -5n, entryNotional: -450n, fundingSnapshot: 0n });
  });

  it("moves collateral − entryNotional by exactly −size·price for every trade", () => {
    const cases: [bigint, bigint, bigint, bigint][] = [
      [7n, 701n, -3n, 333n],
      [-7n, -701n, 3n, 333n],
      [7n, 701n, -9n, 77n],
      [-1n, -5n, 11n, 13n],
      [0n, 0n, -4n, 9n],
    ];
    for (const [size, en, t, p] of cases) {
      const a = acct(size, en);
      const before = a.collateral - (a.positions[0]?.entryNotional ?? 0n);
      applyTrade(a, 0, t, p);
      assert.equal(
        a.collateral - (a.positions[0]?.entryNotional ?? 0n) - before,
        -t * p,
        `size ${size} trade ${t}@${p}`,
      );
    }
  });
});

describe("settleFunding", () => {
  it("credits size·(F − snapshot) and keeps the conserved quantity", () => {
    const a = acct(5n, 500n, 1_000n, 2n);
    const q = conservedOf(a);
    assert.equal(settleFunding(a, 0, 7n), 25n);
    assert.equal(a.collateral, 1_025n);
    assert.equal(a.positions[0]?.fundingSnapshot, 7n);
    assert.equal(conservedOf(a), q);
  });

  it("debits a short when the index rises", () => {
    const a = acct(-4n, -400n, 1_000n, 10n);
    settleFunding(a, 0, 13n);
    assert.equal(a.collateral, 988n);
  });
});
