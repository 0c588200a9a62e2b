/**
 * Impact prices and the premium of the book over the index (micro-USDC per lot, bigint).
 *
 * dYdX v4 ("Funding Rates on dYdX Chain", help.dydx.trade, article 166992):
 *   Impact Bid Price = average execution price for a market sell of the impact notional value
 *   Impact Ask Price = average execution price for a market buy of the impact notional value
 *   Impact Notional Amount = 500 USDC / Initial Margin Fraction
 *   Premium = (Max(0, Impact Bid − Index) − Max(0, Index − Impact Ask)) / Index
 * Binance's "Impact Margin Notional" is the same walk with 200 USDT / initial margin rate.
 * `bookPremium` is the numerator (a price difference); funding.ts divides it by the index.
 *
 * The walk takes whole levels while they fit and a fraction of the last level, like dYdX's rational
 * walk, so the average over full lots L (notional N − r) plus r/p_last lots of the last level is
 *   avg = N / (L + r/p_last) = N·p_last / (L·p_last + r)      — exact integers, rounded once.
 * Rounding: the impact bid rounds DOWN and the impact ask rounds UP, so rounding only narrows the
 * premium toward 0. Our rule where the sources differ: a side too thin to fill the notional has no
 * impact price (undefined) and adds 0 to the premium.
 */

const BPS = 10_000n;

/** One aggregated book level; bids best (highest) first, asks best (lowest) first. */
export interface BookLevel {
  price: bigint;
  size: bigint;
}

/** dYdX: base notional / initial margin fraction (500 USDC / 10% = 5,000 USDC). Rounds down. */
export function impactNotionalFromImf(baseNotional: bigint, imfBps: number): bigint {
  return (baseNotional * BPS) / BigInt(imfBps);
}

function walk(levels: readonly BookLevel[], notional: bigint, roundUp: boolean): bigint | undefined {
  if (notional <= 0n) return undefined;
  let remaining = notional;
  let lots = 0n;
  for (const lv of levels) {
    if (lv.size <= 0n || lv.price <= 0n) continue;
    const levelNotional = lv.price * lv.size;
    if (levelNotional < remaining) {
      lots += lv.size;
      remaining -= levelNotional;
      continue;
    }
    // The last level: r = remaining notional, taken as a fraction of lots at lv.price.
    const num = notional * lv.price;
    const den = lots * lv.price + remaining;
    return roundUp ? (num + den - 1n) / den : num / den;
  }
  return undefined;
}

/** Average price of selling `notional` into the bids. Undefined if the bids are too thin. */
export function impactBid(bids: readonly BookLevel[], notional: bigint): bigint | undefined {
  return walk(bids, notional, false);
}

/** Average price of buying `notional` from the asks. Undefined if the asks are too thin. */
export function impactAsk(asks: readonly BookLevel[], notional: bigint): bigint | undefined {
  return walk(asks, notional, true);
}

/** max(impactBid − index, 0) − max(index − impactAsk, 0); a missing side contributes 0. */
export function premiumOf(index: bigint, bid: bigint | undefined, ask: bigint | undefined): bigint {
  const up = bid !== undefined && bid > index ? bid - index : 0n;
  const down = ask !== undefined && ask < index ? index - ask : 0n;
  return up - down;
}

/** The premium of the book over the index at the impact notional (micro-USDC per lot). */
export function bookPremium(
  index: bigint,
  bids: readonly BookLevel[],
  asks: readonly BookLevel[],
  notional: bigint,
): bigint {
  return premiumOf(index, impactBid(bids, notional), impactAsk(asks, notional));
}
