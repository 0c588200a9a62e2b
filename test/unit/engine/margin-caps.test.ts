import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EngineError } from "../../../sequencer/engine/index.ts";
import type { MarketParams } from "../../../sequencer/engine/params.ts";
import type { AccountLeaf, MarketState } from "../../../sequencer/engine/types.ts";
import {
  fractionRequirement,
  initialRequirement,
  oiScaledImf,
  oiScaledInitialRequirement,
  worstCaseInitialRequirement,
} from "../../../sequencer/risk/margin.ts";
import { Driver, snapshot } from "./helpers.ts";

function rejects(fn: () => unknown, code: string) {
  assert.throws(fn, (err: unknown) => err instanceof EngineError && err.code === code);
}

const ratio = (f: { num: bigint; den: bigint }) => Number(f.num) / Number(f.den);

describe("OI-scaled IMF (dYdX v4)", () => {
  // dYdX's own example: base 10%, caps $1M / $2M
  const caps = { lowerCapNotional: 1_000_000n, upperCapNotional: 2_000_000n };

  it("is the base IMF up to the lower cap, linear between the caps and 100% from the upper cap", () => {
    assert.deepEqual(oiScaledImf(1_000, 0n, caps), { num: 1_000n, den: 10_000n });
    assert.deepEqual(oiScaledImf(1_000, 1_000_000n, caps), { num: 1_000n, den: 10_000n });
    // 10% + 90%·(500 000 / 1 000 000) = 55%
    assert.equal(ratio(oiScaledImf(1_000, 1_500_000n, caps)), 0.55);
    // 10% + 90%·(250 000 / 1 000 000) = 32.5%
    assert.equal(ratio(oiScaledImf(1_000, 1_250_000n, caps)), 0.325);
    assert.deepEqual(oiScaledImf(1_000, 2_000_000n, caps), { num: 1n, den: 1n });
    assert.deepEqual(oiScaledImf(1_000, 9_000_000n, caps), { num: 1n, den: 1n });
    assert.deepEqual(oiScaledImf(1_000, 9_000_000n, undefined), { num: 1_000n, den: 10_000n });
  });

  it("requirements round up once, on the exact fraction", () => {
    const f = oiScaledImf(1_000, 1_500_000n, caps);
    assert.equal(fractionRequirement(3n, 1_000n, f), 1_650n); // 3 000·55%
    assert.equal(fractionRequirement(-1n, 1_001n, f), 551n); // 550.55 → 551
    assert.equal(fractionRequirement(1n, 1_001n, { num: 1_000n, den: 10_000n }), 101n); // 100.1 → 101
  });

  it("equals the unscaled requirements for markets without scaling, and scales by the market's OI × mark", () => {
    const mp: MarketParams = {
      name: "M",
      tickSize: 1n,
      minOrderSize: 1n,
      maxOrderSize: 1_000n,
      maxPrice: 1_000_000n,
      imfBps: 1_000,
      mmfBps: 500,
      takerFeeBps: 10,
      makerFeeBps: 5,
      oiCapLots: 0n,
    };
    const a: AccountLeaf = {
      pubKeyX: 1n,
      pubKeyY: 1n,
      nonce: 0n,
      collateral: 0n,
      positions: [{ size: 3n, entryNotional: 3_000n, fundingSnapshot: 0n }],
    };
    const mk: MarketState[] = [{ markPrice: 1_001n, fundingIndex: 0n, openInterest: 1_000n }];
    const resting = [{ buy: 4n, sell: 0n }];
    assert.equal(oiScaledInitialRequirement(a, mk, [mp]), initialRequirement(a, mk, [mp]));
    assert.equal(
      oiScaledInitialRequirement(a, mk, [mp], resting),
      worstCaseInitialRequirement(a, mk, [mp], resting),
    );
    // open notional 1 000·1 001 = 1 001 000 with caps 1 000 000 / 1 010 000:
    //   IMF = [1 000·10 000 + 9 000·1 000] / (10 000·10 000) = 19 000 000 / 100 000 000 = 19%
    //   worst case 7 lots: ⌈7·1 001·19%⌉ = ⌈1 331.33⌉ = 1 332
    const scaled = { ...mp, imfOiScaling: { lowerCapNotional: 1_000_000n, upperCapNotional: 1_010_000n } };
    assert.equal(oiScaledInitialRequirement(a, mk, [scaled], resting), 1_332n);
  });
});

