import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EngineError, type EngineTx } from "../../../sequencer/engine/index.ts";
import { MAX_SUBACCOUNTS } from "../../../sequencer/engine/transfer.ts";
import { Driver, snapshot } from "./helpers.ts";

/**
 * Isolated margin as dYdX v4 does it: a sub-account with the owner's key, funded by a transfer, trading
 * one market. testParams: IMF 10%, MMF 5%, taker fee 10 bp, liquidation penalty 1%, vault at account 0.
 */

function rejects(d: Driver, tx: Omit<Extract<EngineTx, { kind: "transfer" }>, "nonce">, code: string) {
  const before = snapshot(d.engine);
  assert.throws(
    () => d.apply({ ...tx, kind: "transfer", nonce: d.nonceOf(tx.accountId) }),
    (err: unknown) => err instanceof EngineError && err.code === code,
  );
  assert.deepEqual(snapshot(d.engine), before, `${code} changed nothing`);
}

/** Parent with 10,000, a maker with 100,000 asking 20 @ 1,000, the vault with 1,000,000. */
function setup() {
  const d = Driver.create({}, 2, { backstopCollateral: 1_000_000n });
  const parent = d.fund(10_000n);
  const maker = d.fund(100_000n);
  d.price(0, 1_000n);
  d.price(1, 1_000n);
  d.order({ accountId: maker, marketId: 0, side: "sell", price: 1_000n, size: 20n });
  return { d, parent, maker };
}

