import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Engine } from "../../../sequencer/engine/index.ts";
import type { EngineTx } from "../../../sequencer/engine/types.ts";
import { generateTape, SHAPES } from "../../../sequencer/sim/gen.ts";
import { POLICY_NAMES } from "../../../sequencer/sim/policies.ts";
import { runTape } from "../../../sequencer/sim/run.ts";

/**
 * Small generated tapes (random seed, shape and policy) replayed with the invariants checked after
 * EVERY accepted tx: Q = initial Q + deposits, Σ size = 0 per market, no negative collateral; at the
 * end the off-tree indexes agree (selfCheck). The vault check: a liquidation tx that grows the vault's
 * |position| in a market through "vault" tier fills leaves |position|·takeover price within the
 * policy's vault.maxMarketNotional (a takeover that shrinks the position is never capped).
 */
const abs = (x: bigint) => (x < 0n ? -x : x);

function checkAfterTx(e: Engine, expectedQ: bigint, where: string) {
  assert.equal(e.conservedTotal(), expectedQ, `${where}: Q = initial + deposits`);
  const n = e.accountCount();
  const M = e.params.markets.length;
  const sums = new Array<bigint>(M).fill(0n);
  for (let i = 0; i < n; i++) {
    const a = e.account(i);
    if (!a) continue;
    assert.ok(a.collateral >= 0n, `${where}: collateral of ${i} = ${a.collateral} < 0`);
    a.positions.forEach((p, m) => {
      sums[m] = (sums[m] as bigint) + p.size;
    });
  }
  sums.forEach((s, m) => {
    assert.equal(s, 0n, `${where}: Σ size in market ${m}`);
  });
}

let vaultChecks = 0;

describe("sim properties", () => {
  for (const policy of POLICY_NAMES) {
    it(`${policy} keeps the engine's invariants after every tx of a generated tape`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 1_000_000 }),
          fc.constantFrom(...SHAPES),
          async (seed, shape) => {
            // Small tapes: a 1-minute crash at 10× order flow (~2k events), 1.5 minutes of jelly or calm.
            const tape =
              shape === "crash"
                ? generateTape({ shape, seed: String(seed), minutes: 1, orderMultiplier: 10 })
                : generateTape({ shape, seed: String(seed), minutes: 1.5 });
            let expectedQ = 0n;
            let vaultSizes: bigint[] | undefined;
            let checked = 0;
            const r = await runTape(tape, policy, {
              onStart: (e) => {
                expectedQ = e.conservedTotal();
              },
              onApplied: (e, tx: EngineTx, result, seq) => {
                const where = `${shape}/${seed}/${policy} seq ${seq} (${tx.kind})`;
                if (tx.kind === "deposit") expectedQ += tx.amount;
                checkAfterTx(e, expectedQ, where);
                const vaultId = e.params.backstopAccountId;
                const now = (e.account(vaultId)?.positions ?? []).map((p) => p.size);
                const before = vaultSizes ?? now.map(() => 0n);
                if (tx.kind === "liquidation" && result.touched.includes(vaultId)) {
                  const cap = e.params.risk.liquidation.vault.maxMarketNotional;
                  const fills = e
                    .ledger()
                    .flatMap((rec) => rec.fills.filter((f) => f.seq === seq && f.tier === "vault"));
                  for (const f of fills) {
                    const after = now[f.marketId] as bigint;
                    if (abs(after) <= abs(before[f.marketId] as bigint)) continue;
                    checked += 1;
                    assert.ok(
                      abs(after) * f.price <= cap,
                      `${where}: vault exposure ${abs(after) * f.price} in market ${f.marketId} above cap ${cap}`,
                    );
                  }
                }
                vaultSizes = now;
              },
            });
            assert.deepEqual(r.engine.selfCheck(), [], "off-tree indexes agree at the end");
            vaultChecks += checked;
          },
        ),
        { numRuns: 4 },
      );
      if (process.env.SIM_PROPS_VERBOSE)
        console.log(`vault takeovers checked against the cap: ${vaultChecks}`);
    });
  }
});
