import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  backpack,
  ftx,
  hyperliquid,
  type LiquidationPolicyInput,
  parseLiquidationPolicy,
  policyByName,
  UnknownLiquidationPolicyError,
} from "../../../../sequencer/risk/liquidation/policy.ts";

describe("liquidation policy presets", () => {
  it("returns each named preset by name", () => {
    assert.equal(policyByName("ftx"), ftx);
    assert.equal(policyByName("backpack"), backpack);
    assert.equal(policyByName("hyperliquid"), hyperliquid);
  });

  it("throws UnknownLiquidationPolicyError (code UNKNOWN_LIQUIDATION_POLICY) for unknown or inherited names", () => {
    for (const name of ["bitmex", "FTX", "toString", "__proto__", ""]) {
      assert.throws(
        () => policyByName(name),
        (e) =>
          e instanceof UnknownLiquidationPolicyError &&
          e.code === "UNKNOWN_LIQUIDATION_POLICY" &&
          e.details.name === name,
      );
    }
  });

  it("carries the cited tier parameters: Hyperliquid 2/3 takeover, FTX 10% ±50% with ⅙ per second", () => {
    assert.deepEqual(hyperliquid.vault.threshold, { num: 2, den: 3 });
    assert.equal(hyperliquid.onBook.largePosition?.shareBps, 2_000);
    assert.equal(hyperliquid.onBook.largePosition?.cooldownMs, 30_000n);
    assert.equal(ftx.onBook.shareBps, 1_000);
    assert.equal(ftx.onBook.sizeJitterBps, 5_000);
    assert.deepEqual(ftx.onBook.schedule, { kind: "probability", tickMs: 1_000n, num: 1, den: 6 });
    assert.equal(hyperliquid.adl.ranking, "pnl-leverage");
  });

  it("is deeply frozen, so a caller cannot loosen a preset at run time", () => {
    assert.ok(Object.isFrozen(ftx) && Object.isFrozen(ftx.onBook) && Object.isFrozen(ftx.onBook.schedule));
    assert.ok(Object.isFrozen(hyperliquid.vault.threshold));
  });

  it("rejects an inverted band, a probability above 1, per-minute above per-hour and an unknown ADL ranking", () => {
    const base = (): LiquidationPolicyInput => structuredClone({ ...ftx }) as LiquidationPolicyInput;
    const bad: ((p: LiquidationPolicyInput) => void)[] = [
      (p) => {
        p.onBook.order = { kind: "band", minBps: 6, maxBps: 5 };
      },
      (p) => {
        p.onBook.schedule = { kind: "probability", tickMs: 1_000n, num: 7, den: 6 };
      },
      (p) => {
        p.vault.perMinuteNotional = p.vault.perHourNotional + 1n;
      },
      (p) => {
        (p.adl as { ranking: string }).ranking = "by-size";
      },
    ];
    assert.doesNotThrow(() => parseLiquidationPolicy(base()));
    for (const mutate of bad) {
      const p = base();
      mutate(p);
      assert.throws(() => parseLiquidationPolicy(p));
    }
  });
});
