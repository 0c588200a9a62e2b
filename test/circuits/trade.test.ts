import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import fc from "fast-check";
import { applyTrade } from "../../sequencer/engine/settlement.ts";
import type { AccountLeaf } from "../../sequencer/engine/types.ts";
import { P } from "../../sequencer/state/field.ts";
import { compiledMain, failsAt, witness } from "../utils/circuit.ts";

const SOURCE = `pragma circom 2.1.0;
include "trade.circom";
component main = ApplyTrade();
`;

let wasmPath: string;
let constraints: number;

before(async () => {
  ({ wasmPath, constraints } = await compiledMain("trade", SOURCE));
});

const enc = (x: bigint) => (((x % P) + P) % P).toString();
const dec = (x: bigint) => (x > P / 2n ? x - P : x);

interface Case {
  size: bigint;
  entry: bigint;
  t: bigint;
  price: bigint;
}

/** The circuit's outputs for one trade, decoded to signed integers. */
async function circuit(c: Case) {
  const w = await witness(
    { size: enc(c.size), entry: enc(c.entry), t: enc(c.t), price: enc(c.price) },
    wasmPath,
  );
  const [newSize, newEntry, realised, closed, opened, grew] = w.slice(1, 7).map(dec);
  return { newSize, newEntry, realised, closed, opened, grew };
}

/** The engine's answer for the same trade. */
function engine(c: Case) {
  const a = {
    pubKeyX: 0n,
    pubKeyY: 0n,
    nonce: 0n,
    collateral: 0n,
    positions: [{ size: c.size, entryNotional: c.entry, fundingSnapshot: 0n }],
  } as unknown as AccountLeaf;
  const eff = applyTrade(a, 0, c.t, c.price);
  const p = a.positions[0]!;
  return {
    newSize: p.size,
    newEntry: p.entryNotional,
    realised: a.collateral,
    closed: eff.closed,
    opened: eff.opened,
    grew: eff.opened > 0n ? 1n : 0n,
  };
}

const S47 = 2n ** 47n - 1n;
const E95 = 2n ** 95n - 1n;

describe("ApplyTrade (settlement in the circuit)", () => {
  it("costs 477 constraints", () => {
    assert.equal(constraints, 477);
  });

  it("matches the engine's applyTrade by hand: open, add, partial close with truncation, full close, flip", async () => {
    const cases: Case[] = [
      { size: 0n, entry: 0n, t: 3n, price: 100n },
      { size: 3n, entry: 300n, t: 2n, price: 110n },
      // 7 lots long at 1,000 entry; sell 3 at 120: removed = trunc(1000·3/7) = 428, realised = -428 + 360.
      { size: 7n, entry: 1000n, t: -3n, price: 120n },
      // the same short: entry -1000, buy 3: removed = trunc(-3000/7) = -428 (toward zero).
      { size: -7n, entry: -1000n, t: 3n, price: 120n },
      { size: 5n, entry: 550n, t: -5n, price: 90n },
      { size: 5n, entry: 550n, t: -8n, price: 90n },
      { size: -2n, entry: -7n, t: 9n, price: 1n },
      { size: 4n, entry: 123n, t: 0n, price: 5n },
    ];
    for (const c of cases)
      assert.deepEqual(
        await circuit(c),
        engine(c),
        JSON.stringify(c, (_, v) => String(v)),
      );
    assert.deepEqual(await circuit(cases[2]!), {
      newSize: 4n,
      newEntry: 572n,
      realised: -428n + 360n,
      closed: 3n,
      opened: 0n,
      grew: 0n,
    });
  });

  it("matches the engine on random trades up to the range limits, and keeps collateral - entry moving by -t·price", async () => {
    const size = fc.oneof(fc.bigInt(-S47, S47), fc.bigInt(-50n, 50n));
    const c = fc.record({
      size,
      t: size,
      entry: fc.oneof(fc.bigInt(-E95, E95), fc.bigInt(-10_000n, 10_000n)),
      price: fc.oneof(fc.bigInt(0n, 2n ** 40n - 1n), fc.bigInt(1n, 1000n)),
    });
    await fc.assert(
      fc.asyncProperty(c, async (k) => {
        const got = await circuit(k);
        assert.deepEqual(got, engine(k));
        assert.equal(got.realised - (got.newEntry! - k.entry), -k.t * k.price);
      }),
      { numRuns: 60, seed: 8 },
    );
  });

  it("refuses inputs outside their ranges (size ±2^47, entry 2^95, the excluded -2^47)", async () => {
    const at = failsAt("SignedParts", "trade.circom", "bits.in <== x + (1 << (n - 1))");
    await assert.rejects(circuit({ size: 2n ** 47n, entry: 0n, t: 1n, price: 1n }), at);
    await assert.rejects(circuit({ size: 1n, entry: 2n ** 95n, t: 1n, price: 1n }), at);
    await assert.rejects(
      circuit({ size: 1n, entry: 0n, t: -(2n ** 47n), price: 1n }),
      failsAt("SignedParts", "trade.circom", "(x + (1 << (n - 1))) * nonMin === 1"),
    );
  });
});
