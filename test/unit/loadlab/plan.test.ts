import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planTape, withExtra } from "../../../node/loadlab/plan.ts";
import { loadScenario } from "../../../node/loadlab/scenarios.ts";

describe("load lab plan", () => {
  const { tape, spike } = loadScenario({ name: "oct11", minutes: 1, seed: "plan" });

  it("folds big-deposit traders and leveraged ones onto separate accounts", () => {
    const plan = planTape(tape, 9);
    assert.equal(plan.slots.length, 9);
    const deposit = new Map<number, bigint>();
    for (const e of tape.events)
      if (e.kind === "deposit") deposit.set(e.trader, (deposit.get(e.trader) ?? 0n) + e.amount);
    const big = 100_000n * 1_000_000n;
    for (const s of plan.slots) {
      const kinds = new Set(s.traders.map((t) => (deposit.get(t) ?? 0n) >= big));
      assert.equal(kinds.size, 1, "a slot mixes a leveraged trader with a big one");
      assert.equal(
        s.deposit,
        s.traders.reduce((n, t) => n + (deposit.get(t) ?? 0n), 0n),
      );
    }
    const traders = plan.slots.flatMap((s) => s.traders);
    assert.equal(new Set(traders).size, traders.length, "each trader on one slot");
  });

  it("schedules every order, cancel and non-initial price; cancels point at earlier orders of the same slot", () => {
    const plan = planTape(tape, 9);
    const orders = tape.events.filter((e) => e.kind === "order").length;
    const prices = tape.events.filter((e) => e.kind === "price" && e.t > 0).length;
    assert.equal(plan.requests.filter((r) => r.kind === "order").length, orders);
    assert.equal(plan.requests.filter((r) => r.kind === "price").length, prices);
    for (const r of plan.requests) {
      assert.equal(plan.requests[r.i], r);
      if (r.kind !== "cancel") continue;
      const ref = plan.requests[r.ref]!;
      assert.equal(ref.kind, "order");
      assert.ok(ref.t <= r.t && ref.i < r.i);
      assert.equal(ref.kind === "order" && ref.slot, r.slot);
    }
    for (let k = 1; k < plan.requests.length; k++) assert.ok(plan.requests[k]!.t >= plan.requests[k - 1]!.t);
  });

  it("inserts probe prices in time order and keeps cancel refs on their orders", () => {
    const plan = planTape(tape, 9);
    const t = spike!.fromMs + 1_234;
    const more = withExtra(plan, [{ t, kind: "price", marketId: 1, price: 27_000_000n }]);
    assert.equal(more.requests.length, plan.requests.length + 1);
    const probe = more.requests.find((r) => r.kind === "price" && r.marketId === 1)!;
    assert.ok(more.requests.slice(0, probe.i).every((r) => r.t <= t));
    assert.ok(more.requests.slice(probe.i + 1).every((r) => r.t >= t));
    const before = plan.requests.filter((r) => r.kind === "cancel");
    const after = more.requests.filter((r) => r.kind === "cancel");
    for (const [k, c] of after.entries()) {
      const was = before[k]!;
      assert.equal(
        c.kind === "cancel" && more.requests[c.ref]!.t,
        was.kind === "cancel" && plan.requests[was.ref]!.t,
      );
    }
  });

  it("refuses an unknown scenario and a tape scenario without a file, with a typed error", () => {
    assert.throws(() => loadScenario({ name: "nope", minutes: 1, seed: "x" }), { code: "BAD_SCENARIO" });
    assert.throws(() => loadScenario({ name: "tape", minutes: 1, seed: "x" }), { code: "BAD_SCENARIO" });
    assert.throws(() => planTape(tape, 1), RangeError);
  });

  it("spike80x keeps the 80x burst but not the crash; steady has no burst", () => {
    const s = loadScenario({ name: "spike80x", minutes: 1, seed: "plan" });
    assert.ok(s.spike);
    const prices = s.tape.events
      .filter((e) => e.kind === "price")
      .map((e) => Number(e.kind === "price" && e.price));
    assert.ok(Math.min(...prices) / Math.max(...prices) > 0.95, "no crash: the index only wanders");
    const inSpike = s.tape.events.filter(
      (e) => e.kind === "order" && e.t >= s.spike!.fromMs && e.t < s.spike!.toMs,
    );
    const calm = s.tape.events.filter((e) => e.kind === "order" && e.t > 0 && e.t < s.spike!.fromMs);
    const rate = (n: number, ms: number) => n / ms;
    assert.ok(
      rate(inSpike.length, s.spike!.toMs - s.spike!.fromMs) > 20 * rate(calm.length, s.spike!.fromMs),
      "the burst is many times the calm rate",
    );
    assert.equal(loadScenario({ name: "steady", minutes: 1, seed: "plan" }).spike, undefined);
  });
});
