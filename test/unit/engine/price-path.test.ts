import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { Engine, EngineError, type EngineTx, isClientError } from "../../../sequencer/engine/index.ts";
import { type RiskInput, snapshot, TimedDriver, testParams } from "./helpers.ts";

type Risk = RiskInput;

function rejects(fn: () => unknown, code: string) {
  assert.throws(fn, (err: unknown) => err instanceof EngineError && err.code === code);
}

class Sim extends TimedDriver {
  mark() {
    return this.e.global().markets[0]?.markPrice;
  }
  /** Everything a rejected tx must leave alone, engine time included. */
  state() {
    return { snap: snapshot(this.e), now: this.e.nowMs(), ledger: this.e.ledger() };
  }
}

describe("oracle guard", () => {
  const guarded: Risk = { oracle: { maxAgeMs: 5_000n, maxStepBps: 1_000 } };

  it("refuses a stale, a too-far and a non-monotonic index, each with its code and no state change", () => {
    const s = new Sim(guarded);
    s.price(1_000n, 1_000n);
    const a = s.fund(1_000_000n);
    const b = s.fund(1_000_000n);
    s.order(a, "sell", 1_000n, 10n);
    s.order(b, "buy", 1_000n, 10n);
    const before = s.state();
    const acct = s.e.account(b);

    // observed at 2 000, received at 8 000: 6 000 ms old > 5 000
    rejects(
      () => s.apply({ kind: "price", marketId: 0, price: 1_000n, timestampMs: 2_000n, nowMs: 8_000n }),
      "STALE_ORACLE",
    );
    // from the future: observed after it was received
    rejects(
      () => s.apply({ kind: "price", marketId: 0, price: 1_000n, timestampMs: 2_001n, nowMs: 2_000n }),
      "STALE_ORACLE",
    );
    // |1 101 − 1 000|·10 000 = 1 010 000 > 1 000·1 000
    rejects(
      () => s.apply({ kind: "price", marketId: 0, price: 1_101n, timestampMs: 2_000n, nowMs: 2_000n }),
      "ORACLE_DEVIATION",
    );
    rejects(
      () => s.apply({ kind: "price", marketId: 0, price: 899n, timestampMs: 2_000n, nowMs: 2_000n }),
      "ORACLE_DEVIATION",
    );
    // same timestamp as the accepted one
    rejects(
      () => s.apply({ kind: "price", marketId: 0, price: 1_000n, timestampMs: 1_000n, nowMs: 2_000n }),
      "ORACLE_NOT_MONOTONIC",
    );

    assert.deepEqual(s.state(), before);
    assert.deepEqual(s.e.account(b), acct);
    assert.equal(s.e.nowMs(), 1_000n, "a refused price does not advance engine time");

    // Exactly 10% is allowed, and is measured from 1 000 (the refused prices left no trace).
    s.price(1_100n, 2_000n, 6_900n);
    assert.equal(s.mark(), 1_100n);
    assert.equal(s.e.nowMs(), 6_900n);
  });

  it("defaults: 60 s freshness and a 50% step limit; no receive time means received when observed", () => {
    const e = new Engine(testParams());
    e.apply({ kind: "price", marketId: 0, price: 1_000n, timestampMs: 5n }, 1n);
    e.apply({ kind: "price", marketId: 0, price: 1_500n, timestampMs: 6n }, 2n);
    assert.equal(e.global().markets[0]?.markPrice, 1_500n);
    assert.equal(e.nowMs(), 6n);
    rejects(
      () => e.apply({ kind: "price", marketId: 0, price: 2_251n, timestampMs: 7n }, 3n),
      "ORACLE_DEVIATION",
    );
    rejects(
      () => e.apply({ kind: "price", marketId: 0, price: 1_500n, timestampMs: 8n, nowMs: 60_009n }, 4n),
      "STALE_ORACLE",
    );
    e.apply({ kind: "price", marketId: 0, price: 1_500n, timestampMs: 9n, nowMs: 60_009n }, 5n);
    assert.equal(e.nowMs(), 60_009n);
  });

  it("the new codes are client codes, each its own label in rollup_txs_total{code}", () => {
    const codes = ["STALE_ORACLE", "ORACLE_DEVIATION", "ORACLE_NOT_MONOTONIC", "BREAKER_TRIPPED", "OI_CAP"];
    for (const c of codes) assert.ok(isClientError(c), c);
    assert.equal(new Set(codes).size, codes.length);
  });
});

