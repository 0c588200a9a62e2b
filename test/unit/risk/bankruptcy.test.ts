import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { AccountLeaf, MarketState } from "../../../sequencer/engine/types.ts";
import {
  BankruptcyError,
  bankruptcyPrice,
  DYDX_FILLABLE_PRICE_DEFAULT,
  type FillableInput,
  fillablePrice,
  positionBankruptcyPrice,
} from "../../../sequencer/risk/bankruptcy.ts";

const market = (markPrice: bigint): MarketState => ({ markPrice, fundingIndex: 0n, openInterest: 0n });

describe("bankruptcy price", () => {
  it("is mark − equity/size: a 10-lot long with 250,000 equity at mark 1,000,000 goes bankrupt at 975,000", () => {
    assert.deepEqual(bankruptcyPrice(10n, 1_000_000n, 250_000n), { price: 975_000n, residual: 0n });
    assert.deepEqual(bankruptcyPrice(-10n, 1_000_000n, 250_000n), { price: 1_025_000n, residual: 0n });
  });

  it("rounds a long down and a short up, leaving at most |size| − 1 of dust against the account", () => {
    // 100,000 / 3 = 33,333.33…: long 966,666.67 → 966,666; short 1,033,333.33 → 1,033,334.
    assert.deepEqual(bankruptcyPrice(3n, 1_000_000n, 100_000n), { price: 966_666n, residual: -2n });
    assert.deepEqual(bankruptcyPrice(-3n, 1_000_000n, 100_000n), { price: 1_033_334n, residual: -2n });
  });

  it("lies beyond the mark when equity is already negative, still rounded against the account", () => {
    // −10 / 4 = −2.5: long 1,000,002.5 → 1,000,002; short 999,997.5 → 999,998.
    assert.deepEqual(bankruptcyPrice(4n, 1_000_000n, -10n), { price: 1_000_002n, residual: -2n });
    assert.deepEqual(bankruptcyPrice(-4n, 1_000_000n, -10n), { price: 999_998n, residual: -2n });
  });

  it("clamps at zero for a long the account can never lose", () => {
    assert.deepEqual(bankruptcyPrice(1n, 100n, 500n), { price: 0n, residual: 400n });
  });

  it("refuses a flat position", () => {
    assert.throws(
      () => bankruptcyPrice(0n, 1_000_000n, 1n),
      (e) => e instanceof BankruptcyError && e.code === "NO_POSITION",
    );
  });

  it("values the other positions at their marks (cross margin)", () => {
    // equity = 1,000,000 + (10·1,000,000 − 11,000,000) + (−5·1,900,000 + 10,000,000) = 500,000
    const a: AccountLeaf = {
      pubKeyX: 1n,
      pubKeyY: 1n,
      nonce: 0n,
      collateral: 1_000_000n,
      positions: [
        { size: 10n, entryNotional: 11_000_000n, fundingSnapshot: 0n },
        { size: -5n, entryNotional: -10_000_000n, fundingSnapshot: 0n },
      ],
    };
    const markets = [market(1_000_000n), market(1_900_000n)];
    assert.equal(positionBankruptcyPrice(a, markets, 0).price, 950_000n); // 1,000,000 − 500,000/10
    assert.equal(positionBankruptcyPrice(a, markets, 1).price, 2_000_000n); // 1,900,000 + 500,000/5
  });

  it("never leaves the bankrupt account a gain (property)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -1_000_000n, max: 1_000_000n }).filter((s) => s !== 0n),
        fc.bigInt({ min: 1n, max: 1n << 39n }),
        fc.bigInt({ min: -(1n << 50n), max: 1n << 50n }),
        (size, mark, e) => {
          const { price, residual } = bankruptcyPrice(size, mark, e);
          if (price === 0n) return;
          assert.ok(residual <= 0n && residual > -(size < 0n ? -size : size));
        },
      ),
    );
  });
});

describe("dYdX v4 fillable price", () => {
  const long: FillableInput = {
    size: 10n,
    mark: 1_000_000n,
    mmfBps: 500, // PMMR = 10 · 1,000,000 · 5% = 500,000
    totalEquity: 250_000n,
    totalMaintenance: 500_000n,
  };

  it("moves ABR·SMMR·PMMR/|size| from the mark: ABR 0.5, SMMR 10% → 25,000 over 10 lots", () => {
    assert.equal(fillablePrice(long, DYDX_FILLABLE_PRICE_DEFAULT), 997_500n);
    assert.equal(fillablePrice({ ...long, size: -10n }, DYDX_FILLABLE_PRICE_DEFAULT), 1_002_500n);
  });

  it("is the mark when TNC ≥ TMMR and the full SMMR·PMMR spread when TNC ≤ 0 (ABR clamped to [0, 1])", () => {
    const cfg = DYDX_FILLABLE_PRICE_DEFAULT;
    assert.equal(fillablePrice({ ...long, totalEquity: 500_000n }, cfg), 1_000_000n);
    assert.equal(fillablePrice({ ...long, totalEquity: 900_000n }, cfg), 1_000_000n);
    assert.equal(fillablePrice({ ...long, totalEquity: 0n }, cfg), 995_000n);
    assert.equal(fillablePrice({ ...long, totalEquity: -7_000_000n }, cfg), 995_000n);
  });

  it("scales ABR by the bankruptcy adjustment: BA 200% reaches the full spread at half the maintenance", () => {
    const cfg = { ...DYDX_FILLABLE_PRICE_DEFAULT, bankruptcyAdjustmentPpm: 2_000_000n };
    assert.equal(fillablePrice(long, cfg), 995_000n);
  });

  it("rounds against the account: 15,000.1 over 3 lots is 5,001 per lot either way", () => {
    // PMMR = ceil(3 · 1,000,001 · 5%) = 150,001; TNC 0 → ABR 1; spread 15,000.1 → 5,000.03 per lot.
    const three: FillableInput = {
      size: 3n,
      mark: 1_000_001n,
      mmfBps: 500,
      totalEquity: 0n,
      totalMaintenance: 1n,
    };
    assert.equal(fillablePrice(three, DYDX_FILLABLE_PRICE_DEFAULT), 995_000n);
    assert.equal(fillablePrice({ ...three, size: -3n }, DYDX_FILLABLE_PRICE_DEFAULT), 1_005_002n);
  });

  it("refuses a zero TMMR and an SMMR above 100%", () => {
    const bad = (e: unknown) => e instanceof BankruptcyError && e.code === "BAD_BANKRUPTCY_INPUT";
    assert.throws(() => fillablePrice({ ...long, totalMaintenance: 0n }, DYDX_FILLABLE_PRICE_DEFAULT), bad);
    const cfg = { ...DYDX_FILLABLE_PRICE_DEFAULT, spreadToMaintenanceMarginRatioPpm: 1_000_001n };
    assert.throws(() => fillablePrice(long, cfg), bad);
  });
});
