import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { liquidationLimit } from "../../../../sequencer/engine/liquidate.ts";
import type { MarketParams } from "../../../../sequencer/engine/params.ts";
import {
  bandLimit,
  decideChunk,
  OnBookError,
  type OnBookPolicy,
  uniformInt,
} from "../../../../sequencer/risk/liquidation/on-book.ts";
import {
  BACKPACK_ON_BOOK,
  FTX_ON_BOOK,
  HYPERLIQUID_ON_BOOK,
} from "../../../../sequencer/risk/liquidation/on-book-presets.ts";

/** An rng that replays the given draws and fails the test if more are asked for. */
function draws(...values: number[]) {
  const rng = () => {
    const v = values.shift();
    if (v === undefined) throw new Error("unexpected rng draw");
    return v;
  };
  return Object.assign(rng, { left: () => values.length });
}
const noRng = () => {
  throw new Error("rng must not be used");
};
const USDC = 1_000_000n;

describe("FTX on-book chunks (10% of the position, ≥ min($1000, position), ×uniform(0.5,1.5), 1–5 bp)", () => {
  const long = { size: 100_000n, mark: USDC, tickSize: 100n }; // 100,000 USDC notional

  it("sends 10% of 100,000 lots scaled by the lowest jitter (×0.5 → 5,000) as a 1 bp sell IOC", () => {
    const rng = draws(0.16, 0, 0); // gate: floor(0.16·6)=0 < 1 fires; jitter 5000 bps; band 1 bp
    const d = decideChunk(FTX_ON_BOOK, long, {}, 0n, rng);
    assert.deepEqual(d, {
      kind: "chunk",
      side: "sell",
      size: 5_000n,
      order: { kind: "ioc", limitPrice: 999_900n }, // 1,000,000·9,999/10,000
      partial: false,
      state: { nextAtMs: undefined, lastPartialMs: undefined },
    });
    assert.equal(rng.left(), 0);
  });

  it("scales by the highest jitter (floor(0.999999·10001)=10000 → ×1.5 → 15,000) and 5 bp", () => {
    const d = decideChunk(FTX_ON_BOOK, long, {}, 0n, draws(0, 0.999999, 0.99));
    assert.equal(d.kind, "chunk");
    if (d.kind !== "chunk") return;
    assert.equal(d.size, 15_000n);
    assert.deepEqual(d.order, { kind: "ioc", limitPrice: 999_500n });
  });

  it("holds the chunk when the ⅙ gate draw misses and retries one second later", () => {
    assert.deepEqual(decideChunk(FTX_ON_BOOK, long, {}, 5_000n, draws(0.17)), {
      kind: "wait",
      notBeforeMs: 6_000n,
    });
  });

  it("raises a 10% chunk worth less than $1000 to 10,000 lots (ceil(1000 USDC / 0.1 USDC))", () => {
    // 50,000 lots at 0.1 USDC = 5,000 USDC; 10% = 5,000 lots = 500 USDC < the $1000 floor
    const d = decideChunk(FTX_ON_BOOK, { size: 50_000n, mark: 100_000n }, {}, 0n, draws(0, 0.5, 0));
    assert.equal(d.kind === "chunk" && d.size, 10_000n); // jitter floor(0.5·10001)=5000 → ×1.0
  });

  it("bounds the floor by the position: 5,000 lots worth 500 USDC go whole", () => {
    const d = decideChunk(FTX_ON_BOOK, { size: 5_000n, mark: 100_000n }, {}, 0n, draws(0, 0.5, 0));
    assert.equal(d.kind === "chunk" && d.size, 5_000n);
  });

  it("closes a 3-lot short with a buy no larger than the position even at ×1.5", () => {
    const d = decideChunk(FTX_ON_BOOK, { size: -3n, mark: USDC }, {}, 0n, draws(0, 0.999999, 0));
    assert.equal(d.kind === "chunk" && d.side, "buy");
    assert.equal(d.kind === "chunk" && d.size, 3n);
  });

  it("keeps at least one lot when ×0.5 would round a 1-lot chunk to 0", () => {
    const d = decideChunk(FTX_ON_BOOK, { size: 1n, mark: USDC }, {}, 0n, draws(0, 0, 0));
    assert.equal(d.kind === "chunk" && d.size, 1n);
  });

  it("is idle for a flat position and draws nothing", () => {
    assert.deepEqual(decideChunk(FTX_ON_BOOK, { size: 0n, mark: USDC }, {}, 0n, noRng), { kind: "idle" });
  });
});