describe("circuit breaker", () => {
  // 5% against a 5-minute TWAP
  const breaker: Risk = { oracle: { breakerBps: 500, twapWindowMs: 300_000n } };

  it("trips on a jump away from the TWAP, blocks new risk, lets reductions and liquidations through, and resets", () => {
    const s = new Sim(breaker);
    s.price(1_000n, 1_000n);
    const long = s.fund(1_000_000n);
    const short = s.fund(1_000_000n);
    const victim = s.fund(10_100n);
    const bidder = s.fund(1_000_000n);
    const newbie = s.fund(1_000_000n);
    s.order(short, "sell", 1_000n, 110n);
    s.order(long, "buy", 1_000n, 10n);
    s.order(victim, "buy", 1_000n, 100n); // 10% of 100 000 + 100 fee = all of its 10 100
    s.order(bidder, "buy", 940n, 100n);
    s.price(1_000n, 2_000n);

    // samples 1 000@1 000, 1 000@2 000, 940@3 000, now 3 000: TWAP = (1 000·1 000 + 1 000·1 000)/2 000 = 1 000;
    // |940 − 1 000|·10 000 = 600 000 > 500·1 000 → tripped
    const r = s.price(940n, 3_000n);
    assert.deepEqual(r.liquidationsDetected, [victim]); // 10 000 − 6 000 = 4 000 < 4 700
    const before = s.state();
    rejects(() => s.order(long, "buy", 940n, 1n), "BREAKER_TRIPPED");
    rejects(() => s.order(newbie, "sell", 1_100n, 1n), "BREAKER_TRIPPED");
    rejects(() => s.order(short, "sell", 1_100n, 1n), "BREAKER_TRIPPED");
    assert.deepEqual(s.state(), before);

    // long sells 5 (rests: reduces), short buys 5 from it (reduces): both allowed
    assert.equal(s.order(long, "sell", 945n, 5n).status, "resting");
    assert.equal(s.order(short, "buy", 945n, 5n).status, "filled");
    assert.equal(s.e.account(long)?.positions[0]?.size, 5n);
    assert.equal(s.e.account(short)?.positions[0]?.size, -105n);

    // a liquidation goes on while tripped (the bidder's resting bid takes it)
    const liq = s.apply({ kind: "liquidation", accountId: victim });
    assert.equal(liq.liquidation?.closedOnBook, 100n);
    assert.equal(s.e.account(victim)?.positions[0]?.size, 0n);

    // 400 s later only 940 is in the window: TWAP 940, not tripped; new risk is accepted again
    s.price(940n, 400_000n);
    assert.equal(s.order(newbie, "buy", 900n, 1n).status, "resting");
  });
});

describe("impact-EMA mark through the engine", () => {
  it("mark = index + EMA(impact premium), worked by hand", () => {
    // impact notional 10 000 micro-USDC, alpha 50%
    const s = new Sim({ mark: { kind: "impact-ema", impactNotional: 10_000n, alphaBps: 5_000 } });
    s.price(1_000n);
    assert.equal(s.mark(), 1_000n, "empty book: premium 0");
    const mm = s.fund(1_000_000n);
    s.order(mm, "buy", 1_020n, 5n);
    s.order(mm, "buy", 1_000n, 20n);
    s.order(mm, "sell", 1_100n, 50n);

    // impact bid: 5 lots @1 020 (5 100), the other 4 900 from the 1 000 level:
    //   10 000·1 000 / (5·1 000 + 4 900) = 10 000 000 / 9 900 = 1 010.1 → 1 010 (bids round down)
    // impact ask 1 100 > index: adds nothing. premium = 1 010 − 1 000 = 10
    // ema = 0 + trunc(5 000·(10 − 0)/10 000) = 5 → mark 1 005
    s.price(1_000n);
    assert.equal(s.mark(), 1_005n);
    // ema = 5 + trunc(5 000·(10 − 5)/10 000) = 5 + 2 = 7 → mark 1 007
    s.price(1_000n);
    assert.equal(s.mark(), 1_007n);
    // index 1 010: impact bid 1 010 is not above it → premium 0; ema = 7 + trunc(−3.5) = 4 → 1 014
    s.price(1_010n);
    assert.equal(s.mark(), 1_014n);
  });
});

