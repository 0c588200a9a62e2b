import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generateTape } from "../../../sequencer/sim/gen.ts";
import { parseTape, serializeTape, type Tape } from "../../../sequencer/sim/tape.ts";

const prices = (tape: Tape) =>
  tape.events.flatMap((e) => (e.kind === "price" ? [{ t: e.t, p: e.price }] : []));
const ordersIn = (tape: Tape, from: number, to: number) =>
  tape.events.filter((e) => e.kind === "order" && e.t >= from && e.t < to).length;

describe("gen-tape", () => {
  for (const shape of ["calm", "crash", "jelly"] as const) {
    it(`${shape}: same seed → byte-identical tape; another seed differs; the tape parses`, () => {
      const a = serializeTape(generateTape({ shape, seed: "11", minutes: 2 }));
      const b = serializeTape(generateTape({ shape, seed: "11", minutes: 2 }));
      const c = serializeTape(generateTape({ shape, seed: "12", minutes: 2 }));
      assert.equal(a, b);
      assert.notEqual(a, c);
      const tape = parseTape(a);
      assert.equal(tape.header.shape, shape);
      assert.ok(tape.events.some((e) => e.kind === "order"));
    });
  }

  it("crash: the index falls ≥ 12% and the crash window's order rate is ≥ 40× the calm rate", () => {
    const tape = generateTape({ shape: "crash", seed: "3", minutes: 4 });
    const { crashStartMs, crashEndMs } = tape.header.params as { crashStartMs: number; crashEndMs: number };
    const ps = prices(tape);
    const before = ps.filter((x) => x.t < crashStartMs).at(-1)?.p as bigint;
    const low = ps
      .filter((x) => x.t >= crashStartMs && x.t < crashEndMs)
      .reduce((m, x) => (x.p < m ? x.p : m), before);
    const fallBps = Number(((before - low) * 10_000n) / before);
    assert.ok(fallBps >= 1_200, `index fell ${fallBps} bp`);
    const calm = ordersIn(tape, 0, crashStartMs) / crashStartMs;
    const crash = ordersIn(tape, crashStartMs, crashEndMs) / (crashEndMs - crashStartMs);
    assert.ok(crash >= 40 * calm, `crash rate ${crash * 1000}/s vs calm ${calm * 1000}/s`);
  });

  it("jelly: the attacker's short rests and the linked accounts lift it; the index then rises", () => {
    const tape = generateTape({ shape: "jelly", seed: "3", minutes: 4 });
    const p = tape.header.params as {
      attacker: number;
      linked: number[];
      shortLots: number;
      squeezeMs: number;
    };
    const sells = tape.events.filter(
      (e) => e.kind === "order" && e.trader === p.attacker && e.side === "sell",
    );
    assert.equal(sells.length, 1);
    assert.equal(sells[0]?.kind === "order" && sells[0].size, BigInt(p.shortLots));
    const ps = prices(tape);
    const start = ps.filter((x) => x.t <= p.squeezeMs).at(-1)?.p as bigint;
    const peak = ps.reduce((m, x) => (x.p > m ? x.p : m), 0n);
    assert.ok(peak > (start * 3n) / 2n, "the squeeze at least +50%");
  });

  it("refuses an unknown shape or a bad length", () => {
    assert.throws(() => generateTape({ shape: "moon" as "calm", seed: "1", minutes: 1 }), /unknown shape/);
    assert.throws(() => generateTape({ shape: "calm", seed: "1", minutes: 0 }), /minutes/);
  });
});
