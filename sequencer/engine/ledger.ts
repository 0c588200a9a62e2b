/**
 * The execution-quality ledger: one record per liquidation event, from the first liquidation tx that
 * finds the account below maintenance until it is back above maintenance or flat. Off-tree and
 * deterministic (a replay of the same txs gives the same ledger), so two policies can be compared on
 * the same tape record for record.
 */

/** Waterfall tiers in the order they are reached. */
export type LiquidationTier = "on-book" | "vault" | "adl";
export const TIER_ORDER: readonly LiquidationTier[] = ["on-book", "vault", "adl"];

export interface LedgerFill {
  tier: LiquidationTier;
  marketId: number;
  /** The liquidated account's signed trade (a long being closed sells: negative). */
  size: bigint;
  price: bigint;
  /** The market's mark when the fill was made (what an ADL price is measured against). */
  mark: bigint;
  /** The other side: a maker on the book, the backstop vault (account 0), or an ADL counterparty. */
  counterparty: number;
  /** Engine time (ms) of the tx that made the fill. */
  atMs: bigint;
  seq: bigint;
}

export interface LedgerMarketLeg {
  marketId: number;
  /** Signed lots at the trigger. */
  size: bigint;
  /** Mark when the event opened. */
  triggerMark: bigint;
  /** Bankruptcy price at the trigger (cross equity put on this leg, rounded against the account). */
  bankruptcyPrice: bigint;
}

export interface LiquidationRecord {
  /** Position in the ledger, 0-based. */
  id: number;
  accountId: number;
  policy: string;
  openedAtMs: bigint;
  openedSeq: bigint;
  /** Set when the event ends: back above maintenance or no position left. */
  closedAtMs?: bigint;
  equityAtTrigger: bigint;
  maintenanceAtTrigger: bigint;
  legs: LedgerMarketLeg[];
  fills: LedgerFill[];
  /** Deepest tier reached. */
  tier: LiquidationTier;
  /** Penalties paid into the insurance fund (the surplus). */
  penalty: bigint;
  /** Negative collateral made whole, by source. */
  deficitFromFund: bigint;
  deficitFromVault: bigint;
  /** Liquidation txs that ran for this event (chunks). */
  steps: number;
  /** True when the event was ended by the zombie sweep. */
  swept: boolean;
}

/** Volume-weighted average price of a set of fills in one market; undefined without volume. */
export function vwap(fills: readonly LedgerFill[], marketId: number): bigint | undefined {
  let lots = 0n;
  let notional = 0n;
  for (const f of fills) {
    if (f.marketId !== marketId) continue;
    const s = f.size < 0n ? -f.size : f.size;
    lots += s;
    notional += s * f.price;
  }
  return lots === 0n ? undefined : notional / lots;
}

export function deeperTier(a: LiquidationTier, b: LiquidationTier): LiquidationTier {
  return TIER_ORDER.indexOf(a) >= TIER_ORDER.indexOf(b) ? a : b;
}