describe("mark range", () => {
  it("a mark the premium EMA would push to ≤ 0 is clamped into (0, 2^40), not refused", () => {
    const s = new Sim({
      mark: { kind: "impact-ema", impactNotional: 1_000n, alphaBps: 5_000 },
      oracle: { maxStepBps: 10_000 }, // the index falls 70% in one step here
      markBandBps: 10_000, // no band: this case is about the range clamp
    });
    s.price(1_000n);
    const seller = s.fund(10_000_000n);
    s.order(seller, "sell", 100n, 100n);
    // impact ask 100: premium −(1 000 − 100) = −900; ema = trunc(−450) → mark 550
    s.price(1_000n);
    assert.equal(s.mark(), 550n);
    // index 300: premium −200; ema = −450 + trunc(5 000·250/10 000) = −325 → 300 − 325 < 0 → 1
    const r = s.price(300n);
    assert.equal(s.mark(), 1n);
    assert.deepEqual(r.liquidationsDetected, []);
    // the EMA was kept unclamped: premium −200 again → ema −325 + trunc(62.5) = −263 → mark 37
    s.price(300n);
    assert.equal(s.mark(), 37n);
  });

  it("the mark stays within the band around the index that the proof checks (10% by default)", () => {
    const s = new Sim({ mark: { kind: "impact-ema", impactNotional: 1_000n, alphaBps: 5_000 } });
    s.price(1_000n);
    const seller = s.fund(10_000_000n);
    s.order(seller, "sell", 100n, 100n);
    // The same book as above would put the mark at 550; the band holds it at 1 000 − 10% = 900.
    s.price(1_000n);
    assert.equal(s.mark(), 900n);
  });
});

