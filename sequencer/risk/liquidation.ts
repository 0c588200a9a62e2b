import type { MarketParams } from "../engine/params.ts";
import type { AccountLeaf, MarketState } from "../engine/types.ts";
import { bpsOf, equity, maintenanceRequirement } from "./margin.ts";

/**
 * Pure rules of the (simple, pre-waterfall) liquidation. The engine's `liquidate.ts` runs the steps;
 * the numbers come from here so they can be tested on their own.
 */

export interface LiquidationCandidate {
  accountId: number;
  equity: bigint;
  maintenance: bigint;
}

export function liquidationCandidate(
  accountId: number,
  a: AccountLeaf,
  markets: readonly MarketState[],
  params: readonly MarketParams[],
): LiquidationCandidate | undefined {
  const maintenance = maintenanceRequirement(a, markets, params);
  if (maintenance === 0n) return undefined;
  const value = equity(a, markets);
  return value < maintenance ? { accountId, equity: value, maintenance } : undefined;
}

/**
 * Most under-collateralised first: ascending equity/maintenance, compared by cross-multiplying so no
 * division rounds two accounts into a tie. Equal ratios go by ascending id so every replica agrees.
 */
export function rankLiquidations(cands: LiquidationCandidate[]): number[] {
  return [...cands]
    .sort((a, b) => {
      const l = a.equity * b.maintenance;
      const r = b.equity * a.maintenance;
      if (l !== r) return l < r ? -1 : 1;
      return a.accountId - b.accountId;
    })
    .map((c) => c.accountId);
}

/** Penalty on the closed notional, capped at what the account still has, so it never creates a deficit. */
export function liquidationPenalty(
  closedNotional: bigint,
  penaltyBps: number,
  collateralAfterClose: bigint,
): bigint {
  const raw = bpsOf(closedNotional, penaltyBps);
  const cap = collateralAfterClose > 0n ? collateralAfterClose : 0n;
  return raw < cap ? raw : cap;
}

export interface DeficitCover {
  fromInsurance: bigint;
  fromBackstop: bigint;
}

/** Insurance fund first (that is what it is for), then the backstop account; undefined if both fall short. */
export function coverDeficit(
  deficit: bigint,
  insuranceFund: bigint,
  backstopCollateral: bigint,
): DeficitCover | undefined {
  if (deficit <= 0n) return { fromInsurance: 0n, fromBackstop: 0n };
  const fromInsurance = deficit < insuranceFund ? deficit : insuranceFund;
  const fromBackstop = deficit - fromInsurance;
  if (fromBackstop > backstopCollateral) return undefined;
  return { fromInsurance, fromBackstop };
}
