import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { EventQueue } from "../../../node/model/event-queue.ts";
import { Empirical, seededRandom } from "../../../node/model/rng.ts";

describe("model event queue", () => {
  it("pops by time, and same-time events in the order they were scheduled", () => {
    const q = new EventQueue<string>();
    q.schedule(5, "c");
    q.schedule(1, "a");
    q.schedule(5, "d");
    q.schedule(3, "b");
    q.schedule(5, "e");
    const out: string[] = [];
    for (let e = q.pop(); e; e = q.pop()) out.push(e.event);
    assert.deepEqual(out, ["a", "b", "c", "d", "e"]);
  });

  it("is a stable sort of any schedule (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
        const q = new EventQueue<number>();
        for (const [i, t] of times.entries()) q.schedule(t, i);
        const got: number[] = [];
        for (let e = q.pop(); e; e = q.pop()) got.push(e.event);
        const want = times
          .map((t, i) => ({ t, i }))
          .sort((a, b) => a.t - b.t || a.i - b.i)
          .map((x) => x.i);
        assert.deepEqual(got, want);
      }),
    );
  });

  it("refuses a time that is not finite", () => {
    assert.throws(() => new EventQueue<number>().schedule(Number.NaN, 1), RangeError);
  });

  it("the seeded source repeats for one seed and differs between seeds", () => {
    const draw = (seed: string) => {
      const r = seededRandom(seed);
      return Array.from({ length: 8 }, () => r.next());
    };
    assert.deepEqual(draw("a"), draw("a"));
    assert.notDeepEqual(draw("a"), draw("b"));
    for (const x of draw("c")) assert.ok(x >= 0 && x < 1);
    const e = new Empirical([7, 9], seededRandom("d"));
    const seen = new Set(Array.from({ length: 50 }, () => e.draw()));
    assert.deepEqual([...seen].sort(), [7, 9]);
  });
});
