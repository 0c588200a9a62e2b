import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  Engine,
  EngineError,
  type EngineGenesis,
  type EngineParamsInput,
  type EngineTx,
} from "../../../sequencer/engine/index.ts";
import { ProofRuleError } from "../../../sequencer/proof/errors.ts";
import type { ProofOp } from "../../../sequencer/proof/ops.ts";
import { generateTape, SHAPES } from "../../../sequencer/sim/gen.ts";
import { POLICY_NAMES } from "../../../sequencer/sim/policies.ts";
import { runTape } from "../../../sequencer/sim/run.ts";
import type { Tape } from "../../../sequencer/sim/tape.ts";
import { Driver, testParams } from "../engine/helpers.ts";
import { concretize, type Step, step } from "../engine/random-steps.ts";
import { mergeCounts, type OpCounts, TraceCheck } from "./trace-check.ts";

/** A Driver whose every accepted tx is replayed through the proof model (unless `check` is unset). */
class TracedDriver extends Driver {
  check: TraceCheck | undefined;
  last: ProofOp[] = [];
  constructor(overrides: Partial<EngineParamsInput> = {}, markets = 1, genesis: EngineGenesis = {}) {
    super(new Engine(testParams(overrides, markets), genesis));
    this.check = new TraceCheck(this.engine, "hand case");
  }
  override apply(tx: EngineTx) {
    const r = super.apply(tx);
    this.last = r.ops;
    this.check?.applied(tx, r);
    return r;
  }
  /** Ends the batch and checks every leaf it touched against the engine. */
  endBatch() {
    this.check?.endBatch();
  }
}

const kinds = (ops: readonly ProofOp[]) => ops.map((o) => o.kind);

function expectRule(fn: () => unknown, code: string) {
  assert.throws(fn, (err: unknown) => err instanceof ProofRuleError && err.code === code, code);
}

