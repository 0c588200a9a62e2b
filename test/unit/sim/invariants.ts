import assert from "node:assert/strict";
import type { Engine } from "../../../sequencer/engine/index.ts";
import type { RunOptions } from "../../../sequencer/sim/run.ts";

/**
 * The engine invariants the sim tests check after EVERY accepted tx of a replay: Q = initial Q +
 * deposits, Σ size = 0 per market, no negative collateral. The vault check: a liquidation tx that grows
 * the vault's |position| in a market through "vault" tier fills leaves |position|·takeover price within
 * the policy's vault.maxMarketNotional (a takeover that shrinks the position is never capped). Shared by
 * the property test and the isolated-margin test so both hold replays to the same rules.
 */
const abs = (x: bigint) => (x < 0n ? -x : x);

export function checkAfterTx(e: Engine, expectedQ: bigint, where: string): void {
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

export interface InvariantHooks extends Required<Pick<RunOptions, "onStart" | "onApplied">> {
  /** Vault takeovers checked against the cap so far. */
  vaultChecks(): number;
}

/** `runTape` hooks that assert the invariants after every accepted tx; `label` prefixes failures. */
export function invariantHooks(label: string): InvariantHooks {
  let expectedQ = 0n;
  let vaultSizes: bigint[] | undefined;
  let checked = 0;
  return {
    onStart: (e) => {
      expectedQ = e.conservedTotal();
    },
    onApplied: (e, tx, result, seq) => {
      const where = `${label} seq ${seq} (${tx.kind})`;
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
    vaultChecks: () => checked,
  };
}