describe("interval schedule", () => {
  const policy: OnBookPolicy = {
    ...FTX_ON_BOOK,
    sizeJitterBps: 0,
    schedule: { kind: "interval", intervalMs: 6_000n, jitterMs: 2_000n },
    order: { kind: "band", minBps: 3, maxBps: 3 },
  };

  it("schedules the next chunk at now + 6,000 + jitter (floor(0.5·2001) = 1,000) and waits until then", () => {
    const d = decideChunk(policy, { size: 100_000n, mark: USDC }, {}, 10_000n, draws(0.5));
    assert.equal(d.kind, "chunk");
    if (d.kind !== "chunk") return;
    assert.equal(d.state.nextAtMs, 17_000n);
    assert.deepEqual(decideChunk(policy, { size: 90_000n, mark: USDC }, d.state, 16_999n, noRng), {
      kind: "wait",
      notBeforeMs: 17_000n,
    });
    assert.equal(
      decideChunk(policy, { size: 90_000n, mark: USDC }, d.state, 17_000n, draws(0)).kind,
      "chunk",
    );
  });
});

describe("Hyperliquid: whole position as a market order; 20% above 100k USDC; 30 s cooldown", () => {
  it("sends the whole position of exactly 100,000 USDC (not above the threshold) as a market order", () => {
    const d = decideChunk(HYPERLIQUID_ON_BOOK, { size: 100_000n, mark: USDC }, {}, 0n, noRng);
    assert.deepEqual(d, {
      kind: "chunk",
      side: "sell",
      size: 100_000n,
      order: { kind: "market" },
      partial: false,
      state: { nextAtMs: 0n, lastPartialMs: undefined },
    });
  });

  it("sends 20% of a 200,000 USDC position, then the entire rest during the cooldown, then 20% again", () => {
    const first = decideChunk(HYPERLIQUID_ON_BOOK, { size: -200_000n, mark: USDC }, {}, 1_000n, noRng);
    assert.equal(first.kind === "chunk" && first.size, 40_000n);
    assert.equal(first.kind === "chunk" && first.partial, true);
    if (first.kind !== "chunk") return;
    assert.equal(first.state.lastPartialMs, 1_000n);
    const during = decideChunk(
      HYPERLIQUID_ON_BOOK,
      { size: -160_000n, mark: USDC },
      first.state,
      30_999n,
      noRng,
    );
    assert.equal(during.kind === "chunk" && during.size, 160_000n);
    assert.equal(during.kind === "chunk" && during.side, "buy");
    const after = decideChunk(
      HYPERLIQUID_ON_BOOK,
      { size: -160_000n, mark: USDC },
      first.state,
      31_000n,
      noRng,
    );
    assert.equal(after.kind === "chunk" && after.size, 32_000n);
  });

  it("in 'wait' cooldown mode holds every chunk until 30 s after the partial one", () => {
    const large = { ...HYPERLIQUID_ON_BOOK.largePosition!, cooldownMode: "wait" as const };
    const policy = { ...HYPERLIQUID_ON_BOOK, largePosition: large };
    assert.deepEqual(
      decideChunk(policy, { size: 160_000n, mark: USDC }, { lastPartialMs: 1_000n }, 5_000n, noRng),
      { kind: "wait", notBeforeMs: 31_000n },
    );
  });
});

describe("Backpack preset", () => {
  it("fires on half of the draws (floor(u·2) = 0) with 10% of the position", () => {
    const pos = { size: 100_000n, mark: USDC };
    assert.equal(decideChunk(BACKPACK_ON_BOOK, pos, {}, 0n, draws(0.5)).kind, "wait");
    const d = decideChunk(BACKPACK_ON_BOOK, pos, {}, 0n, draws(0.49, 0));
    assert.equal(d.kind === "chunk" && d.size, 10_000n);
  });
});

describe("price band and rng helpers", () => {
  it("rounds the band to the tick toward the mark (1,234,567 at 5 bp, tick 100)", () => {
    assert.equal(bandLimit(1_234_567n, "sell", 5n, 100n), 1_234_000n); // 1,233,949.7 rounded up
    assert.equal(bandLimit(1_234_567n, "buy", 5n, 100n), 1_235_100n); // 1,235,184.3 rounded down
  });

  it("matches the engine's liquidationLimit for any mark, side, band and tick", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: (1n << 40n) - 1n }),
        fc.constantFrom("buy" as const, "sell" as const),
        fc.integer({ min: 0, max: 10_000 }),
        fc.bigInt({ min: 1n, max: 10_000n }),
        (mark, side, band, tickSize) => {
          const mp = { tickSize } as MarketParams;
          assert.equal(bandLimit(mark, side, BigInt(band), tickSize), liquidationLimit(mp, mark, side, band));
        },
      ),
    );
  });

  it("maps any draw in [0, 1) into [lo, hi] and rejects a draw of 1 or NaN with OnBookError", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (u) => {
        const k = uniformInt(() => u, 5_000n, 15_000n);
        assert.ok(k >= 5_000n && k <= 15_000n);
      }),
    );
    for (const u of [1, Number.NaN, -0.1]) {
      assert.throws(
        () => uniformInt(() => u, 0n, 5n),
        (e) => e instanceof OnBookError && e.code === "BAD_ON_BOOK_INPUT",
      );
    }
  });
});
