import { abs } from "./ranges.ts";
import type { AccountLeaf, Position } from "./types.ts";

/**
 * How a fill changes one account's leaf. These functions mutate the working copy they are given; the
 * transaction context hands out copies, so a rejected tx never touches committed state.
 *
 * The invariant they keep (SPEC.md "The conserved quantity"): for every trade of signed size `t` at
 * price `p`, `collateral − entryNotional` moves by exactly `−t·p`, so summed over buyer and seller the
 * change is zero and cash is neither created nor lost.
 */

/** collateral += size·(F − snapshot); snapshot = F. Keeps q: the −size·snapshot term moves the other way. */
export function settleFunding(a: AccountLeaf, marketId: number, fundingIndex: bigint): bigint {
  const p = a.positions[marketId] as Position;
  const paid = p.size * (fundingIndex - p.fundingSnapshot);
  a.collateral += paid;
  p.fundingSnapshot = fundingIndex;
  return paid;
}

export interface TradeEffect {
  /** Lots that reduced an existing position. */
  closed: bigint;
  /** Lots that opened or grew a position (after any flip). */
  opened: bigint;
  realisedPnl: bigint;
}

/**
 * Applies a trade of signed size `t` (+ buy, − sell) at `price` to market `marketId`. Funding must be
 * settled first so the snapshot is the current index.
 *
 * Reducing removes `removed = trunc(entryNotional · closed / |size|)` (BigInt division truncates toward
 * zero) from entryNotional. Closing the whole position removes exactly entryNotional, so no rounding dust
 * survives a full close; a partial close leaves the truncation remainder in the open part, where it is
 * realised on the final close. Whatever the rounding, collateral gets `−removed − t_closed·price`, which
 * is what makes `collateral − entryNotional` move by exactly `−t_closed·price`.
 *
 * A trade through zero is a full close followed by an open of the rest.
 */
export function applyTrade(a: AccountLeaf, marketId: number, t: bigint, price: bigint): TradeEffect {
  const p = a.positions[marketId] as Position;
  let closed = 0n;
  let realisedPnl = 0n;
  const reducing = p.size !== 0n && p.size > 0n !== t > 0n;
  if (reducing) {
    const abSize = abs(p.size);
    closed = abs(t) < abSize ? abs(t) : abSize;
    const removed = (p.entryNotional * closed) / abSize;
    const tClosed = t > 0n ? closed : -closed;
    realisedPnl = -removed - tClosed * price;
    p.entryNotional -= removed;
    p.size += tClosed;
    a.collateral += realisedPnl;
  }
  const opened = abs(t) - closed;
  if (opened > 0n) {
    const tOpen = t > 0n ? opened : -opened;
    p.size += tOpen;
    p.entryNotional += tOpen * price;
  }
  return { closed, opened, realisedPnl };
}

/** q = collateral − Σ entryNotional − Σ size·fundingSnapshot (SPEC.md). */
export function conservedOf(a: AccountLeaf): bigint {
  let q = a.collateral;
  for (const p of a.positions) q -= p.entryNotional + p.size * p.fundingSnapshot;
  return q;
}

/** Σ max(size, 0) contribution of one account in one market: open interest counts longs. */
export function longSize(size: bigint): bigint {
  return size > 0n ? size : 0n;
}
