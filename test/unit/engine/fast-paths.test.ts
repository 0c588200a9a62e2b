import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  type ApplyLimits,
  type ApplyResult,
  Engine,
  EngineError,
  type EngineTx,
} from "../../../sequencer/engine/index.ts";
import { snapshot, testParams } from "./helpers.ts";
import { concretize, keyOf, type Step, step } from "./random-steps.ts";

/**
 * `Engine.apply` takes direct paths for some txs (a cancel: `cancelDirect`) instead of the general flow
 * through a TxContext. Random streams run through an engine with them and one without, in lockstep:
 * every tx must give the same result or the same error (class, code, message, details), and the two
 * engines the same state. Besides the random steps' cancels (live orders, a missing id), raw cancels
 * aim at other accounts' orders, filled or cancelled ids, bad nonces, unknown markets and accounts,
 * under batch limits that are sometimes full.
 */
type Raw = {
  k: "raw-cancel";
  who: number;
  /** Index into every order id ever placed (live or not), or past it for one never placed. */
  pick: number;
  nonceDelta: -1n | 0n | 1n;
  market: number;
  account: "own" | "missing" | "fractional";
  /** Apply it under a batch limit that has no room for another account. */
  full: boolean;
};

const raw: fc.Arbitrary<Raw> = fc.record({
  k: fc.constant("raw-cancel" as const),
  who: fc.integer({ min: 0, max: 5 }),
  pick: fc.nat(40),
  nonceDelta: fc.constantFrom(0n as const, 0n as const, 0n as const, -1n as const, 1n as const),
  market: fc.constantFrom(0, 0, 1, 7),
  account: fc.constantFrom(
    "own" as const,
    "own" as const,
    "own" as const,
    "missing" as const,
    "fractional" as const,
  ),
  full: fc.boolean(),
});

type Outcome = { ok: ApplyResult } | { err: EngineError };

function attempt(e: Engine, tx: EngineTx, seq: bigint, limits: ApplyLimits | undefined): Outcome {
  try {
    return { ok: e.apply(tx, seq, limits) };
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
    return { err };
  }
}

const reached = new Map<string, number>();

function run(steps: (Step | Raw)[]): void {
  const make = (fastPaths: boolean) =>
    new Engine(testParams({ maxMakersPerOrder: 3 }, 2), { insuranceFund: 50_000n }, { fastPaths });
  const fast = make(true);
  const general = make(false);
  let seq = 0n;
  let limits: ApplyLimits | undefined;
  const placed: bigint[] = [];
  const applyBoth = (tx: EngineTx, txLimits = limits) => {
    seq += 1n;
    const a = attempt(fast, tx, seq, txLimits);
    const b = attempt(general, tx, seq, txLimits);
    if ("ok" in a && "ok" in b) {
      assert.deepEqual(a.ok, b.ok, `${tx.kind}: same result`);
      if (a.ok.status === "resting" && a.ok.orderId !== undefined) placed.push(a.ok.orderId);
      for (const f of a.ok.fills) placed.push(f.makerOrderId);
      reached.set(`${tx.kind}:ok`, (reached.get(`${tx.kind}:ok`) ?? 0) + 1);
    } else if ("err" in a && "err" in b) {
      assert.equal(a.err.constructor, b.err.constructor, `${tx.kind}: same error class`);
      assert.equal(a.err.code, b.err.code);
      assert.equal(a.err.message, b.err.message);
      assert.deepEqual(a.err.details, b.err.details);
      reached.set(`${tx.kind}:${a.err.code}`, (reached.get(`${tx.kind}:${a.err.code}`) ?? 0) + 1);
    } else {
      assert.fail(
        `${tx.kind}: one engine accepted, the other refused: ${JSON.stringify(["ok" in a, "ok" in b])}`,
      );
    }
    assert.deepEqual(snapshot(fast), snapshot(general), `${tx.kind}: same state`);
    if ("ok" in a)
      for (const id of a.ok.liquidationsDetected) applyBoth({ kind: "liquidation", accountId: id });
  };
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
    if (s.k === "raw-cancel") {
      const own = fast.accountIdByKey(keyOf(s.who), keyOf(s.who));
      const accountId = s.account === "missing" ? 999 : s.account === "fractional" ? 1.5 : (own ?? 1 + s.who);
      const nonce = (fast.account(accountId)?.nonce ?? 0n) + 1n + s.nonceDelta;
      // A third of them name one of the sender's own live orders, the rest any id ever seen (or none).
      const mine = fast.openOrders(accountId);
      const live = s.pick % 3 === 0 ? mine[s.pick % Math.max(1, mine.length)] : undefined;
      const orderId = live?.orderId ?? placed[s.pick] ?? 100_000n + BigInt(s.pick);
      const marketId = live && s.market === 0 ? live.marketId : s.market;
      const full: ApplyLimits = { touchedInBatch: new Set([998]), maxTouched: 1 };
      applyBoth(
        { kind: "cancel", accountId, nonce, marketId, orderId },
        s.full && s.pick % 2 === 0 ? full : limits,
      );
      continue;
    }
    const tx = concretize(fast, s, seq + 1n, seq + 1n);
    if (tx) applyBoth(tx);
  }
  assert.deepEqual(fast.selfCheck(), []);
}

describe("engine fast paths", () => {
  it("give the same results, errors and state as the general flow", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 3, arbitrary: step }, { weight: 2, arbitrary: raw }), {
          minLength: 20,
          maxLength: 80,
          size: "max",
        }),
        (steps) => run(steps),
      ),
      { numRuns: 150, seed: 10 },
    );
    for (const path of [
      "cancel:ok",
      "cancel:UNKNOWN_ORDER",
      "cancel:BAD_NONCE",
      "cancel:UNKNOWN_MARKET",
      "cancel:UNKNOWN_ACCOUNT",
      "cancel:BATCH_CAPACITY",
    ])
      assert.ok((reached.get(path) ?? 0) > 0, `reached ${path}: ${JSON.stringify([...reached])}`);
  });
});
