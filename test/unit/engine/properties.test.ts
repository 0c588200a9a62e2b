import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type ApplyLimits, Engine, EngineError, type EngineTx } from "../../../sequencer/engine/index.ts";
import { snapshot, testParams } from "./helpers.ts";

/**
 * Random tx sequences against invariants the circuit relies on. Each abstract step is turned into a
 * concrete tx against the current state (so most nonces are right and most orders land near the
 * mark); a slice of them is deliberately wrong to exercise rejections.
 */
type Step =
  | { k: "deposit"; who: number; amount: bigint }
  | {
      k: "order";
      who: number;
      m: number;
      side: "buy" | "sell";
      type: "limit" | "market";
      tif: "GTC" | "IOC";
      off: number;
      size: bigint;
      badNonce: boolean;
      /** Place it from the owner's first isolated sub-account, if it has one. */
      sub: boolean;
    }
  | { k: "transfer"; who: number; dir: "open" | "fund" | "drain"; m: number; amount: bigint }
  | { k: "cancel"; who: number; pick: number }
  | { k: "withdraw"; who: number; amount: bigint }
  | { k: "price"; m: number; movePermille: number }
  | { k: "liquidate"; who: number }
  | { k: "limit"; maxTouched: number; batch: number[] };

const who = fc.integer({ min: 0, max: 5 });
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("deposit" as const),
      who,
      amount: fc.bigInt({ min: 1n, max: 20_000n }),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      k: fc.constant("order" as const),
      who,
      m: fc.integer({ min: 0, max: 1 }),
      side: fc.constantFrom("buy" as const, "sell" as const),
      type: fc.constantFrom("limit" as const, "limit" as const, "limit" as const, "market" as const),
      tif: fc.constantFrom("GTC" as const, "GTC" as const, "IOC" as const),
      off: fc.integer({ min: -10, max: 10 }),
      size: fc.oneof(fc.bigInt({ min: 1n, max: 20n }), fc.bigInt({ min: 20n, max: 300n })),
      badNonce: fc.boolean(),
      sub: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("transfer" as const),
      who,
      dir: fc.constantFrom("open" as const, "fund" as const, "drain" as const),
      m: fc.integer({ min: 0, max: 1 }),
      amount: fc.oneof(fc.bigInt({ min: 1n, max: 3_000n }), fc.bigInt({ min: 3_000n, max: 40_000n })),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("cancel" as const), who, pick: fc.nat(10) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("withdraw" as const),
      who,
      amount: fc.bigInt({ min: 1n, max: 10_000n }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("price" as const),
      m: fc.integer({ min: 0, max: 1 }),
      movePermille: fc.oneof(
        fc.integer({ min: -10, max: 10 }),
        fc.integer({ min: -90, max: 90 }),
        fc.integer({ min: -400, max: 400 }),
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("liquidate" as const), who }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("limit" as const),
      maxTouched: fc.integer({ min: 1, max: 4 }),
      batch: fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 3 }),
    }),
  },
);

interface Logged {
  tx: EngineTx;
  seq: bigint;
  limits: ApplyLimits | undefined;
  outcome: string;
}

/** What the random runs reached, so a generator that stopped reaching a path fails the test. */
const reached = new Map<string, number>();
const note = (what: string) => reached.set(what, (reached.get(what) ?? 0) + 1);

const keyOf = (w: number) => BigInt(100 + w);
const big = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);

/** The owner's first isolated sub-account, if any. */
const subOf = (e: Engine, parent: number): number | undefined => e.accountView(parent)?.subaccounts[0];

function concretize(e: Engine, s: Step, seq: bigint, ts: bigint): EngineTx | undefined {
  const id = (w: number) => e.accountIdByKey(keyOf(w), keyOf(w)) ?? 50 + w;
  const nonce = (acc: number) => (e.account(acc)?.nonce ?? 0n) + 1n;
  switch (s.k) {
    case "deposit":
      return {
        kind: "deposit",
        depositIndex: e.nextDepositIndex(),
        pubKeyX: keyOf(s.who),
        pubKeyY: keyOf(s.who),
        amount: s.amount,
      };
    case "order": {
      const acc = (s.sub ? subOf(e, id(s.who)) : undefined) ?? id(s.who);
      // A sub-account mostly trades its own market; one order in three tries the other one.
      const own = e.accountView(acc)?.isolatedMarket;
      const m = own !== undefined && s.off % 3 !== 0 ? own : s.m;
      const mark = e.global().markets[m]?.markPrice ?? 0n;
      const price = mark > 0n ? mark + BigInt(s.off) : 1_000n + BigInt(s.off);
      return {
        kind: "order",
        accountId: acc,
        nonce: s.badNonce && s.off % 5 === 0 ? nonce(acc) + 1n : nonce(acc),
        marketId: m,
        side: s.side,
        type: s.type,
        tif: s.tif,
        price: s.type === "market" ? 0n : price,
        size: s.size,
      };
    }
    case "cancel": {
      const acc = id(s.who);
      const mine = e.openOrders(acc);
      const o = mine[s.pick % Math.max(1, mine.length)];
      return {
        kind: "cancel",
        accountId: acc,
        nonce: nonce(acc),
        marketId: o?.marketId ?? 0,
        orderId: o?.orderId ?? seq,
      };
    }
    case "withdraw": {
      const acc = id(s.who);
      return { kind: "withdrawal", accountId: acc, nonce: nonce(acc), amount: s.amount, l1Address: 1n };
    }
    case "price": {
      const mark = e.global().markets[s.m]?.markPrice ?? 0n;
      const base = mark > 0n ? mark : 1_000n;
      const p = base + (base * BigInt(s.movePermille)) / 1_000n;
      return { kind: "price", marketId: s.m, price: p > 0n ? p : 1n, timestampMs: ts };
    }
    case "liquidate":
      return { kind: "liquidation", accountId: id(s.who) };
    case "transfer": {
      const parent = id(s.who);
      const child = subOf(e, parent);
      if (s.dir === "open")
        return {
          kind: "transfer",
          accountId: parent,
          nonce: nonce(parent),
          amount: s.amount,
          isolatedMarket: s.m,
        };
      if (s.dir === "fund")
        return {
          kind: "transfer",
          accountId: parent,
          nonce: nonce(parent),
          amount: s.amount,
          to: child ?? 60,
        };
      const from = child ?? parent;
      return { kind: "transfer", accountId: from, nonce: nonce(from), amount: s.amount, to: parent };
    }
    case "limit":
      return undefined;
  }
}

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
      assert.deepEqual(
        r.touched,
        changed,
        `touched of ${tx.kind} is exactly the accounts whose leaf changed`,
      );
      if (limits) {
        const union = new Set([...limits.touchedInBatch, ...r.touched]);
        assert.ok(union.size <= limits.maxTouched, "batch capacity respected");
      }
      if (tx.kind === "deposit") q += tx.amount;
      if (tx.kind === "withdrawal") q -= tx.amount;
      outcome = `ok:${r.touched.join(",")}:${r.status ?? ""}:${r.fills.length}`;
      detected = r.liquidationsDetected;
      const isolated = "accountId" in tx && e.accountView(tx.accountId)?.marginMode === "isolated";
      note(`${tx.kind}${isolated ? ":isolated" : ""}${r.fills.length > 0 ? ":filled" : ""}`);
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