describe("proof trace: hand cases", () => {
  it("a fill: the taker's and maker's signed terms, the price and the fees", () => {
    const d = new TracedDriver();
    const maker = d.fund(100_000n);
    const taker = d.fund(100_000n);
    d.price(0, 1_000n);
    d.order({ accountId: maker, marketId: 0, side: "sell", price: 1_000n, size: 10n });
    assert.deepEqual(d.last, [], "a resting order makes no op");
    const r = d.order({ accountId: taker, marketId: 0, side: "buy", price: 1_000n, size: 10n });
    assert.deepEqual(kinds(r.ops), ["fill"]);
    const op = r.ops[0] as Extract<ProofOp, { kind: "fill" }>;
    assert.equal(op.size, 10n);
    assert.equal(op.price, 1_000n);
    assert.equal(op.takerFee, 10n); // 10 bps of 10_000
    assert.equal(op.makerFee, 5n);
    assert.equal(op.taker.accountId, taker);
    assert.equal(op.taker.nonce, 1n);
    assert.equal(op.maker.accountId, maker);
    assert.equal(op.maker.nonce, 1n);
    assert.equal(op.maker.side, "sell");
    assert.equal(op.maker.size, 10n);
    d.endBatch();
    assert.deepEqual(d.check?.model.leaf(taker), d.engine.account(taker));
    assert.equal(d.check?.model.feePool, 15n);
  });

  it("a partial fill across two orders, then the rest of the second order", () => {
    const d = new TracedDriver();
    const m1 = d.fund(100_000n);
    const m2 = d.fund(100_000n);
    const t = d.fund(100_000n);
    d.price(0, 1_000n);
    d.order({ accountId: m1, marketId: 0, side: "sell", price: 1_000n, size: 5n });
    d.order({ accountId: m2, marketId: 0, side: "sell", price: 1_001n, size: 5n });
    const r = d.order({ accountId: t, marketId: 0, side: "buy", price: 1_001n, size: 8n });
    assert.deepEqual(kinds(r.ops), ["fill", "fill"]);
    assert.deepEqual(
      r.ops.map((o) => (o.kind === "fill" ? [o.size, o.price] : [])),
      [
        [5n, 1_000n],
        [3n, 1_001n],
      ],
    );
    d.price(0, 1_000n); // a new batch: the second order's slot carries its fill over
    const r2 = d.order({ accountId: t, marketId: 0, side: "buy", price: 1_001n, size: 2n });
    assert.deepEqual(kinds(r2.ops), ["fill"]);
    assert.equal(d.check?.model.orderSlots(m2).get(1)?.filled, 5n);
    d.endBatch();
    for (const id of [m1, m2, t]) assert.deepEqual(d.check?.model.leaf(id), d.engine.account(id));
  });

  it("a market order never fills across its signed price, and reports it (0: no proven limit)", () => {
    const d = new TracedDriver();
    const mk = d.fund(1_000_000n);
    const t = d.fund(1_000_000n);
    d.price(0, 1_000n);
    d.order({ accountId: mk, marketId: 0, side: "sell", price: 1_001n, size: 5n });
    d.order({ accountId: mk, marketId: 0, side: "sell", price: 1_003n, size: 5n });
    const r = d.order({
      accountId: t,
      marketId: 0,
      side: "buy",
      type: "market",
      tif: "IOC",
      price: 1_002n,
      size: 10n,
    });
    assert.deepEqual(
      r.ops.map((o) => (o.kind === "fill" ? [o.price, o.size, o.taker.price, o.taker.type] : o.kind)),
      [[1_001n, 5n, 1_002n, "market"]],
    );
    const r2 = d.order({
      accountId: t,
      marketId: 0,
      side: "buy",
      type: "market",
      tif: "IOC",
      price: 0n,
      size: 5n,
    });
    assert.deepEqual(
      r2.ops.map((o) => (o.kind === "fill" ? [o.price, o.taker.price] : o.kind)),
      [[1_003n, 0n]],
    );
    d.endBatch();
  });

  it("a withdrawal, after the funding it owes is settled", () => {
    const d = new TracedDriver();
    const a = d.fund(10_000n);
    const r = d.withdraw(a, 4_000n);
    assert.deepEqual(kinds(r.ops), ["withdrawal"]);
    d.endBatch();
    assert.deepEqual(d.check?.model.leaf(a), d.engine.account(a));
    assert.equal(d.check?.model.leaf(a).collateral, 6_000n);
  });

  it("a transfer opening an isolated sub-account gives the empty leaf the sender's key", () => {
    const d = new TracedDriver({}, 2);
    const a = d.fund(10_000n);
    const r = d.transfer(a, 3_000n, { isolatedMarket: 1 });
    const sub = r.transfer?.to as number;
    assert.deepEqual(r.ops, [
      { kind: "transfer", from: a, to: sub, nonce: 1n, amount: 3_000n, toField: 0n, isolatedField: 2n },
    ]);
    const r2 = d.transfer(sub, 1_000n, { to: a });
    assert.deepEqual(r2.ops, [
      {
        kind: "transfer",
        from: sub,
        to: a,
        nonce: 1n,
        amount: 1_000n,
        toField: BigInt(a) + 1n,
        isolatedField: 0n,
      },
    ]);
    d.endBatch();
    assert.deepEqual(d.check?.model.leaf(sub), d.engine.account(sub));
    assert.deepEqual(d.check?.model.leaf(a), d.engine.account(a));
  });

  it("deposits to a new key and to an existing one", () => {
    const d = new TracedDriver();
    const a = d.fund(5_000n, 42n);
    const r = d.apply({ kind: "deposit", depositIndex: 1n, pubKeyX: 42n, pubKeyY: 43n, amount: 7n });
    assert.equal(r.deposit?.accountId, a);
    assert.deepEqual(r.ops, [
      { kind: "deposit", accountId: a, depositIndex: 1n, pubKeyX: 42n, pubKeyY: 43n, amount: 7n },
    ]);
    d.endBatch();
    assert.deepEqual(d.check?.model.leaf(a), d.engine.account(a));
    assert.equal(d.check?.model.nextDepositIndex, 2n);
  });
});

describe("proof trace: tampered ops are refused by the model", () => {
  /** A maker resting 10 @ 1_000 and the taker's fill op, with the model left before the fill. */
  function beforeFill() {
    const d = new TracedDriver();
    const maker = d.fund(100_000n);
    const taker = d.fund(100_000n);
    d.price(0, 1_000n);
    d.order({ accountId: maker, marketId: 0, side: "sell", price: 1_000n, size: 10n });
    const check = d.check as TraceCheck;
    d.check = undefined;
    const r = d.order({ accountId: taker, marketId: 0, side: "buy", price: 1_010n, size: 10n });
    const op = r.ops[0] as Extract<ProofOp, { kind: "fill" }>;
    return { model: check.model, op };
  }

  it("the honest op replays", () => {
    const { model, op } = beforeFill();
    model.apply(op);
  });

  it("a fill below the maker's signed limit: FILL_OUTSIDE_LIMIT", () => {
    const { model, op } = beforeFill();
    expectRule(() => model.apply({ ...op, price: 999n }), "FILL_OUTSIDE_LIMIT");
  });

  it("a fill above the taker's signed limit: FILL_OUTSIDE_LIMIT", () => {
    const { model, op } = beforeFill();
    const maker = { ...op.maker, price: 1_000n };
    expectRule(() => model.apply({ ...op, maker, price: 1_020n }), "FILL_OUTSIDE_LIMIT");
  });

  it("a fee above the signed cap: FEE_ABOVE_CAP", () => {
    const { model, op } = beforeFill();
    const taker = { ...op.taker, maxFeeBps: 10 };
    expectRule(() => model.apply({ ...op, taker, takerFee: 11n }), "FEE_ABOVE_CAP");
  });

  it("more than the order's signed size: ORDER_OVERFILLED", () => {
    const { model, op } = beforeFill();
    expectRule(() => model.apply({ ...op, size: 11n }), "ORDER_OVERFILLED");
  });

  it("an order filled in a batch after its expiry: ORDER_EXPIRED", () => {
    const { model, op } = beforeFill();
    expectRule(() => model.apply({ ...op, maker: { ...op.maker, expiryMs: 1n } }), "ORDER_EXPIRED");
  });
});