describe("funding through the engine", () => {
  // Binance with no interest and a wide cap: the rate is the average premium.
  const binance: Risk = {
    mark: { kind: "impact-ema", impactNotional: 10_000n, alphaBps: 10_000 },
    funding: {
      policy: {
        kind: "binance",
        weighting: "equal",
        interestRate: 0n,
        interestClamp: 0n,
        cap: 1_000_000_000n,
      },
      sampleIntervalMs: 1_000n,
      periodMs: 3_000n,
    },
  };

  function setup(risk: Risk, step: bigint) {
    const s = new Sim(risk);
    s.price(1_000n, 1_000n); // opens the period; sample 0 (empty book)
    const long = s.fund(1_000_000n);
    const short = s.fund(1_000_000n);
    const bidder = s.fund(1_000_000n);
    s.order(short, "sell", 1_000n, 10n);
    s.order(long, "buy", 1_000n, 10n);
    s.order(bidder, "buy", 1_020n, 20n); // impact bid 1 020: premium 20, rate 20/1 000 = 2%
    return { s, long, short, t: (i: bigint) => 1_000n + i * step };
  }

  function settleBoth(s: Sim, long: number, short: number, payment: bigint) {
    const l0 = s.e.account(long)?.collateral as bigint;
    const s0 = s.e.account(short)?.collateral as bigint;
    const q = s.e.conservedTotal();
    s.withdraw(long, 1n); // a withdrawal settles funding first
    s.withdraw(short, 1n);
    const dl = (s.e.account(long)?.collateral as bigint) - l0 + 1n;
    const ds = (s.e.account(short)?.collateral as bigint) - s0 + 1n;
    assert.equal(dl, -10n * payment, "the long pays size·payment");
    assert.equal(ds, 10n * payment, "the short receives it");
    assert.equal(dl + ds, 0n);
    assert.equal(s.e.conservedTotal(), q - 2n, "Q moved only by the two withdrawals");
    assert.equal(s.e.account(long)?.positions[0]?.fundingSnapshot, s.e.global().markets[0]?.fundingIndex);
  }

  it("binance: after a period the index moves by the hand-computed payment; longs pay shorts", () => {
    const { s, long, short, t } = setup(binance, 1_000n);
    s.price(1_000n, t(1n)); // sample 2%
    s.price(1_000n, t(2n)); // sample 2%
    assert.equal(s.e.global().markets[0]?.fundingIndex, 0n, "period not over yet");
    const q = s.e.conservedTotal();
    s.price(1_000n, t(3n)); // sample 2%, period closes
    // samples [0, 2%, 2%, 2%]: rate = 6%/4 = 1.5% = 15 000 000 ppb; payment = 1.5%·1 000 = 15 per lot
    assert.equal(s.e.global().markets[0]?.fundingIndex, -15n);
    assert.equal(s.e.conservedTotal(), q, "moving the index moves no cash");
    settleBoth(s, long, short, 15n);

    // the next period starts from empty samples: 3 more samples of 2% → payment 20, index −35
    s.price(1_000n, t(4n));
    s.price(1_000n, t(5n));
    s.price(1_000n, t(6n));
    assert.equal(s.e.global().markets[0]?.fundingIndex, -35n);
  });

  it("dydx-v4: the 8-hour rate is clamped by clampFactor·(IMF − MMF) from the market's params", () => {
    // clamp 10%·(10% − 5%) = 0.5% per 8 h; the period is 8 h, so the rate is 0.5% → payment 5
    const risk: Risk = {
      mark: binance.mark,
      funding: {
        policy: { kind: "dydx-v4", weighting: "equal", interestRate8h: 0n, clampFactorPpm: 100_000n },
        sampleIntervalMs: 9_600_000n,
        periodMs: 28_800_000n,
      },
    };
    const { s, long, short, t } = setup(risk, 9_600_000n);
    s.price(1_000n, t(1n));
    s.price(1_000n, t(2n));
    s.price(1_000n, t(3n));
    assert.equal(s.e.global().markets[0]?.fundingIndex, -5n);
    settleBoth(s, long, short, 5n);
  });

  it("liquidation detection in the same price tx reads the new funding index", () => {
    // alpha 1 bp keeps the mark at the index (trunc(1·500/10 000) = 0), so only funding can hurt the long
    const risk: Risk = {
      mark: { kind: "impact-ema", impactNotional: 10_000n, alphaBps: 1 },
      funding: { ...(binance.funding as object), periodMs: 1_000n } as Risk["funding"],
    };
    const s = new Sim(risk);
    s.price(1_000n, 1_000n); // sample 0
    const long = s.fund(10_100n);
    const short = s.fund(1_000_000n);
    const bidder = s.fund(1_000_000n);
    s.order(short, "sell", 1_000n, 100n);
    s.order(long, "buy", 1_000n, 100n); // collateral 10 000 after the fee; maintenance 5 000
    s.order(bidder, "buy", 1_500n, 20n); // premium 500: 50%
    // samples [0, 50%]: rate 25%, payment 250 per lot; long equity 10 000 − 100·250 = −15 000
    const r = s.price(1_000n, 2_000n);
    assert.equal(s.mark(), 1_000n);
    assert.equal(s.e.global().markets[0]?.fundingIndex, -250n);
    assert.deepEqual(r.liquidationsDetected, [long]);
  });
});

