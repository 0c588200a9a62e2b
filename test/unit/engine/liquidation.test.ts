import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EngineError, type EngineGenesis } from "../../../sequencer/engine/index.ts";
import { Driver, snapshot } from "./helpers.ts";

/**
 * The victim buys 90 @ 1000 with 10_000 collateral (taker fee 90 → 9_910). At mark 900 its equity is
 * 9_910 − 9_000 = 910 against maintenance 90·900·5% = 4_050, so it is liquidatable; at 950 it is not
 * (5_410 ≥ 4_275).
 */
function setup(genesis: EngineGenesis = {}) {
  const d = Driver.create({}, 1, genesis);
  const victim = d.fund(10_000n);
  const shorter = d.fund(10_000_000n);
  const bidder = d.fund(10_000_000n);
  d.price(0, 1_000n);
  d.order({ accountId: shorter, marketId: 0, side: "sell", price: 1_000n, size: 90n });
  d.order({ accountId: victim, marketId: 0, side: "buy", price: 1_000n, size: 90n });
  return { d, e: d.engine, victim, shorter, bidder };
}

function depositToBackstop(d: Driver, amount: bigint) {
  d.apply({ kind: "deposit", depositIndex: d.engine.nextDepositIndex(), pubKeyX: 7n, pubKeyY: 7n, amount });
}

const liquidate = (d: Driver, accountId: number) => d.apply({ kind: "liquidation", accountId });

function rejects(fn: () => unknown, code: string) {
  assert.throws(fn, (err: unknown) => err instanceof EngineError && err.code === code);
}