describe("proof trace: tampered liquidation ops are refused by the model", () => {
  /**
   * The victim is long 90 @ 1_000 with equity −890 at 880 (liquidation.test.ts); the model is left
   * before its liquidation, whose ops are returned. `vault`: the backstop can take it over; else ADL.
   */
  function beforeLiquidation(vault: boolean) {
    const d = new TracedDriver({}, 1, { insuranceFund: 1_000n });
    if (vault) d.apply({ kind: "deposit", depositIndex: 0n, pubKeyX: 7n, pubKeyY: 7n, amount: 1_000_000n });
    const victim = d.fund(10_000n);
    const shorter = d.fund(10_000_000n);
    d.price(0, 1_000n);
    d.order({ accountId: shorter, marketId: 0, side: "sell", price: 1_000n, size: 90n });
    d.order({ accountId: victim, marketId: 0, side: "buy", price: 1_000n, size: 90n });
    d.price(0, 880n);
    const check = d.check as TraceCheck;
    d.check = undefined;
    const r = d.apply({ kind: "liquidation", accountId: victim });
    return { model: check.model, ops: r.ops, victim };
  }

  /** Applies the ops, the one of `kind` changed by `tamper`, and expects the rule `code`. */
  function replayTampered(
    x: ReturnType<typeof beforeLiquidation>,
    label: string,
    tamper: (op: ProofOp) => ProofOp,
    code: string,
  ) {
    const i = x.ops.findIndex((o) => o.kind === "liquidation-fill" || o.kind === label);
    assert.ok(i >= 0, `the liquidation made a ${label} op`);
    for (const op of x.ops.slice(0, i)) x.model.apply(op);
    expectRule(() => x.model.apply(tamper(x.ops[i] as ProofOp)), code);
  }

  it("the honest vault takeover and ADL replay", () => {
    for (const vault of [true, false]) {
      const x = beforeLiquidation(vault);
      assert.ok(x.ops.some((o) => o.kind === "liquidation-fill" && o.tier === (vault ? "vault" : "adl")));
      for (const op of x.ops) x.model.apply(op);
    }
  });

  it("a takeover away from the mark: VAULT_NOT_AT_MARK", () => {
    const x = beforeLiquidation(true);
    replayTampered(x, "liquidation-fill", (op) => ({ ...op, price: 879n }) as ProofOp, "VAULT_NOT_AT_MARK");
  });

  it("an ADL fill one tick in the account's favour: ADL_NOT_BANKRUPTCY_PRICE", () => {
    const x = beforeLiquidation(false);
    // 889 leaves equity −890 + 90·9 = −80; 890 would leave +10 to the bankrupt account.
    replayTampered(
      x,
      "liquidation-fill",
      (op) => ({ ...op, price: 890n }) as ProofOp,
      "ADL_NOT_BANKRUPTCY_PRICE",
    );
  });

  it("a liquidation fill that flips the position: LIQUIDATION_GROWS", () => {
    const x = beforeLiquidation(true);
    replayTampered(x, "liquidation-fill", (op) => ({ ...op, size: -91n }) as ProofOp, "LIQUIDATION_GROWS");
  });

  it("a penalty above the cap: PENALTY_ABOVE_CAP", () => {
    const x = beforeLiquidation(true);
    for (const op of x.ops) x.model.apply(op);
    // The vault closed 90 @ 880 = 79_200: the cap is 1% of it, 792, and the account paid none.
    expectRule(
      () => x.model.apply({ kind: "penalty", accountId: x.victim, amount: 793n }),
      "PENALTY_ABOVE_CAP",
    );
  });
});

/** What the property runs reached over all runs, so a generator that stops reaching a path fails. */
const reached: OpCounts = new Map();

/**
 * Random txs (the engine property generators) with funding paid on nearly every price, traced. With
 * `vault` the backstop has capital (takeovers), without it bankrupt accounts go to ADL. With 2 slot
 * bits an account's orders share its 4 order-fill slots, so the engine's slot cancels are exercised.
 */