describe("isolated margin (sub-accounts)", () => {
  it("opens a sub-account with the owner's key: cash moves, Q does not, the key still names the parent", () => {
    const { d, parent } = setup();
    const q = d.engine.conservedTotal();
    const r = d.transfer(parent, 1_000n, { isolatedMarket: 0 });
    const sub = r.transfer?.to as number;
    assert.deepEqual(r.transfer, { from: parent, to: sub, amount: 1_000n, created: true });
    assert.deepEqual(r.touched, [parent, sub]);
    assert.equal(d.engine.account(parent)?.collateral, 9_000n);
    assert.equal(d.engine.account(sub)?.collateral, 1_000n);
    assert.equal(d.engine.account(sub)?.pubKeyX, d.engine.account(parent)?.pubKeyX);
    assert.equal(d.engine.conservedTotal(), q);
    const view = d.engine.accountView(sub);
    assert.equal(view?.marginMode, "isolated");
    assert.equal(view?.isolatedMarket, 0);
    assert.equal(view?.parentId, parent);
    assert.deepEqual(d.engine.accountView(parent)?.subaccounts, [sub]);
    assert.equal(d.engine.accountView(parent)?.marginMode, "cross");
    const { pubKeyX, pubKeyY } = d.engine.account(parent)!;
    assert.equal(d.engine.accountIdByKey(pubKeyX, pubKeyY), parent);
    // An L1 deposit for the key still credits the parent.
    d.apply({ kind: "deposit", depositIndex: d.engine.nextDepositIndex(), pubKeyX, pubKeyY, amount: 5n });
    assert.equal(d.engine.account(parent)?.collateral, 9_005n);
    assert.deepEqual(d.engine.selfCheck(), []);
  });

  it("margins an isolated order on the sub-account's own collateral only", () => {
    const { d, parent } = setup();
    const sub = d.transfer(parent, 1_000n, { isolatedMarket: 0 }).transfer?.to as number;
    // 10 lots at 1,000: IM 10% of 10,000 = 1,000 plus the 10 bp taker fee 10 = 1,010 > 1,000.
    const before = snapshot(d.engine);
    assert.throws(
      () => d.order({ accountId: sub, marketId: 0, side: "buy", tif: "IOC", price: 1_000n, size: 10n }),
      (err: unknown) =>
        err instanceof EngineError &&
        err.code === "INSUFFICIENT_MARGIN" &&
        (err.details as { required: bigint }).required === 1_010n,
    );
    assert.deepEqual(snapshot(d.engine), before);
    // 9 lots: 900 + 9 = 909 ≤ 1,000. Collateral 1,000 − 9 fee = 991.
    const r = d.order({ accountId: sub, marketId: 0, side: "buy", tif: "IOC", price: 1_000n, size: 9n });
    assert.equal(r.status, "filled");
    assert.equal(d.engine.account(sub)?.collateral, 991n);
    assert.equal(d.engine.account(parent)?.collateral, 9_000n);
  });

  it("refuses an order in another market, and leaves the parent free to trade any market", () => {
    const { d, parent } = setup();
    const sub = d.transfer(parent, 1_000n, { isolatedMarket: 0 }).transfer?.to as number;
    const before = snapshot(d.engine);
    assert.throws(
      () => d.order({ accountId: sub, marketId: 1, side: "buy", price: 990n, size: 1n }),
      (err: unknown) => err instanceof EngineError && err.code === "ISOLATED_MARKET",
    );
    assert.deepEqual(snapshot(d.engine), before);
    assert.equal(
      d.order({ accountId: parent, marketId: 1, side: "buy", price: 990n, size: 1n }).status,
      "resting",
    );
  });

  it("a crash liquidates the isolated position and its deficit goes to the backstop, not to the parent", () => {
    const { d, parent } = setup();
    const sub = d.transfer(parent, 1_000n, { isolatedMarket: 0 }).transfer?.to as number;
    d.order({ accountId: sub, marketId: 0, side: "buy", tif: "IOC", price: 1_000n, size: 9n });
    // At 850: equity 991 + 9·850 − 9,000 = −359, so the sub-account is bankrupt.
    const p = d.price(0, 850n);
    assert.deepEqual(p.liquidationsDetected, [sub]);
    assert.equal(d.engine.accountView(sub)?.equity, -359n);
    const l = d.apply({ kind: "liquidation", accountId: sub }).liquidation;
    // No bids: the vault takes the 9 lots at the mark; the fund is empty, so the vault covers the 359.
    assert.equal(l?.toBackstop, 9n);
    assert.equal(l?.penalty, 0n);
    assert.equal(l?.deficitCovered, 359n);
    assert.equal(d.engine.account(sub)?.collateral, 0n);
    assert.equal(d.engine.account(0)?.collateral, 1_000_000n - 359n);
    assert.equal(d.engine.account(parent)?.collateral, 9_000n, "the parent lost only what it moved");
  });

  it("the same trade in cross margin is carried by the whole account and is not liquidated", () => {
    const { d, parent } = setup();
    d.order({ accountId: parent, marketId: 0, side: "buy", tif: "IOC", price: 1_000n, size: 9n });
    // 10,000 − 9 fee − 9·150 = 8,641 ≥ MM ⌈9·850·5%⌉ = 383.
    assert.deepEqual(d.price(0, 850n).liquidationsDetected, []);
    assert.equal(d.engine.accountView(parent)?.equity, 8_641n);
    assert.equal(d.engine.accountView(parent)?.maintenanceRequirement, 383n);
  });

  it("moves cash back to the parent only while the sub-account keeps initial margin", () => {
    const { d, parent } = setup();
    const sub = d.transfer(parent, 1_000n, { isolatedMarket: 0 }).transfer?.to as number;
    d.order({ accountId: sub, marketId: 0, side: "buy", tif: "IOC", price: 1_000n, size: 5n });
    // Collateral 1,000 − 5 = 995; IM of 5 lots at 1,000 = 500, so 495 is free and 496 is not.
    rejects(d, { kind: "transfer", accountId: sub, amount: 496n, to: parent }, "INSUFFICIENT_MARGIN");
    const r = d.transfer(sub, 495n, { to: parent });
    assert.deepEqual(r.transfer, { from: sub, to: parent, amount: 495n, created: false });
    assert.equal(d.engine.account(parent)?.collateral, 9_495n);
    assert.equal(d.engine.account(sub)?.collateral, 500n);
  });

  it("refuses bad transfers with their own codes and changes nothing", () => {
    const { d, parent, maker } = setup();
    const sub = d.transfer(parent, 1_000n, { isolatedMarket: 0 }).transfer?.to as number;
    rejects(d, { kind: "transfer", accountId: parent, amount: 1n, to: maker }, "NOT_SAME_OWNER");
    rejects(d, { kind: "transfer", accountId: parent, amount: 1n, to: parent }, "TRANSFER_NOT_ALLOWED");
    rejects(d, { kind: "transfer", accountId: parent, amount: 1n, to: 0 }, "TRANSFER_NOT_ALLOWED");
    rejects(d, { kind: "transfer", accountId: parent, amount: 1n, to: 99 }, "UNKNOWN_ACCOUNT");
    rejects(d, { kind: "transfer", accountId: parent, amount: 1n, isolatedMarket: 7 }, "UNKNOWN_MARKET");
    rejects(d, { kind: "transfer", accountId: parent, amount: 1n, to: sub, isolatedMarket: 0 }, "BAD_TX");
    rejects(d, { kind: "transfer", accountId: parent, amount: 1n }, "BAD_TX");
    rejects(d, { kind: "transfer", accountId: parent, amount: 0n, to: sub }, "BAD_AMOUNT");
    rejects(d, { kind: "transfer", accountId: parent, amount: 9_001n, to: sub }, "INSUFFICIENT_COLLATERAL");
    const before = snapshot(d.engine);
    assert.throws(
      () =>
        d.engine.apply(
          { kind: "transfer", accountId: parent, nonce: d.nonceOf(parent), amount: 1n, to: sub },
          999n,
          {
            touchedInBatch: new Set([5, 6, 7]),
            maxTouched: 4,
          },
        ),
      (err: unknown) => err instanceof EngineError && err.code === "BATCH_CAPACITY",
    );
    assert.deepEqual(snapshot(d.engine), before);
  });

  it(`caps an owner at ${MAX_SUBACCOUNTS} sub-accounts, counting those opened from a sub-account`, () => {
    const { d, parent } = setup();
    const first = d.transfer(parent, 100n, { isolatedMarket: 0 }).transfer?.to as number;
    // A sub-account opening another one opens it for the same parent.
    const second = d.transfer(first, 10n, { isolatedMarket: 1 }).transfer?.to as number;
    assert.equal(d.engine.accountView(second)?.parentId, parent);
    for (let i = 2; i < MAX_SUBACCOUNTS; i++) d.transfer(parent, 1n, { isolatedMarket: 0 });
    assert.equal(d.engine.accountView(parent)?.subaccounts.length, MAX_SUBACCOUNTS);
    rejects(d, { kind: "transfer", accountId: parent, amount: 1n, isolatedMarket: 0 }, "SUBACCOUNT_LIMIT");
  });

  it("a replay of the same txs gives the same sub-accounts, leaves and views", () => {
    const run = () => {
      const { d, parent } = setup();
      const sub = d.transfer(parent, 1_000n, { isolatedMarket: 0 }).transfer?.to as number;
      d.order({ accountId: sub, marketId: 0, side: "buy", tif: "IOC", price: 1_000n, size: 3n });
      d.transfer(sub, 100n, { to: parent });
      d.transfer(parent, 50n, { isolatedMarket: 1 });
      return { e: d.engine, sub };
    };
    const a = run();
    const b = run();
    assert.deepEqual(snapshot(b.e), snapshot(a.e));
    assert.deepEqual(b.e.accountView(b.sub), a.e.accountView(a.sub));
    assert.deepEqual(a.e.accountView(1)?.subaccounts, [3, 4]);
  });
});
