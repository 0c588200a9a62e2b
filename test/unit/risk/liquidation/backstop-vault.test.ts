import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  belowTakeoverThreshold,
  canTakeOver,
  emptyVault,
  markToMarket,
  recordTakeover,
  type TakeoverRequest,
  VaultError,
  type VaultLimits,
  type VaultState,
  windowNotional,
} from "../../../../sequencer/risk/liquidation/backstop-vault.ts";

const limits: VaultLimits = {
  maxMarketNotional: 10_000n,
  perMinuteNotional: 1_000n,
  perHourNotional: 2_500n,
  threshold: { num: 2, den: 3 },
};
const req = (size: bigint, marketId = 0, mark = 100n): TakeoverRequest => ({
  accountEquity: 0n,
  accountMaintenance: 300n,
  legs: [{ marketId, size, mark }],
  collateral: 0n,
});
const withRecords = (takeovers: VaultState["takeovers"]): VaultState => ({ ...emptyVault(2, 0n), takeovers });

describe("takeover threshold (Hyperliquid: equity below 2/3 of maintenance)", () => {
  it("does not take over at exactly 2/3 (200 of 300) but does one unit below", () => {
    assert.equal(belowTakeoverThreshold(200n, 300n, limits.threshold), false);
    assert.equal(belowTakeoverThreshold(199n, 300n, limits.threshold), true);
    const r = canTakeOver(emptyVault(2, 0n), limits, { ...req(5n), accountEquity: 200n }, 0n);
    assert.deepEqual(r.ok ? r : r.reason, "ABOVE_THRESHOLD");
    assert.deepEqual(canTakeOver(emptyVault(2, 0n), limits, { ...req(5n), accountEquity: 199n }, 0n), {
      ok: true,
      notional: 500n,
    });
  });
});

describe("rolling capacity windows", () => {
  it("refuses 500 more when 600 was taken 59,999 ms ago (1,100 > 1,000 per minute), accepts at 60,000 ms", () => {
    const v = withRecords([{ timestampMs: 0n, notional: 600n }]);
    const r = canTakeOver(v, limits, req(5n), 59_999n);
    assert.equal(!r.ok && r.reason, "MINUTE_CAPACITY");
    assert.deepEqual(canTakeOver(v, limits, req(5n), 60_000n), { ok: true, notional: 500n });
  });

  it("refuses 600 when 2,000 was taken within the hour (2,600 > 2,500), accepts once it is an hour old", () => {
    const v = withRecords([{ timestampMs: 0n, notional: 2_000n }]);
    const r = canTakeOver(v, limits, req(6n), 3_599_999n);
    assert.equal(!r.ok && r.reason, "HOUR_CAPACITY");
    assert.equal(canTakeOver(v, limits, req(6n), 3_600_000n).ok, true);
  });

  it("counts a short leg by its absolute notional and rejects records from the future", () => {
    assert.equal(windowNotional([{ timestampMs: 10n, notional: 7n }], 10n, 60_000n), 7n);
    assert.throws(() => windowNotional([{ timestampMs: 11n, notional: 7n }], 10n, 60_000n), VaultError);
    const r = canTakeOver(withRecords([{ timestampMs: 0n, notional: 600n }]), limits, req(-5n), 1n);
    assert.equal(!r.ok && r.reason, "MINUTE_CAPACITY");
  });

  it("never lets accepted takeovers exceed either cap inside any window (random request streams)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40_000 }), fc.bigInt({ min: -12n, max: 12n })), {
          maxLength: 60,
        }),
        (steps) => {
          let v = emptyVault(1, 0n);
          let now = 0n;
          const wide = { ...limits, maxMarketNotional: 1n << 60n };
          for (const [dt, size] of steps) {
            now += BigInt(dt);
            const r = canTakeOver(v, wide, req(size), now);
            if (r.ok) v = recordTakeover(v, req(size), r.notional, now);
            assert.ok(windowNotional(v.takeovers, now, 60_000n) <= limits.perMinuteNotional);
            assert.ok(windowNotional(v.takeovers, now, 3_600_000n) <= limits.perHourNotional);
          }
        },
      ),
    );
  });
});

describe("per-market exposure cap (10,000 notional)", () => {
  const v: VaultState = {
    ...emptyVault(2, 0n),
    positions: [
      { size: 0n, entryNotional: 0n },
      { size: 90n, entryNotional: 9_000n },
    ],
  };

  it("accepts +10 lots (100·100 = 10,000, at the cap) and refuses +11 (101·100 = 10,100)", () => {
    assert.equal(canTakeOver(v, limits, req(10n, 1), 0n).ok, true);
    const r = canTakeOver(v, limits, req(11n, 1), 0n);
    assert.equal(!r.ok && r.reason, "EXPOSURE_CAP");
  });

  it("never refuses a takeover that shrinks the position, but refuses one that flips it past the cap", () => {
    assert.equal(canTakeOver(v, limits, req(-5n, 1), 0n).ok, true);
    const wide = { ...limits, perMinuteNotional: 100_000n, perHourNotional: 100_000n };
    const r = canTakeOver(v, wide, req(-201n, 1), 0n); // 90 → −111: 11,100
    assert.equal(!r.ok && r.reason, "EXPOSURE_CAP");
  });

  it("throws VaultError for an unknown market", () => {
    assert.throws(
      () => canTakeOver(v, limits, req(1n, 2), 0n),
      (e) => e instanceof VaultError,
    );
  });
});

describe("takeover bookkeeping and drawdown from the high-water mark", () => {
  it("tracks equity 10,050 → 9,850 (dd 200 = 200 bps rounded up) → 10,250 (new HWM) → 9,650 (dd 600 = 586 bps)", () => {
    let v = emptyVault(1, 10_000n);
    v = recordTakeover(v, { ...req(10n), collateral: 50n }, 1_000n, 0n);
    assert.deepEqual(v.positions[0], { size: 10n, entryNotional: 1_000n });
    assert.equal(v.collateral, 10_050n);
    const steps: [bigint, bigint, bigint, bigint, bigint][] = [
      // mark, equity, hwm, maxDrawdown, maxDrawdownBps
      [100n, 10_050n, 10_050n, 0n, 0n],
      [80n, 9_850n, 10_050n, 200n, 200n], // ceil(200·10000/10050) = ceil(199.004)
      [120n, 10_250n, 10_250n, 200n, 200n],
      [60n, 9_650n, 10_250n, 600n, 586n], // ceil(600·10000/10250) = ceil(585.37)
    ];
    for (const [mark, equity, hwm, dd, ddBps] of steps) {
      const r = markToMarket(v, [mark]);
      v = r.vault;
      assert.deepEqual(
        [r.equity, v.highWaterMark, v.maxDrawdown, v.maxDrawdownBps],
        [equity, hwm, dd, ddBps],
      );
    }
  });

  it("drops takeover records older than an hour when it records a new one", () => {
    const v = recordTakeover(
      withRecords([
        { timestampMs: 0n, notional: 1n },
        { timestampMs: 1n, notional: 2n },
      ]),
      req(1n),
      100n,
      3_600_001n,
    );
    assert.deepEqual(v.takeovers, [{ timestampMs: 3_600_001n, notional: 100n }]);
  });
});
