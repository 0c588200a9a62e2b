import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseFaults, scheduleFaults } from "../../../node/chaos/plan.ts";

describe("chaos schedule", () => {
  it("is a pure function of the seed, in the given order, inside the run", () => {
    const kinds = parseFaults("kill-leader,restart-redis,kill-prover");
    const a = scheduleFaults(kinds, 300_000, "s1");
    assert.deepEqual(scheduleFaults(kinds, 300_000, "s1"), a);
    assert.notDeepEqual(scheduleFaults(kinds, 300_000, "s2"), a);
    assert.deepEqual(
      a.map((f) => f.kind),
      kinds,
    );
    for (let i = 1; i < a.length; i++) assert.ok(a[i]!.atMs > a[i - 1]!.atMs);
    assert.ok(a[0]!.atMs >= 15_000, "after the warm-up");
    assert.ok(a.at(-1)!.atMs <= 300_000 - 20_000, "before the quiet tail");
  });

  it("refuses unknown or empty fault lists with a typed error", () => {
    assert.throws(() => parseFaults("kill-leader,unplug-cable"), {
      code: "CHAOS_PLAN",
      message: /unplug-cable/,
    });
    assert.throws(() => parseFaults(""), { code: "CHAOS_PLAN" });
    assert.throws(() => scheduleFaults(["kill-leader"], 10, "s", 10, 10), { code: "CHAOS_PLAN" });
  });
});
