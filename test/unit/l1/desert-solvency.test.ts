/**
 * Desert-mode solvency (property): exits paid with the contract's rule never pay out more than the contract
 * holds, and pay everyone in full when the state allows it.
 *
 * A random state is built the way L2 builds it, from flat accounts with random collateral: random trades
 * between two accounts at random prices (the buyer's size and entry notional go up by s and s·price, the
 * seller's down by the same, so Σ size = 0 per market), fees moved from an account's collateral to the fee
 * pool, and funding settled into collateral (collateral += size·(F − snapshot), snapshot = F) at random
 * funding indexes. Each step keeps the conserved cash of docs/SPEC.md, Q = Σ q + insuranceFund + feePool with
 * q = collateral − Σ entry − Σ size·snapshot, equal to the cash deposited, which is what L1 holds for the L2
 * state. The exits are then paid at random index prices and funding indexes with the TS payout
 * (node/l1/desert-exit.ts, DesertExit.payout's twin) in a random order.
 *
 * The rounding and deficit rule (Rollup.exit, docs/SPEC.md "Desert mode"): each exit is paid
 * `paid = min(claim, free)`, where `free` starts at Q (the balance less withdrawals owed and deposits to
 * refund, none here) and drops by each payment; a claim is an account's equity floored at 0, in whole token
 * units, so there is no rounding. Since positions are zero-sum, Σ equity = Q − insuranceFund − feePool, so
 * Σ claims ≤ Q exactly when the accounts under water owe no more than the fund and the pool together; the fund
 * and the pool are not claimed by anyone. When they owe more, the shortfall falls on whoever exits last: the
 * first exit that finds `free` short takes what is left and every later one gets 0.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { desertPayout } from "../../../node/l1/desert-exit.ts";
import { toField } from "../../../sequencer/state/field.ts";
import { type AccountLeaf, conservedQ } from "../../../sequencer/state/leaf.ts";

interface Trade {
  market: number;
  buyer: number;
  seller: number;
  size: bigint;
  price: bigint;
  fee: bigint;
}

interface Funding {
  market: number;
  index: bigint;
  account: number;
}

interface Scenario {
  M: number;
  collateral: bigint[];
  insuranceFund: bigint;
  feePool: bigint;
  steps: ({ trade: Trade } | { funding: Funding })[];
  indexPrices: bigint[];
  exitFunding: bigint[];
  order: number[];
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({ M: fc.integer({ min: 1, max: 3 }), N: fc.integer({ min: 2, max: 7 }) })
  .chain(({ M, N }) => {
    const market = fc.integer({ min: 0, max: M - 1 });
    const account = fc.integer({ min: 0, max: N - 1 });
    const price = fc.bigInt({ min: 1n, max: 100_000_000n });
    const fundingIndex = fc.bigInt({ min: -5_000_000n, max: 5_000_000n });
    const trade = fc
      .record({
        market,
        buyer: account,
        seller: account,
        size: fc.bigInt({ min: 1n, max: 10_000n }),
        price,
        fee: fc.bigInt({ min: 0n, max: 50_000n }),
      })
      .filter((t) => t.buyer !== t.seller)
      .map((trade) => ({ trade }));
    const funding = fc.record({ market, index: fundingIndex, account }).map((funding) => ({ funding }));
    const ids = Array.from({ length: N }, (_, i) => i);
    return fc.record({
      M: fc.constant(M),
      // Small and large balances, so that some states have accounts deep under water and some none.
      collateral: fc.array(
        fc.oneof(fc.bigInt({ min: 0n, max: 1_000_000n }), fc.bigInt({ min: 0n, max: 10n ** 15n })),
        { minLength: N, maxLength: N },
      ),
      insuranceFund: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 10n ** 14n })),
      feePool: fc.bigInt({ min: 0n, max: 1_000_000n }),
      steps: fc.array(fc.oneof({ weight: 3, arbitrary: trade }, { weight: 1, arbitrary: funding }), {
        maxLength: 25,
      }),
      indexPrices: fc.array(price, { minLength: M, maxLength: M }),
      exitFunding: fc.array(fundingIndex, { minLength: M, maxLength: M }),
      order: fc.shuffledSubarray(ids, { minLength: N, maxLength: N }),
    });
  });

/** The leaf fields an exit shows (ProofChain.leafFields: the orders root 0, no resting orders), mod p. */
function exitLeafFields(a: AccountLeaf): bigint[] {
  const out = [a.pubKeyX, a.pubKeyY, a.nonce, a.collateral, 0n];
  for (const p of a.positions) out.push(p.size, p.entryNotional, p.fundingSnapshot);
  return out.map(toField);
}

