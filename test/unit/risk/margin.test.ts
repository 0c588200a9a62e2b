import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MarketParams } from "../../../sequencer/engine/params.ts";
import type { AccountLeaf, MarketState } from "../../../sequencer/engine/types.ts";
import {
  bpsOf,
  equity,
  initialRequirement,
  isBelowMaintenance,
  maintenanceRequirement,
  requirement,
  worstCaseInitialRequirement,
  worstCaseSize,
} from "../../../sequencer/risk/margin.ts";

const mp: MarketParams = {
  name: "M",
  tickSize: 1n,
  minOrderSize: 1n,
  maxOrderSize: 1_000n,
  maxPrice: 1_000_000n,
  imfBps: 1_000,
  oiCapLots: 0n,
  mmfBps: 500,
  takerFeeBps: 10,
  makerFeeBps: 5,
};

const markets = (mark0: bigint, mark1: bigint, f0 = 0n): MarketState[] => [
  { markPrice: mark0, fundingIndex: f0, openInterest: 0n },
  { markPrice: mark1, fundingIndex: 0n, openInterest: 0n },
];

function acct(
  collateral: bigint,
  p0: [bigint, bigint, bigint?],
  p1: [bigint, bigint] = [0n, 0n],
): AccountLeaf {
  return {
    pubKeyX: 1n,
    pubKeyY: 1n,
    nonce: 0n,
    collateral,
    positions: [
      { size: p0[0], entryNotional: p0[1], fundingSnapshot: p0[2] ?? 0n },
      { size: p1[0], entryNotional: p1[1], fundingSnapshot: 0n },
    ],
  };
}

describe("margin", () => {
  it("values an account as collateral + unrealised PnL + unsettled funding across markets", () => {
    // long 10 @ 100 marked at 110: +100; short 2 @ 50 marked at 60: −20; funding: 10·(3 − 1) = 20
    const a = acct(1_000n, [10n, 1_000n, 1n], [-2n, -100n]);
    assert.equal(equity(a, markets(110n, 60n, 3n)), 1_000n + 100n - 20n + 20n);
  });

  it("sums |size|·mark·bps over markets for the requirements", () => {
    const a = acct(0n, [10n, 1_000n], [-2n, -100n]);
    const mk = markets(110n, 60n);
    // initial: 10·110·10% + 2·60·10% = 110 + 12; maintenance half of that
    assert.equal(initialRequirement(a, mk, [mp, mp]), 122n);
    assert.equal(maintenanceRequirement(a, mk, [mp, mp]), 61n);
  });

  it("rounds requirements up and fees down", () => {
    assert.equal(requirement(1n, 15n, 1_000), 2n); // 1.5 → 2
    assert.equal(requirement(-1n, 15n, 1_000), 2n);
    assert.equal(bpsOf(15n, 1_000), 1n); // 1.5 → 1
  });

  it("takes the riskier side of the resting orders as the worst case", () => {
    assert.equal(worstCaseSize(5n, { buy: 3n, sell: 20n }), 15n);
    assert.equal(worstCaseSize(5n, { buy: 3n, sell: 1n }), 8n);
    assert.equal(worstCaseSize(-5n, { buy: 5n, sell: 0n }), 5n);
    const a = acct(0n, [5n, 500n]);
    assert.equal(
      worstCaseInitialRequirement(
        a,
        markets(100n, 1n),
        [mp, mp],
        [
          { buy: 3n, sell: 20n },
          { buy: 0n, sell: 0n },
        ],
      ),
      150n,
    );
  });

  it("flags an account with positions below maintenance, never a flat one", () => {
    // long 10 @ 100 with 100 collateral: at mark 95 equity 50 = mm 47.5→48? 10·95·5% = 47.5 → 48; 50 ≥ 48 safe
    const a = acct(100n, [10n, 1_000n]);
    assert.equal(isBelowMaintenance(a, markets(95n, 1n), [mp, mp]), false);
    // at mark 94: equity 40 < 47 → liquidatable
    assert.equal(isBelowMaintenance(a, markets(94n, 1n), [mp, mp]), true);
    assert.equal(isBelowMaintenance(acct(0n, [0n, 0n]), markets(94n, 1n), [mp, mp]), false);
  });
});