describe("OI-scaled IMF in order admission", () => {
  it("charges the scaled IMF at the market's current open notional", () => {
    // caps 10 000 / 20 000 (micro-USDC notional); 15 lots open at 1 000 → 15 000 → IMF 55%
    const d = Driver.create({
      markets: [
        {
          name: "M0",
          tickSize: 1n,
          minOrderSize: 1n,
          maxOrderSize: 1_000_000n,
          maxPrice: 1_000_000_000n,
          imfBps: 1_000,
          mmfBps: 500,
          takerFeeBps: 10,
          makerFeeBps: 5,
          imfOiScaling: { lowerCapNotional: 10_000n, upperCapNotional: 20_000n },
        },
      ],
    });
    d.price(0, 1_000n);
    const a = d.fund(1_000_000n);
    const b = d.fund(1_000_000n);
    d.order({ accountId: b, marketId: 0, side: "sell", price: 1_000n, size: 15n });
    d.order({ accountId: a, marketId: 0, side: "buy", price: 1_000n, size: 15n });
    assert.equal(d.engine.global().markets[0]?.openInterest, 15n);

    // a resting buy of 1 @ 1 000: ⌈1 000·55%⌉ = 550 plus the 1 taker fee (10 bps of 1 000) = 551
    const poor = d.fund(550n);
    const enough = d.fund(551n);
    const before = snapshot(d.engine);
    assert.throws(
      () => d.order({ accountId: poor, marketId: 0, side: "buy", price: 1_000n, size: 1n }),
      (err: unknown) =>
        err instanceof EngineError && err.code === "INSUFFICIENT_MARGIN" && err.details.required === 551n,
    );
    assert.deepEqual(snapshot(d.engine), before);
    assert.equal(
      d.order({ accountId: enough, marketId: 0, side: "buy", price: 1_000n, size: 1n }).status,
      "resting",
    );
  });
});

describe("open-interest cap", () => {
  function setup() {
    const d = Driver.create({
      markets: [
        {
          name: "M0",
          tickSize: 1n,
          minOrderSize: 1n,
          maxOrderSize: 1_000_000n,
          maxPrice: 1_000_000_000n,
          imfBps: 1_000,
          mmfBps: 500,
          takerFeeBps: 10,
          makerFeeBps: 5,
          oiCapLots: 20n,
        },
      ],
    });
    d.price(0, 1_000n);
    const ids = Array.from({ length: 4 }, () => d.fund(1_000_000n));
    return { d, ids };
  }

  it("accepts fills up to the cap and refuses one that raises OI past it, changing nothing", () => {
    const { d, ids } = setup();
    const [a, b, c, e] = ids as [number, number, number, number];
    d.order({ accountId: b, marketId: 0, side: "sell", price: 1_000n, size: 20n });
    d.order({ accountId: a, marketId: 0, side: "buy", price: 1_000n, size: 20n });
    assert.equal(d.engine.global().markets[0]?.openInterest, 20n, "exactly the cap is allowed");

    d.order({ accountId: c, marketId: 0, side: "sell", price: 1_000n, size: 5n }); // rests: OI unchanged
    const before = snapshot(d.engine);
    // e opens a long against c's new short: OI 21 > 20
    rejects(() => d.order({ accountId: e, marketId: 0, side: "buy", price: 1_000n, size: 1n }), "OI_CAP");
    assert.deepEqual(snapshot(d.engine), before);
  });

  it("always lets reductions through at the cap, and OI-neutral trades too", () => {
    const { d, ids } = setup();
    const [a, b, c, e] = ids as [number, number, number, number];
    d.order({ accountId: b, marketId: 0, side: "sell", price: 1_000n, size: 20n });
    d.order({ accountId: a, marketId: 0, side: "buy", price: 1_000n, size: 20n });

    // a (long) sells 5 to e's new bid: a's long −5, e's long +5 → OI stays 20
    d.order({ accountId: e, marketId: 0, side: "buy", price: 1_000n, size: 5n });
    assert.equal(
      d.order({ accountId: a, marketId: 0, side: "sell", price: 1_000n, size: 5n }).status,
      "filled",
    );
    assert.equal(d.engine.global().markets[0]?.openInterest, 20n);

    // b (short) buys 5 back from a (long): both reduce → OI 15
    d.order({ accountId: a, marketId: 0, side: "sell", price: 1_000n, size: 5n });
    assert.equal(
      d.order({ accountId: b, marketId: 0, side: "buy", price: 1_000n, size: 5n }).status,
      "filled",
    );
    assert.equal(d.engine.global().markets[0]?.openInterest, 15n);

    // now there is room for 5 more lots of new OI, not 6
    d.order({ accountId: c, marketId: 0, side: "sell", price: 1_000n, size: 6n });
    rejects(() => d.order({ accountId: e, marketId: 0, side: "buy", price: 1_000n, size: 6n }), "OI_CAP");
    assert.equal(
      d.order({ accountId: e, marketId: 0, side: "buy", price: 1_000n, size: 5n }).status,
      "filled",
    );
    assert.equal(d.engine.global().markets[0]?.openInterest, 20n);
  });
});
