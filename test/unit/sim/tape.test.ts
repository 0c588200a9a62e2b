import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseTape, serializeTape, TapeError } from "../../../sequencer/sim/tape.ts";

const header = {
  format: "zk-perps-tape",
  version: 1,
  seed: "7",
  shape: "calm",
  markets: 1,
  startMs: "1760000000000",
  durationMs: 10_000,
  traders: 2,
  initialPrices: ["60000000"],
};
const good = [
  { t: 0, kind: "price", marketId: 0, price: "60000000" },
  { t: 0, kind: "deposit", trader: 0, amount: "100000000000" },
  {
    t: 5,
    kind: "order",
    trader: 0,
    marketId: 0,
    side: "buy",
    type: "limit",
    tif: "GTC",
    price: "59990000",
    size: "20",
  },
  {
    t: 7,
    kind: "order",
    trader: 1,
    marketId: 0,
    side: "sell",
    type: "market",
    tif: "IOC",
    price: "0",
    size: 3,
  },
  { t: 900, kind: "cancel", trader: 0, ref: 2 },
  { t: 1000, kind: "price", marketId: 0, price: "60010000" },
];
const text = (h: unknown, evs: unknown[]) => `${[h, ...evs].map((x) => JSON.stringify(x)).join("\n")}\n`;

function badLine(evs: unknown[], h: unknown = header): TapeError {
  try {
    parseTape(text(h, evs));
  } catch (e) {
    assert.ok(e instanceof TapeError, `expected a TapeError, got ${String(e)}`);
    return e;
  }
  assert.fail("expected the tape to be refused");
}

describe("sim tape", () => {
  it("parses a good tape into bigints and round-trips byte for byte", () => {
    const tape = parseTape(text(header, good));
    assert.equal(tape.header.startMs, 1_760_000_000_000n);
    assert.equal(tape.events.length, 6);
    const o = tape.events[2];
    assert.ok(o?.kind === "order");
    assert.equal(o.price, 59_990_000n);
    assert.equal(o.size, 20n);
    const m = tape.events[3];
    assert.ok(m?.kind === "order" && m.size === 3n, "a safe JSON integer is accepted for a bigint field");
    const again = serializeTape(tape);
    assert.deepEqual(parseTape(again), tape);
    assert.equal(serializeTape(parseTape(again)), again);
  });

  it("names the line of a bad event", () => {
    const e = badLine([good[0], good[1], { ...good[2], side: "long" }]);
    assert.equal(e.line, 4);
    assert.match(e.message, /tape line 4: bad event: side/);
  });

  it("refuses a bad header on line 1", () => {
    assert.equal(badLine(good, { ...header, format: "other" }).line, 1);
    assert.equal(badLine(good, { ...header, initialPrices: ["1", "2"] }).line, 1);
    assert.match(badLine(good, { ...header, extra: 1 }).message, /line 1: bad header/);
  });

  it("refuses structural errors with the line number", () => {
    const notJson = text(header, good).replace('"kind":"deposit"', '"kind":"deposit",,');
    assert.throws(
      () => parseTape(notJson),
      (e: unknown) => e instanceof TapeError && e.line === 3,
    );
    assert.equal(badLine([good[0], { ...good[1], t: -1 }]).line, 3);
    assert.equal(
      badLine([
        { ...good[0], t: 5 },
        { ...good[1], t: 4 },
      ]).line,
      3,
    );
    assert.match(badLine([good[0], { ...good[5], t: 0 }]).message, /line 3: price of market 0/);
    assert.equal(badLine([good[0], good[1], good[2], { ...good[4], ref: 3 }]).line, 5); // ref to itself
    assert.equal(badLine([good[0], good[1], good[2], { ...good[4], trader: 1 }]).line, 5); // other trader
    assert.equal(badLine([good[0], good[1], good[2], { ...good[4], ref: 1 }]).line, 5); // not an order
    assert.equal(badLine([good[0], { ...good[2], marketId: 1 }]).line, 3); // header has one market
    assert.equal(badLine([good[0], { ...good[2], price: "0" }]).line, 3); // limit without price
    assert.equal(badLine([good[0], { ...good[1], amount: "1.5" }]).line, 3);
    assert.throws(() => parseTape(""), TapeError);
  });
});
