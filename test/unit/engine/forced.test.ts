import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Engine, EngineError, type EngineTx } from "../../../sequencer/engine/index.ts";
import { forcedWithdrawalPay } from "../../../sequencer/proof/forced.ts";
import { decodeSequencerPart, encodeSequencerPart } from "../../../sequencer/snapshot/snapshot.ts";
import { Driver, snapshot, testParams } from "./helpers.ts";

type ForcedTx = Extract<EngineTx, { kind: "forced" }>;

/** A forced request from the key Driver.fund gave account `id` (key, key + 1), at the next index. */
function forced(d: Driver, id: number, request: ForcedTx["request"], amount = 0n): ForcedTx {
  const a = d.engine.account(id);
  assert.ok(a, `account ${id} exists`);
  return {
    kind: "forced",
    priorityIndex: d.engine.nextPriorityIndex(),
    request,
    accountId: id,
    pubKeyX: a.pubKeyX,
    pubKeyY: a.pubKeyY,
    amount: request === "withdrawal" ? amount : 0n,
    to: request === "withdrawal" ? 0xabcn : 0n,
  };
}

function rejects(fn: () => unknown, code: string) {
  assert.throws(fn, (err: unknown) => err instanceof EngineError && err.code === code);
}

/** Two funded accounts; `b` bought 10 lots at 1,000 from `a` (taker fee 10, maker fee 5). */
function withPosition(bCollateral: bigint) {
  const d = Driver.create();
  const a = d.fund(1_000_000n);
  const b = d.fund(bCollateral);
  d.price(0, 1_000n);
  d.order({ accountId: a, marketId: 0, side: "sell", price: 1_000n, size: 10n });
  d.order({ accountId: b, marketId: 0, side: "buy", price: 1_000n, size: 10n });
  return { d, e: d.engine, a, b };
}