describe("liquidation", () => {
  it("detects accounts below maintenance on a price update, most under-collateralised first", () => {
    const { d, victim } = setup();
    assert.deepEqual(d.price(0, 950n).liquidationsDetected, []);
    assert.deepEqual(d.price(0, 900n).liquidationsDetected, [victim]);
  });

  it("ranks several flagged accounts by equity over maintenance", () => {
    const { d, victim, shorter } = setup();
    const second = d.fund(12_000n);
    d.order({ accountId: shorter, marketId: 0, side: "sell", price: 1_000n, size: 90n });
    d.order({ accountId: second, marketId: 0, side: "buy", price: 1_000n, size: 90n });
    // at 900: victim equity 910, second 2_910, both against maintenance 4_050
    assert.deepEqual(d.price(0, 900n).liquidationsDetected, [victim, second]);
  });

  it("refuses an account that is above maintenance (the backstop, with nothing open, included)", () => {
    const { d, e, victim } = setup();
    d.price(0, 950n);
    const before = snapshot(e);
    rejects(() => liquidate(d, victim), "NOT_LIQUIDATABLE");
    rejects(() => liquidate(d, 0), "NOT_LIQUIDATABLE");
    rejects(() => liquidate(d, 99), "UNKNOWN_ACCOUNT");
    assert.deepEqual(snapshot(e), before);
  });

  it("closes on the book within the band and sends the penalty to the insurance fund", () => {
    const { d, e, victim, bidder } = setup();
    d.order({ accountId: bidder, marketId: 0, side: "buy", price: 899n, size: 90n });
    d.price(0, 900n);
    const q = e.conservedTotal();
    const r = liquidate(d, victim);
    // sells 90 @ 899: pnl 80_910 − 90_000 = −9_090 → 820; penalty 1% of 80_910 = 809 → 11 left
    assert.deepEqual(r.liquidation, {
      accountId: victim,
      closedOnBook: 90n,
      toBackstop: 0n,
      toAdl: 0n,
      penalty: 809n,
      deficitCovered: 0n,
      recordId: 0,
      ended: true,
    });
    assert.deepEqual(
      r.fills.map((f) => [f.maker, f.price, f.size, f.takerFee]),
      [[bidder, 899n, 90n, 0n]],
    );
    assert.equal(e.account(victim)?.collateral, 11n);
    assert.deepEqual(e.account(victim)?.positions[0], { size: 0n, entryNotional: 0n, fundingSnapshot: 0n });
    assert.equal(e.global().insuranceFund, 809n);
    assert.deepEqual(
      r.touched,
      [victim, bidder].sort((a, b) => a - b),
    );
    assert.equal(e.conservedTotal(), q);
  });

  it("gives the backstop what the book cannot take, at the mark", () => {
    const { d, e, victim, bidder } = setup();
    depositToBackstop(d, 100_000n);
    d.order({ accountId: bidder, marketId: 0, side: "buy", price: 899n, size: 30n });
    d.order({ accountId: bidder, marketId: 0, side: "buy", price: 850n, size: 60n }); // outside the 5% band (855)
    d.price(0, 900n);
    const r = liquidate(d, victim);
    // 30 @ 899: −3_030; 60 @ 900 to backstop: −6_000 → 880; penalty 1% of 80_970 = 809 → 71
    assert.deepEqual(r.liquidation, {
      accountId: victim,
      closedOnBook: 30n,
      toBackstop: 60n,
      toAdl: 0n,
      penalty: 809n,
      deficitCovered: 0n,
      recordId: 0,
      ended: true,
    });
    assert.equal(e.account(victim)?.collateral, 71n);
    assert.deepEqual(e.account(0)?.positions[0], { size: 60n, entryNotional: 54_000n, fundingSnapshot: 0n });
    assert.equal(e.account(0)?.collateral, 100_000n);
    assert.deepEqual(
      r.touched,
      [0, victim, bidder].sort((a, b) => a - b),
    );
    assert.deepEqual(e.book(0, 5).bids, [{ price: 850n, size: 60n, orders: 1 }]);
    const sizes = Array.from({ length: e.accountCount() }, (_, i) => e.account(i)?.positions[0]?.size ?? 0n);
    assert.equal(
      sizes.reduce((x, y) => x + y, 0n),
      0n,
    );
  });

  it("covers a deficit from the insurance fund", () => {
    const { d, e, victim, bidder } = setup({ insuranceFund: 1_000n });
    d.order({ accountId: bidder, marketId: 0, side: "buy", price: 880n, size: 90n });
    d.price(0, 900n);
    const q = e.conservedTotal();
    const r = liquidate(d, victim);
    // 90 @ 880: −10_800 → −890; no penalty; insurance pays 890
    assert.equal(r.liquidation?.penalty, 0n);
    assert.equal(r.liquidation?.deficitCovered, 890n);
    assert.equal(e.account(victim)?.collateral, 0n);
    assert.equal(e.global().insuranceFund, 110n);
    assert.equal(e.conservedTotal(), q);
  });

  it("never sells below the price the fund can cover; the backstop takes the rest at the mark", () => {
    const { d, e, victim, bidder } = setup({ insuranceFund: 500n });
    depositToBackstop(d, 100_000n);
    d.order({ accountId: bidder, marketId: 0, side: "buy", price: 880n, size: 90n });
    d.price(0, 900n);
    const q = e.conservedTotal();
    const r = liquidate(d, victim);
    // Selling 90 @ p leaves 9_910 − 90·(1000 − p); with 500 in the fund (less 33 slack) p ≥ 885, so
    // the 880 bid is left alone. The backstop takes 90 @ 900: 9_910 − 9_000 = 910, penalty 810 → 100.
    assert.equal(r.liquidation?.closedOnBook, 0n);
    assert.equal(r.liquidation?.toBackstop, 90n);
    assert.equal(r.liquidation?.deficitCovered, 0n);
    assert.equal(e.account(victim)?.collateral, 100n);
    assert.equal(e.global().insuranceFund, 1_310n);
    assert.deepEqual(e.book(0, 5).bids, [{ price: 880n, size: 90n, orders: 1 }]);
    assert.equal(e.conservedTotal(), q);
    const [rec] = e.ledger();
    assert.equal(rec?.tier, "vault");
    assert.deepEqual(
      rec?.fills.map((f) => [f.tier, f.size, f.price, f.counterparty]),
      [["vault", -90n, 900n, 0]],
    );
  });

  it("covers what the fund lacks from the backstop when it takes a bankrupt account over", () => {
    const { d, e, victim } = setup({ insuranceFund: 500n });
    depositToBackstop(d, 100_000n);
    d.price(0, 880n);
    // equity 9_910 − 10_800 = −890: no book chunk while bankrupt; the backstop takes 90 @ 880,
    // the fund pays 500 and the backstop the other 390.
    const r = liquidate(d, victim);
    assert.equal(r.liquidation?.toBackstop, 90n);
    assert.equal(r.liquidation?.deficitCovered, 890n);
    assert.equal(e.global().insuranceFund, 0n);
    assert.equal(e.account(0)?.collateral, 100_000n - 390n);
    assert.equal(e.account(victim)?.collateral, 0n);
    const [rec] = e.ledger();
    assert.equal(rec?.deficitFromFund, 500n);
    assert.equal(rec?.deficitFromVault, 390n);
  });

  it("leaves the account open, unfilled, when neither the book nor an unfunded backstop can take it", () => {
    const { d, e, victim, bidder } = setup();
    d.order({ accountId: bidder, marketId: 0, side: "buy", price: 880n, size: 90n });
    d.price(0, 900n);
    const q = e.conservedTotal();
    const r = liquidate(d, victim);
    assert.equal(r.liquidation?.closedOnBook, 0n);
    assert.equal(r.liquidation?.toBackstop, 0n);
    assert.equal(r.liquidation?.ended, false);
    assert.equal(e.account(victim)?.positions[0]?.size, 90n);
    assert.deepEqual(e.liquidationsInProgress(), [victim]);
    assert.equal(e.conservedTotal(), q);
  });

  it("deleverages the most profitable, most levered opposite position at the bankruptcy price", () => {
    const { d, e, victim, shorter } = setup({ insuranceFund: 1_000n });
    d.price(0, 880n);
    // victim: equity 9_910 − 10_800 = −890; the backstop has no collateral (it cannot carry the position)
    // → ADL against the shorter at the bankruptcy price rounded against the victim, as the proof pins it:
    // P = 880 − ⌈−890/90⌉ = 880 + 9 = 889. The victim's collateral 9_910 − 90·111 = −80 is dust the
    // insurance fund covers (closing at P leaves equity in (−90, 0]).
    const shorterBefore = e.account(shorter)?.collateral ?? 0n;
    const q = e.conservedTotal();
    const r = liquidate(d, victim);
    assert.equal(r.liquidation?.toAdl, 90n);
    assert.equal(r.liquidation?.ended, true);
    assert.equal(r.liquidation?.deficitCovered, 80n);
    assert.equal(e.account(victim)?.collateral, 0n);
    assert.equal(e.global().insuranceFund, 920n);
    assert.equal(e.account(shorter)?.positions[0]?.size, 0n);
    // shorter sold 90 @ 1000 and buys back @ 889: +9_990 on its collateral
    assert.equal((e.account(shorter)?.collateral ?? 0n) - shorterBefore, 9_990n);
    assert.equal(e.conservedTotal(), q);
    const [rec] = e.ledger();
    assert.equal(rec?.tier, "adl");
    // The ledger's bankruptcy price and the ADL fill round the same way (880 + 889.9 → 889).
    assert.equal(rec?.legs[0]?.bankruptcyPrice, 889n);
    assert.equal(rec?.fills[0]?.price, 889n);
  });

  it("prices each ADL counterparty's fill at the bankruptcy price of the account as it is then", () => {
    const d = Driver.create({}, 1, { insuranceFund: 1_000n });
    const e = d.engine;
    const victim = d.fund(10_000n);
    const s1 = d.fund(10_000_000n);
    const s2 = d.fund(10_000_000n);
    d.price(0, 1_000n);
    d.order({ accountId: s1, marketId: 0, side: "sell", price: 1_000n, size: 45n });
    d.order({ accountId: s2, marketId: 0, side: "sell", price: 1_000n, size: 45n });
    d.order({ accountId: victim, marketId: 0, side: "buy", price: 1_000n, size: 90n });
    d.price(0, 880n);
    // Equity −890 on 90 lots: the first 45 go at 880 − ⌈−890/90⌉ = 889, leaving equity −890 + 45·9 = −485
    // on 45 lots; the next 45 at 880 − ⌈−485/45⌉ = 890, leaving −485 + 45·10 = −35 for the fund.
    const r = liquidate(d, victim);
    assert.equal(r.liquidation?.toAdl, 90n);
    assert.deepEqual(
      e.ledger()[0]?.fills.map((f) => f.price),
      [889n, 890n],
    );
    assert.equal(r.liquidation?.deficitCovered, 35n);
    assert.equal(e.global().insuranceFund, 965n);
  });

  it("covers ADL dust from the backstop's collateral when the insurance fund is empty", () => {
    const { d, e, victim } = setup();
    depositToBackstop(d, 100n);
    d.price(0, 880n);
    const r = liquidate(d, victim);
    assert.equal(r.liquidation?.toAdl, 90n);
    assert.equal(e.account(victim)?.collateral, 0n);
    assert.equal(e.account(0)?.collateral, 20n);
    assert.equal(e.ledger()[0]?.deficitFromVault, 80n);
  });

  it("cancels the liquidated account's resting orders", () => {
    const { d, e, victim, bidder } = setup();
    d.order({ accountId: bidder, marketId: 0, side: "buy", price: 899n, size: 90n });
    d.order({ accountId: victim, marketId: 0, side: "sell", price: 2_000n, size: 10n });
    d.price(0, 900n);
    liquidate(d, victim);
    assert.deepEqual(e.openOrders(victim), []);
    assert.deepEqual(e.book(0, 5).asks, []);
  });

  it("keeps a batch slot for the backstop and stops book fills that would take it", () => {
    const { d, e, victim, bidder } = setup();
    depositToBackstop(d, 100_000n);
    d.order({ accountId: bidder, marketId: 0, side: "buy", price: 899n, size: 90n });
    d.price(0, 900n);
    rejects(
      () =>
        e.apply({ kind: "liquidation", accountId: victim }, ++d.seq, {
          touchedInBatch: new Set([40]),
          maxTouched: 2,
        }),
      "BATCH_CAPACITY",
    );
    const r = e.apply({ kind: "liquidation", accountId: victim }, ++d.seq, {
      touchedInBatch: new Set(),
      maxTouched: 2,
    });
    assert.equal(r.liquidation?.closedOnBook, 0n, "the bidder would have needed a third slot");
    assert.equal(r.liquidation?.toBackstop, 90n);
  });
});