function traceRandom(steps: Step[], vault: boolean, orderSlotBits: number): void {
  const e = new Engine(
    testParams(
      {
        maxMakersPerOrder: 3,
        orderSlotBits,
        risk: {
          funding: {
            policy: {
              kind: "binance",
              weighting: "equal",
              interestRate: 2_000_000n,
              interestClamp: 5_000_000n,
              cap: 50_000_000n,
            },
            sampleIntervalMs: 1n,
            periodMs: 3n,
          },
        },
      },
      2,
    ),
    { insuranceFund: 50_000n, backstopCollateral: vault ? 300_000n : 0n },
  );
  const check = new TraceCheck(e, "random txs");
  let seq = 0n;
  const applyOne = (tx: EngineTx) => {
    seq += 1n;
    let detected: number[] = [];
    try {
      const r = e.apply(tx, seq);
      check.applied(tx, r);
      detected = r.liquidationsDetected;
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
    }
    for (const id of detected) applyOne({ kind: "liquidation", accountId: id });
  };
  const prelude: Step[] = [
    ...[0, 1, 2, 3, 4, 5].map((w): Step => ({ k: "deposit", who: w, amount: 5_000n + BigInt(w) * 5_000n })),
    { k: "price", m: 0, movePermille: 0 },
    { k: "price", m: 1, movePermille: 0 },
  ];
  for (const s of [...prelude, ...steps]) {
    const tx = concretize(e, s, seq + 1n, seq + 1n);
    if (tx) applyOne(tx);
  }
  check.endBatch();
  mergeCounts(reached, check.counts);
}

describe("proof trace: properties", () => {
  it("random txs replay through the model onto the engine's state, batch by batch", () => {
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 20, maxLength: 100, size: "max" }),
        fc.boolean(),
        fc.constantFrom(2, 8),
        (steps, vault, slotBits) => {
          traceRandom(steps, vault, slotBits);
        },
      ),
      { numRuns: 300 },
    );
    // Liquidations are rarer here (about one run in a hundred closes on the book); the tapes below,
    // deterministic by seed, must reach every liquidation path.
    for (const k of ["fill", "settle", "transfer", "withdrawal", "price"])
      assert.ok((reached.get(k) ?? 0) > 0, `random txs reached ${k}: ${JSON.stringify([...reached])}`);
  });

  for (const policy of POLICY_NAMES) {
    it(`${policy}: generated tapes replay through the model onto the engine's state`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 1_000_000 }),
          fc.constantFrom(...SHAPES),
          fc.constantFrom(0, 0.5),
          async (seed, shape, share) => {
            const isolatedShare = shape === "jelly" ? 0 : share;
            const tape =
              shape === "crash"
                ? generateTape({ shape, seed: String(seed), minutes: 1, orderMultiplier: 10, isolatedShare })
                : generateTape({ shape, seed: String(seed), minutes: 1.5, isolatedShare });
            await traceTape(tape, policy, `${shape}/${seed}/${policy}`);
          },
        ),
        { numRuns: 3 },
      );
    });
  }

  it("a tape long enough to pay funding (hourly) replays its settles under hyperliquid and dydx", async () => {
    const tape = generateTape({
      shape: "crash",
      seed: "4",
      minutes: 70,
      orderMultiplier: 1,
      isolatedShare: 0.5,
    });
    const before = reached.get("settle") ?? 0;
    for (const policy of ["hyperliquid", "dydx"]) await traceTape(tape, policy, `funding/${policy}`);
    assert.ok((reached.get("settle") ?? 0) > before, "funding was settled on the tape");
  });

  it("an extreme crash reaches the vault, ADL, penalties and covers, and every op replays", async () => {
    const tape = generateTape({
      shape: "crash",
      seed: "3",
      minutes: 10,
      severity: "extreme",
      orderMultiplier: 1,
    });
    for (const policy of ["hyperliquid", "simple"]) await traceTape(tape, policy, `extreme/${policy}`);
    for (const k of [
      "liquidation-fill:on-book",
      "liquidation-fill:vault",
      "liquidation-fill:adl",
      "penalty",
      "cover",
    ])
      assert.ok((reached.get(k) ?? 0) > 0, `the runs reached ${k}: ${JSON.stringify([...reached])}`);
  });
});

async function traceTape(tape: Tape, policy: string, label: string): Promise<void> {
  let check: TraceCheck | undefined;
  await runTape(tape, policy, {
    onStart: (engine) => {
      check = new TraceCheck(engine, label);
    },
    onApplied: (_engine, tx, r) => check?.applied(tx, r),
  });
  check?.endBatch();
  if (check) mergeCounts(reached, check.counts);
}
