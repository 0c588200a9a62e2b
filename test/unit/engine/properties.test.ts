import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type ApplyLimits, Engine, EngineError, type EngineTx } from "../../../sequencer/engine/index.ts";
import { snapshot, testParams } from "./helpers.ts";
import { concretize, type Step, step } from "./random-steps.ts";

/**
 * Random tx sequences (random-steps.ts) against invariants the circuit relies on.
 */
interface Logged {
  tx: EngineTx;
  seq: bigint;
  limits: ApplyLimits | undefined;
  outcome: string;
}

/** What the random runs reached, so a generator that stopped reaching a path fails the test. */
const reached = new Map<string, number>();
const note = (what: string) => reached.set(what, (reached.get(what) ?? 0) + 1);

const big = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);

function checkInvariants(e: Engine, expectedQ: bigint) {
  assert.equal(e.conservedTotal(), expectedQ, "Q changes only by deposits − withdrawals");
  const g = e.global();
  for (let m = 0; m < g.markets.length; m++) {
    let sum = 0n;
    let longs = 0n;
    for (let i = 0; i < e.accountCount(); i++) {
      const sz = e.account(i)?.positions[m]?.size ?? 0n;
      sum += sz;
      if (sz > 0n) longs += sz;
    }
    assert.equal(sum, 0n, `Σ size = 0 in market ${m}`);
    assert.equal(g.markets[m]?.openInterest, longs, "open interest = Σ longs");
    const b = e.book(m, 1);
    if (b.bids[0] && b.asks[0]) assert.ok(b.bids[0].price < b.asks[0].price, "book never crossed");
  }
  for (let i = 0; i < e.accountCount(); i++)
    assert.ok((e.account(i)?.collateral ?? 0n) >= 0n, `collateral of ${i} ≥ 0`);
  assert.ok(g.insuranceFund >= 0n && g.feePool >= 0n);
  assert.deepEqual(e.selfCheck(), [], "off-tree indexes agree with the books and leaves");
}

function run(steps: Step[]): Logged[] {
  const genesis = { insuranceFund: 50_000n };
  const e = new Engine(testParams({ maxMakersPerOrder: 3 }, 2), genesis);
  let q = e.conservedTotal();
  let seq = 0n;
  let limits: ApplyLimits | undefined;
  const log: Logged[] = [];
  const applyOne = (tx: EngineTx) => {
    seq += 1n;
    const before = snapshot(e);
    let outcome: string;
    let detected: number[] = [];
    try {
      const r = e.apply(tx, seq, limits);
      const after = snapshot(e);
      const changed = after.accounts.flatMap((a, i) =>
        JSON.stringify(a.leaf, big) === JSON.stringify(before.accounts[i]?.leaf, big) ? [] : [i],
      );
      // A priority request also names the account whose slot the proof reads, changed or not.
      const expected =
        tx.kind === "forced" && tx.accountId < before.count
          ? [...new Set([...changed, tx.accountId])].sort((x, y) => x - y)
          : changed;
      assert.deepEqual(
        r.touched,
        expected,
        `touched of ${tx.kind} is exactly the accounts whose leaf changed`,
      );
      if (limits) {
        const union = new Set([...limits.touchedInBatch, ...r.touched]);
        assert.ok(union.size <= limits.maxTouched, "batch capacity respected");
      }
      if (tx.kind === "deposit") q += tx.amount;
      if (tx.kind === "withdrawal") q -= tx.amount;
      if (tx.kind === "forced") q -= r.forced?.paid ?? 0n;
      outcome = `ok:${r.touched.join(",")}:${r.status ?? ""}:${r.fills.length}`;
      detected = r.liquidationsDetected;
      const isolated = "accountId" in tx && e.accountView(tx.accountId)?.marginMode === "isolated";
      note(`${tx.kind}${isolated ? ":isolated" : ""}${r.fills.length > 0 ? ":filled" : ""}`);
      if ((r.forced?.paid ?? 0n) > 0n) note("forced:paid");
      if ((r.forced?.cancelledOrderIds.length ?? 0) > 0) note("forced:cancelled");
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      assert.deepEqual(snapshot(e), before, `rejected ${tx.kind} (${err.code}) left state unchanged`);
      outcome = `err:${err.code}`;
      note(`${tx.kind}:${err.code}`);
    }
    log.push({ tx, seq, limits, outcome });
    checkInvariants(e, q);
    // As the sequencer would: liquidate what the price update flagged, in the order given.
    for (const id of detected) applyOne({ kind: "liquidation", accountId: id });
  };
  // Every key funded and both markets priced first, so most random steps reach the interesting checks.
  const prelude: Step[] = [
    ...[0, 1, 2, 3, 4, 5].map((w): Step => ({ k: "deposit", who: w, amount: 5_000n + BigInt(w) * 5_000n })),
    { k: "price", m: 0, movePermille: 0 },
    { k: "price", m: 1, movePermille: 0 },
  ];
  for (const s of [...prelude, ...steps]) {
    if (s.k === "limit") {
      limits =
        s.maxTouched === 4
          ? undefined
          : { touchedInBatch: new Set(s.batch), maxTouched: s.maxTouched + s.batch.length };
      continue;
    }
    const tx = concretize(e, s, seq + 1n, seq + 1n);
    if (tx) applyOne(tx);
  }
  return log;
}

describe("engine properties", () => {
  it("keeps conservation, zero-sum sizes, non-negative collateral and atomic rejections over random txs", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 100, size: "max" }), (steps) => {
        run(steps);
      }),
      { numRuns: 200 },
    );
    for (const path of [
      "transfer",
      "transfer:isolated",
      "order:isolated:filled",
      "order:ISOLATED_MARKET",
      "transfer:INSUFFICIENT_MARGIN",
      "forced:paid",
      "forced:cancelled",
      "forced:BAD_PRIORITY_INDEX",
    ])
      assert.ok(
        (reached.get(path) ?? 0) > 0,
        `the random runs reached ${path}: ${JSON.stringify([...reached])}`,
      );
  });

  it("replaying the same txs gives the same outcomes and the same state", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 60, size: "max" }), (steps) => {
        const log = run(steps);
        const a = new Engine(testParams({ maxMakersPerOrder: 3 }, 2), { insuranceFund: 50_000n });
        const b = new Engine(testParams({ maxMakersPerOrder: 3 }, 2), { insuranceFund: 50_000n });
        for (const eng of [a, b]) {
          for (const l of log) {
            let outcome: string;
            try {
              const r = eng.apply(l.tx, l.seq, l.limits);
              outcome = `ok:${r.touched.join(",")}:${r.status ?? ""}:${r.fills.length}`;
            } catch (err) {
              outcome = `err:${(err as EngineError).code}`;
            }
            assert.equal(outcome, l.outcome);
          }
        }
        assert.deepEqual(snapshot(a), snapshot(b));
      }),
      { numRuns: 80 },
    );
  });
});