describe("engine properties with funding and an impact-EMA mark", () => {
  type Step =
    | { k: "deposit"; who: number; amount: bigint }
    | { k: "order"; who: number; m: number; side: "buy" | "sell"; off: number; size: bigint; ioc: boolean }
    | { k: "price"; m: number; movePermille: number; dt: number }
    | { k: "withdraw"; who: number; amount: bigint }
    | { k: "liquidate"; who: number };
  const who = fc.integer({ min: 0, max: 4 });
  const step: fc.Arbitrary<Step> = fc.oneof(
    {
      weight: 1,
      arbitrary: fc.record({ k: fc.constant("deposit" as const), who, amount: fc.bigInt(1n, 5_000_000n) }),
    },
    {
      weight: 6,
      arbitrary: fc.record({
        k: fc.constant("order" as const),
        who,
        m: fc.integer({ min: 0, max: 1 }),
        side: fc.constantFrom("buy" as const, "sell" as const),
        off: fc.integer({ min: -3_000, max: 3_000 }),
        size: fc.bigInt(1n, 60n),
        ioc: fc.boolean(),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant("price" as const),
        m: fc.integer({ min: 0, max: 1 }),
        movePermille: fc.integer({ min: -80, max: 80 }),
        dt: fc.integer({ min: 1, max: 2_500 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ k: fc.constant("withdraw" as const), who, amount: fc.bigInt(1n, 500_000n) }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("liquidate" as const), who }) },
  );
  const risk: Risk = {
    mark: { kind: "impact-ema", impactNotional: 500_000n, alphaBps: 2_000 },
    funding: {
      policy: {
        kind: "binance",
        weighting: "linear",
        interestRate: 100_000n,
        interestClamp: 500_000n,
        cap: 50_000_000n,
      },
      sampleIntervalMs: 500n,
      periodMs: 2_000n,
    },
  };

  it("Q changes only by deposits − withdrawals and Σ size = 0 after every tx", () => {
    let funded = 0;
    let settled = 0; // runs where a holder settled against a moved index
    fc.assert(
      fc.property(fc.array(step, { minLength: 30, maxLength: 120 }), (steps) => {
        const e = new Engine(testParams({ risk, maxMakersPerOrder: 4 }, 2), { insuranceFund: 10_000_000n });
        let seq = 0n;
        let t = 1_000n;
        let q = e.conservedTotal();
        const key = (w: number) => BigInt(200 + w);
        const id = (w: number) => e.accountIdByKey(key(w), key(w)) ?? 90 + w;
        const nonce = (a: number) => (e.account(a)?.nonce ?? 0n) + 1n;
        for (let m = 0; m < 2; m++)
          e.apply({ kind: "price", marketId: m, price: 100_000n, timestampMs: t }, ++seq);
        for (let w = 0; w < 5; w++) {
          const amount = 2_000_000n * BigInt(w + 1);
          const dep = { pubKeyX: key(w), pubKeyY: key(w), amount };
          e.apply({ kind: "deposit", depositIndex: e.nextDepositIndex(), ...dep }, ++seq);
          q += amount;
        }
        for (const s of steps) {
          let tx: EngineTx;
          if (s.k === "deposit") {
            tx = {
              kind: "deposit",
              depositIndex: e.nextDepositIndex(),
              pubKeyX: key(s.who),
              pubKeyY: key(s.who),
              amount: s.amount,
            };
          } else if (s.k === "order") {
            const mark = e.global().markets[s.m]?.markPrice as bigint;
            const a = id(s.who);
            const price = mark + BigInt(s.off) > 0n ? mark + BigInt(s.off) : 1n;
            tx = {
              kind: "order",
              accountId: a,
              nonce: nonce(a),
              marketId: s.m,
              side: s.side,
              type: "limit",
              tif: s.ioc ? "IOC" : "GTC",
              price,
              size: s.size,
            };
          } else if (s.k === "price") {
            const mark = e.global().markets[s.m]?.markPrice as bigint;
            t += BigInt(s.dt);
            const p = mark + (mark * BigInt(s.movePermille)) / 1_000n;
            tx = { kind: "price", marketId: s.m, price: p > 0n ? p : 1n, timestampMs: t };
          } else if (s.k === "withdraw") {
            const a = id(s.who);
            tx = { kind: "withdrawal", accountId: a, nonce: nonce(a), amount: s.amount, l1Address: 1n };
          } else tx = { kind: "liquidation", accountId: id(s.who) };
          try {
            e.apply(tx, ++seq);
            if (tx.kind === "deposit") q += tx.amount;
            if (tx.kind === "withdrawal") q -= tx.amount;
          } catch (err) {
            if (!(err instanceof EngineError)) throw err;
          }
          assert.equal(e.conservedTotal(), q);
          for (let m = 0; m < 2; m++) {
            let sum = 0n;
            for (let i = 0; i < e.accountCount(); i++) sum += e.account(i)?.positions[m]?.size ?? 0n;
            assert.equal(sum, 0n, `Σ size = 0 in market ${m}`);
          }
          assert.deepEqual(e.selfCheck(), []);
        }
        if (e.global().markets.some((m) => m.fundingIndex !== 0n)) funded++;
        for (let i = 0; i < e.accountCount(); i++)
          if (e.account(i)?.positions.some((p) => p.fundingSnapshot !== 0n && p.size !== 0n)) {
            settled++;
            break;
          }
      }),
      { numRuns: 150 },
    );
    assert.ok(funded > 50, `funding moved an index in only ${funded} runs`);
    assert.ok(settled > 50, `a holder settled non-zero funding in only ${settled} runs`);
  });
});