describe("forced requests", () => {
  it("pays a flat account min(amount, collateral) and debits exactly that", () => {
    const d = Driver.create();
    const id = d.fund(1_000n);
    const r = d.apply(forced(d, id, "withdrawal", 400n));
    assert.equal(r.forced?.paid, 400n);
    assert.equal(r.forced?.applied, true);
    assert.equal(d.engine.account(id)?.collateral, 600n);
    // Asking for more than there is pays what there is.
    const all = d.apply(forced(d, id, "withdrawal", 1_000_000n));
    assert.equal(all.forced?.paid, 600n);
    assert.equal(d.engine.account(id)?.collateral, 0n);
    assert.equal(d.engine.nextPriorityIndex(), 2n);
    assert.equal(d.engine.conservedTotal(), 0n, "the debit left the rollup");
  });

  it("pays an account with a position its equity minus initial margin, as forcedWithdrawalPay", () => {
    const { d, e, b } = withPosition(100_000n);
    // Collateral 100,000 − 10 fee; mark 1,000 so no PnL; IM = 10 · 1,000 · 10% = 1,000.
    assert.equal(e.account(b)?.collateral, 99_990n);
    const before = e.account(b);
    const tx = forced(d, b, "withdrawal", 1_000_000_000n);
    const expected = forcedWithdrawalPay(before, tx, e.global().markets, e.params.markets);
    assert.equal(expected, 98_990n);
    const r = d.apply(tx);
    assert.equal(r.forced?.paid, 98_990n);
    assert.equal(e.account(b)?.collateral, 1_000n);
    assert.deepEqual(e.account(b)?.positions, before?.positions, "the position stays");
  });

  it("caps the pay at collateral when unrealised profit exceeds the margin", () => {
    const { d, e, b } = withPosition(1_500n);
    d.price(0, 1_200n);
    // Equity = 1,490 + 10 · 200 = 3,490, IM = 10 · 1,200 · 10% = 1,200: free 2,290 > collateral 1,490.
    const r = d.apply(forced(d, b, "withdrawal", 1_000_000n));
    assert.equal(r.forced?.paid, 1_490n);
    assert.equal(e.account(b)?.collateral, 0n);
  });

  it("pays 0 to an account under water (equity below initial margin)", () => {
    const { d, e, b } = withPosition(1_500n);
    d.price(0, 900n);
    // Equity = 1,490 − 10 · 100 = 490 < IM = 10 · 900 · 10% = 900.
    assert.equal(e.global().markets[0]?.markPrice, 900n);
    const before = e.account(b);
    const r = d.apply(forced(d, b, "withdrawal", 100n));
    assert.equal(r.forced?.paid, 0n);
    assert.deepEqual(e.account(b), before);
    assert.equal(e.nextPriorityIndex(), 1n, "the request was still served");
  });

  it("serves a request whose key is not the account's as a no-op that pays 0", () => {
    const { d, e, a } = withPosition(100_000n);
    const tx = { ...forced(d, a, "withdrawal", 500n), pubKeyY: 12_345n };
    const before = snapshot(e);
    const r = d.apply(tx);
    assert.equal(r.forced?.applied, false);
    assert.equal(r.forced?.paid, 0n);
    assert.deepEqual(r.forced?.cancelledOrderIds, []);
    assert.deepEqual(snapshot(e), before, "no leaf, order or pool changed");
    assert.deepEqual(r.ops, [{ ...tx, kind: "forced", paid: 0n }]);
    assert.equal(e.nextPriorityIndex(), 1n);
  });

  it("serves a request for an account that does not exist as a no-op that pays 0", () => {
    const d = Driver.create();
    const before = snapshot(d.engine);
    const tx: ForcedTx = {
      kind: "forced",
      priorityIndex: 0n,
      request: "withdrawal",
      accountId: 9,
      pubKeyX: 5n,
      pubKeyY: 6n,
      amount: 10n,
      to: 1n,
    };
    const r = d.apply(tx);
    assert.equal(r.forced?.paid, 0n);
    assert.deepEqual(r.touched, []);
    assert.equal(r.ops.length, 1);
    assert.deepEqual(snapshot(d.engine), before);
  });

  it("a forced cancel-all leaves no resting order of the account, in any market", () => {
    const d = Driver.create({}, 2);
    const id = d.fund(1_000_000n);
    const other = d.fund(1_000_000n);
    d.price(0, 1_000n);
    d.price(1, 2_000n);
    const o1 = d.order({ accountId: id, marketId: 0, side: "buy", price: 990n, size: 3n }).orderId;
    const o2 = d.order({ accountId: id, marketId: 0, side: "sell", price: 1_010n, size: 2n }).orderId;
    const o3 = d.order({ accountId: id, marketId: 1, side: "buy", price: 1_990n, size: 1n }).orderId;
    d.order({ accountId: other, marketId: 0, side: "buy", price: 980n, size: 1n });
    assert.equal(d.engine.openOrders(id).length, 3);
    const leaf = d.engine.account(id);

    const r = d.apply(forced(d, id, "cancel-all"));
    assert.deepEqual(r.forced?.cancelledOrderIds, [o1, o2, o3]);
    assert.equal(r.forced?.paid, 0n);
    assert.deepEqual(r.touched, [id]);
    assert.deepEqual(d.engine.openOrders(id), []);
    assert.deepEqual(d.engine.book(0).asks, []);
    assert.deepEqual(d.engine.book(0).bids, [{ price: 980n, size: 1n, orders: 1 }], "others' orders stay");
    assert.deepEqual(d.engine.book(1).bids, []);
    assert.deepEqual(d.engine.account(id), leaf, "a cancel-all changes no leaf field");
    assert.deepEqual(
      r.ops.map((o) => o.kind),
      ["forced"],
    );
    assert.deepEqual(d.engine.selfCheck(), []);
  });

  it("a forced withdrawal cancels the account's orders too", () => {
    const d = Driver.create();
    const id = d.fund(1_000n);
    d.price(0, 100n);
    d.order({ accountId: id, marketId: 0, side: "buy", price: 90n, size: 5n });
    const r = d.apply(forced(d, id, "withdrawal", 1_000n));
    assert.equal(r.forced?.cancelledOrderIds.length, 1);
    assert.equal(r.forced?.paid, 1_000n);
    assert.deepEqual(d.engine.openOrders(id), []);
  });

  it("refuses a priority index other than the next, changing nothing", () => {
    const d = Driver.create();
    const id = d.fund(1_000n);
    const before = snapshot(d.engine);
    rejects(() => d.apply({ ...forced(d, id, "withdrawal", 10n), priorityIndex: 1n }), "BAD_PRIORITY_INDEX");
    d.apply(forced(d, id, "withdrawal", 10n));
    const after = snapshot(d.engine);
    // Served twice: refused.
    rejects(() => d.apply({ ...forced(d, id, "withdrawal", 10n), priorityIndex: 0n }), "BAD_PRIORITY_INDEX");
    assert.notDeepEqual(before, after);
    assert.deepEqual(snapshot(d.engine), after);
    assert.equal(d.engine.nextPriorityIndex(), 1n);
  });

  it("replays to the same state, and a snapshot carries the priority cursor", () => {
    const d = new Recorder(new Engine(testParams()));
    const a = d.fund(1_000_000n);
    const b = d.fund(100_000n);
    d.price(0, 1_000n);
    d.order({ accountId: a, marketId: 0, side: "sell", price: 1_000n, size: 10n });
    d.order({ accountId: b, marketId: 0, side: "buy", price: 1_000n, size: 10n });
    d.order({ accountId: a, marketId: 0, side: "sell", price: 1_020n, size: 4n });
    d.apply(forced(d, a, "cancel-all"));
    d.apply(forced(d, b, "withdrawal", 5_000n));

    const again = new Engine(testParams());
    for (const [tx, seq] of d.log) again.apply(tx, seq);
    assert.deepEqual(snapshot(again), snapshot(d.engine));
    assert.equal(again.nextPriorityIndex(), 2n);

    const part = decodeSequencerPart(
      encodeSequencerPart(d.engine, { signatures: new Map(), pendingLiquidations: [] }),
      d.engine,
    );
    assert.equal(part.engine.nextPriorityIndex, 2n);
  });
});

/** A driver that keeps every applied tx with its seq, to replay them. */
class Recorder extends Driver {
  readonly log: [EngineTx, bigint][] = [];
  override apply(tx: EngineTx) {
    const r = super.apply(tx);
    this.log.push([tx, this.seq]);
    return r;
  }
}