/** The accounts, fund and pool after the scenario's steps, from flat accounts. */
function buildState(s: Scenario): { accounts: AccountLeaf[]; insuranceFund: bigint; feePool: bigint } {
  const accounts: AccountLeaf[] = s.collateral.map((collateral) => ({
    pubKeyX: 1n,
    pubKeyY: 2n,
    nonce: 0n,
    collateral,
    positions: Array.from({ length: s.M }, () => ({ size: 0n, entryNotional: 0n, fundingSnapshot: 0n })),
  }));
  let feePool = s.feePool;
  // Every position opened at a market's current funding index starts with that snapshot.
  const F = Array.from({ length: s.M }, () => 0n);
  /** Settles the account's funding in market m; false (and nothing done) if its collateral cannot pay. */
  const settle = (a: AccountLeaf, m: number): boolean => {
    const p = a.positions[m]!;
    const owed = p.size * (F[m]! - p.fundingSnapshot);
    // An account that cannot pay its funding keeps it unsettled: the debt stays in its leaf and its equity.
    if (a.collateral + owed < 0n) return false;
    a.collateral += owed;
    p.fundingSnapshot = F[m]!;
    return true;
  };
  for (const step of s.steps) {
    if ("trade" in step) {
      const { market: m, buyer, seller, size, price, fee } = step.trade;
      const b = accounts[buyer]!;
      const a = accounts[seller]!;
      // The engine settles both sides' funding before a fill (both snapshots = F, so Σ q is kept); a side
      // that cannot pay it does not trade.
      if (!settle(b, m) || !settle(a, m)) continue;
      for (const [acc, signed] of [
        [b, size],
        [a, -size],
      ] as const) {
        const p = acc.positions[m]!;
        p.size += signed;
        p.entryNotional += signed * price;
        const paid = fee < acc.collateral ? fee : acc.collateral;
        acc.collateral -= paid;
        feePool += paid;
      }
    } else {
      const { market: m, index, account } = step.funding;
      F[m] = index;
      settle(accounts[account]!, m);
    }
  }
  return { accounts, insuranceFund: s.insuranceFund, feePool };
}

describe("desert-mode exits are solvent (property)", () => {
  it("pay min(claim, free) in any order: never more than Q, everyone in full when Σ claims ≤ Q", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const state = buildState(s);
        const deposited = s.collateral.reduce((a, b) => a + b, 0n) + s.insuranceFund + s.feePool;
        // The generator keeps the SPEC's identities: zero-sum positions and the conserved cash.
        for (let m = 0; m < s.M; m++) {
          assert.equal(
            state.accounts.reduce((acc, a) => acc + a.positions[m]!.size, 0n),
            0n,
            `Σ size of market ${m}`,
          );
        }
        const Q =
          state.accounts.reduce((acc, a) => acc + conservedQ(a), 0n) + state.insuranceFund + state.feePool;
        assert.equal(Q, deposited, "Q is the cash deposited");

        const index = s.indexPrices.map(toField);
        const funding = s.exitFunding.map(toField);
        const equity = state.accounts.map((a) =>
          a.positions.reduce(
            (e, p, m) =>
              e +
              p.size * s.indexPrices[m]! -
              p.entryNotional +
              p.size * (s.exitFunding[m]! - p.fundingSnapshot),
            a.collateral,
          ),
        );
        const claims = state.accounts.map((a) => desertPayout(exitLeafFields(a), index, funding));
        claims.forEach((c, i) => {
          assert.equal(c, equity[i]! > 0n ? equity[i]! : 0n, `payout of account ${i}`);
        });
        // Zero-sum positions: the accounts' equities add up to the L2 cash less the fund and the pool.
        assert.equal(
          equity.reduce((a, b) => a + b, 0n),
          Q - state.insuranceFund - state.feePool,
          "Σ equity = Q − fund − pool",
        );
        const totalClaims = claims.reduce((a, b) => a + b, 0n);
        const underWater = equity.reduce((a, e) => (e < 0n ? a - e : a), 0n);
        assert.equal(
          totalClaims <= Q,
          underWater <= state.insuranceFund + state.feePool,
          "Σ claims ≤ Q iff the accounts under water owe no more than the fund and the pool",
        );

        // Rollup.exit, in the scenario's order.
        let free = Q;
        let paidTotal = 0n;
        let short = false;
        for (const id of s.order) {
          const claim = claims[id]!;
          const paid = claim < free ? claim : free;
          assert.ok(paid >= 0n && paid <= claim, "0 ≤ paid ≤ claim");
          if (short) assert.equal(paid, 0n, "after a short exit, nothing is left for later ones");
          if (paid < claim) short = true;
          free -= paid;
          paidTotal += paid;
          assert.ok(free >= 0n, "free never goes below 0");
        }
        assert.ok(paidTotal <= Q, "never pays more than the balance");
        assert.equal(paidTotal, totalClaims < Q ? totalClaims : Q, "pays min(Σ claims, Q)");
        if (totalClaims <= Q) assert.equal(short, false, "everyone is paid in full");
      }),
      { numRuns: 300 },
    );
  });

  it("covers both sides: some runs pay everyone, some run short", () => {
    let full = 0;
    let shortfall = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const state = buildState(s);
        const Q =
          state.accounts.reduce((acc, a) => acc + conservedQ(a), 0n) + state.insuranceFund + state.feePool;
        const claims = state.accounts.map((a) =>
          desertPayout(exitLeafFields(a), s.indexPrices.map(toField), s.exitFunding.map(toField)),
        );
        if (claims.reduce((a, b) => a + b, 0n) <= Q) full++;
        else shortfall++;
      }),
      { numRuns: 300, seed: 12 },
    );
    assert.ok(full > 0 && shortfall > 0, `full ${full}, short ${shortfall}`);
  });
});
