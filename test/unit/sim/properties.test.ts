import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { generateTape, SHAPES } from "../../../sequencer/sim/gen.ts";
import { POLICY_NAMES } from "../../../sequencer/sim/policies.ts";
import { runTape } from "../../../sequencer/sim/run.ts";
import { invariantHooks } from "./invariants.ts";

/**
 * Small generated tapes (random seed, shape, isolated share and policy) replayed with the invariants of
 * ./invariants.ts checked after EVERY accepted tx; at the end the off-tree indexes agree (selfCheck,
 * which also checks that isolated sub-accounts hold positions and orders in their market only).
 */
let vaultChecks = 0;

describe("sim properties", () => {
  for (const policy of POLICY_NAMES) {
    it(`${policy} keeps the engine's invariants after every tx of a generated tape`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 1_000_000 }),
          fc.constantFrom(...SHAPES),
          fc.constantFrom(0, 0.5),
          async (seed, shape, share) => {
            // jelly has no leveraged traders to isolate.
            const isolatedShare = shape === "jelly" ? 0 : share;
            // Small tapes: a 1-minute crash at 10× order flow (~2k events), 1.5 minutes of jelly or calm.
            const tape =
              shape === "crash"
                ? generateTape({ shape, seed: String(seed), minutes: 1, orderMultiplier: 10, isolatedShare })
                : generateTape({ shape, seed: String(seed), minutes: 1.5, isolatedShare });
            const hooks = invariantHooks(`${shape}/${seed}/${isolatedShare}/${policy}`);
            const r = await runTape(tape, policy, { onStart: hooks.onStart, onApplied: hooks.onApplied });
            assert.deepEqual(r.engine.selfCheck(), [], "off-tree indexes agree at the end");
            vaultChecks += hooks.vaultChecks();
          },
        ),
        { numRuns: 4 },
      );
      if (process.env.SIM_PROPS_VERBOSE)
        console.log(`vault takeovers checked against the cap: ${vaultChecks}`);
    });
  }
});
