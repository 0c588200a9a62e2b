import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  type AdlCandidate,
  AdlError,
  adlScore,
  type DeficitPosition,
  planAdl,
  rankAdl,
} from "../../../sequencer/risk/adl.ts";

const MARK = 1_000_000n;
// Shorts at mark 1,000,000. Score = PnL% × leverage (profit) or PnL% / leverage (loss),
// PnL% = uPnL/|entry|, leverage = |size·mark| / equity.
const A: AdlCandidate = { accountId: 10, size: -2n, entryNotional: -2_400_000n, equity: 400_000n }; // 1/6 × 5 = 0.833
const B: AdlCandidate = { accountId: 11, size: -3n, entryNotional: -3_300_000n, equity: 300_000n }; // 1/11 × 10 = 0.909
const C: AdlCandidate = { accountId: 12, size: -4n, entryNotional: -3_600_000n, equity: 2_000_000n }; // −1/9 / 2 = −0.056
const D: AdlCandidate = { accountId: 13, size: -1n, entryNotional: -1_000_000n, equity: 100_000n }; // 0
const F: AdlCandidate = { accountId: 9, size: -1n, entryNotional: -1_200_000n, equity: 200_000n }; // 1/6 × 5 = 0.833
const LONG: AdlCandidate = { accountId: 14, size: 5n, entryNotional: 5_000_000n, equity: 1_000_000n };
const ALL = [A, B, C, D, F, LONG];
const deficit: DeficitPosition = { accountId: 1, size: 6n, bankruptcyPrice: 950_000n, mark: MARK };

describe("ADL ranking", () => {
  it("scores a profitable short as PnL% × effective leverage, as an exact fraction", () => {
    // uPnL 400,000 · value 2,000,000 / (entry 2,400,000 · equity 400,000) = 5/6
    const s = adlScore(A, MARK);
    assert.equal(s.num * 6n, s.den * 5n);
  });

  it("ranks highest first, equal scores by ascending account id", () => {
    assert.deepEqual(
      rankAdl([A, B, C, D, F], MARK).map((c) => c.accountId),
      [11, 9, 10, 13, 12],
    );
  });

  it("divides a loss by the leverage, so the more leveraged of two equal losses ranks first", () => {
    const low: AdlCandidate = { accountId: 20, size: -1n, entryNotional: -900_000n, equity: 500_000n }; // −1/9 / 2
    const high: AdlCandidate = { accountId: 21, size: -1n, entryNotional: -900_000n, equity: 100_000n }; // −1/9 / 10
    assert.deepEqual(
      rankAdl([low, high], MARK).map((c) => c.accountId),
      [21, 20],
    );
  });

  it("refuses a candidate without positive equity", () => {
    assert.throws(
      () => adlScore({ ...A, equity: 0n }, MARK),
      (e) => e instanceof AdlError && e.code === "BAD_ADL_CANDIDATE",
    );
  });
});

describe("ADL plan", () => {
  it("fills the ranked opposite side at the bankruptcy price, never more than a position", () => {
    const plan = planAdl(deficit, ALL, { kind: "ranked" });
    assert.deepEqual(plan, {
      fills: [
        { accountId: 11, size: 3n, price: 950_000n },
        { accountId: 9, size: 1n, price: 950_000n },
        { accountId: 10, size: 2n, price: 950_000n },
      ],
      remaining: 0n,
    });
  });

  it("closes a bankrupt short against longs only, with sells", () => {
    const plan = planAdl({ ...deficit, size: -3n }, ALL, { kind: "ranked" });
    assert.deepEqual(plan.fills, [{ accountId: 14, size: -3n, price: 950_000n }]);
  });

  it("starts the dYdX walk at floor(rng·n) in id order and wraps around", () => {
    // Shorts by id: [9, 10, 11, 12, 13]; rng 0.5 → offset 2 → 11 (3 lots), 12 (3 of 4).
    const half = planAdl(deficit, ALL, { kind: "random-start" }, () => 0.5);
    assert.deepEqual(
      half.fills.map((f) => [f.accountId, f.size]),
      [
        [11, 3n],
        [12, 3n],
      ],
    );
    // rng 0.99 → offset 4 → 13 (1), 9 (1), 10 (2), 11 (2 of 3).
    const late = planAdl(deficit, ALL, { kind: "random-start" }, () => 0.99);
    assert.deepEqual(
      late.fills.map((f) => [f.accountId, f.size]),
      [
        [13, 1n],
        [9, 1n],
        [10, 2n],
        [11, 2n],
      ],
    );
  });

  it("reports what the opposite side could not take, and stops at maxCandidates", () => {
    assert.equal(planAdl({ ...deficit, size: 20n }, ALL, { kind: "ranked" }).remaining, 9n); // shorts hold 11
    assert.equal(planAdl(deficit, ALL, { kind: "ranked", maxCandidates: 1 }).remaining, 3n);
  });

  it("needs an rng in [0, 1) for the random start", () => {
    const bad = (e: unknown) => e instanceof AdlError && e.code === "BAD_ADL_INPUT";
    assert.throws(() => planAdl(deficit, ALL, { kind: "random-start" }), bad);
    assert.throws(() => planAdl(deficit, ALL, { kind: "random-start" }, () => 1), bad);
  });

  it("fills exactly the deficit and keeps Σ size = 0 over zero-sum positions (property)", () => {
    const sizes = fc.array(fc.bigInt({ min: -50n, max: 50n }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(
        sizes,
        fc.nat(),
        fc.boolean(),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (raw, pick, ranked, u) => {
          const positions = [...raw, -raw.reduce((s, x) => s + x, 0n)]; // zero-sum
          const open = positions.map((size, id) => ({ id, size })).filter((p) => p.size !== 0n);
          if (open.length === 0) return;
          const bankrupt = open[pick % open.length] as { id: number; size: bigint };
          const candidates: AdlCandidate[] = open
            .filter((p) => p.id !== bankrupt.id)
            .map((p) => ({
              accountId: p.id,
              size: p.size,
              entryNotional: p.size * 900_000n,
              equity: 1n + BigInt(p.id),
            }));
          const plan = planAdl(
            { accountId: bankrupt.id, size: bankrupt.size, bankruptcyPrice: 1n, mark: MARK },
            candidates,
            ranked ? { kind: "ranked" } : { kind: "random-start" },
            () => u,
          );
          assert.equal(plan.remaining, 0n);
          assert.equal(
            plan.fills.reduce((s, f) => s + f.size, 0n),
            bankrupt.size,
          );
          const after = [...positions];
          after[bankrupt.id] = (after[bankrupt.id] as bigint) - bankrupt.size;
          for (const f of plan.fills) {
            const before = after[f.accountId] as bigint;
            after[f.accountId] = before + f.size;
            const now = after[f.accountId] as bigint;
            assert.ok(now === 0n || now > 0n === before > 0n, "a fill reduces, never flips");
          }
          assert.equal(
            after.reduce((s, x) => s + x, 0n),
            0n,
          );
        },
      ),
    );
  });
});
