import { type BookLevel, bookPremium } from "./impact-price.ts";

/**
 * The mark price of one market (micro-USDC per lot, bigint). Pure: the EMA state goes in and comes out.
 *
 * Policies (`MarkPolicy`):
 * - "index": mark = index (what `engine/price.ts` does today).
 * - "impact-ema": mark = index + EMA(premium), premium from the impact bid/ask walk (impact-price.ts,
 *   dYdX v4 / Binance impact notional). This is Binance's "Price Index + Moving Average (basis)" idea
 *   with the impact premium as the basis.
 * - "hyperliquid-median": Hyperliquid docs (hyperliquid.gitbook.io/hyperliquid-docs, HyperCore › Oracle and
 *   Trading › Robust price indices; paraphrased, the exact page text was not at hand): the mark price,
 *   "used for margining, liquidations, and triggering TP/SL orders", is the median of (1) the oracle
 *   price plus a 150-second EMA of the difference between Hyperliquid's mid price and the oracle price,
 *   (2) the median of best bid, best ask and last trade on Hyperliquid, (3) a weighted median of the
 *   same on external perp venues (Binance, OKX, Bybit, Gate IO, MEXC). A local rollup has no external
 *   venues, so our third input is the impact-EMA mark. The caller passes `lastTrade` only while it is recent.
 *   The book component is the median of the present values of {bestBid, bestAsk, lastTrade} (two
 *   present: their mean, rounded down, i.e. the mid; none: the index).
 *
 * EMA, per sample with integer math: ema' = ema + trunc(alphaBps·(x − ema) / 10000). Truncation is
 * toward zero, so ema' lies between ema and x (it never overshoots, and may stop short of x by less
 * than 10000/alphaBps). A new market starts at ema = 0, i.e. mark = index. A sample the book cannot
 * provide (no mid) leaves that EMA unchanged.
 * The mark is not clamped: after a sharp fall of the index an old negative EMA can outweigh it, so the
 * caller range-checks the result ((0, 2^40), as `engine/price.ts` does for the index).
 */

const BPS = 10_000n;

export function emaStep(prev: bigint, sample: bigint, alphaBps: number): bigint {
  return prev + (BigInt(alphaBps) * (sample - prev)) / BPS;
}

/**
 * Alpha (bps) for a half-life of n samples: the smallest a with (1 − a/10000)^n ≤ 1/2, found by
 * bisection on exact integers (no floats), so a sample's weight halves within n steps.
 */
export function alphaBpsForHalfLife(halfLifeSamples: number): number {
  if (!Number.isInteger(halfLifeSamples) || halfLifeSamples < 1) {
    throw new RangeError(`half-life must be a positive integer of samples, got ${halfLifeSamples}`);
  }
  const n = BigInt(halfLifeSamples);
  const half = BPS ** n; // compare 2·(10000 − a)^n ≤ 10000^n
  let lo = 1;
  let hi = 10_000;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (2n * (BPS - BigInt(mid)) ** n <= half) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Median of up to three values; an even count takes the mean of the middle two, rounded down. */
export function median(values: readonly bigint[]): bigint | undefined {
  const s = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const n = s.length;
  if (n === 0) return undefined;
  const hi = s[n >> 1] as bigint;
  if (n % 2 === 1) return hi;
  const lo = s[(n >> 1) - 1] as bigint;
  const sum = lo + hi;
  return sum >= 0n ? sum / 2n : -((-sum + 1n) / 2n);
}

export type MarkPolicy =
  | { kind: "index" }
  | { kind: "impact-ema"; impactNotional: bigint; alphaBps: number }
  | { kind: "hyperliquid-median"; impactNotional: bigint; alphaBps: number; midAlphaBps: number };

export interface MarkEmaState {
  /** EMA of the impact premium (micro-USDC per lot). */
  premiumEma: bigint;
  /** EMA of (mid − index), Hyperliquid's first component. */
  midBasisEma: bigint;
}

export const INITIAL_MARK_STATE: MarkEmaState = Object.freeze({ premiumEma: 0n, midBasisEma: 0n });

export interface MarkInputs {
  index: bigint;
  bids: readonly BookLevel[];
  asks: readonly BookLevel[];
  lastTrade?: bigint | undefined;
  state?: MarkEmaState | undefined;
}

export interface MarkResult {
  mark: bigint;
  state: MarkEmaState;
  /** The candidates the median was taken over (hyperliquid-median only). */
  components?: readonly bigint[];
}

export function computeMark(policy: MarkPolicy, inputs: MarkInputs): MarkResult {
  const { index, bids, asks } = inputs;
  const prev = inputs.state ?? INITIAL_MARK_STATE;
  if (policy.kind === "index") return { mark: index, state: prev };
  const premium = bookPremium(index, bids, asks, policy.impactNotional);
  const premiumEma = emaStep(prev.premiumEma, premium, policy.alphaBps);
  const emaMark = index + premiumEma;
  if (policy.kind === "impact-ema") return { mark: emaMark, state: { ...prev, premiumEma } };

  const bestBid = bids[0]?.price;
  const bestAsk = asks[0]?.price;
  const mid = bestBid !== undefined && bestAsk !== undefined ? (bestBid + bestAsk) / 2n : undefined;
  const midBasisEma =
    mid === undefined ? prev.midBasisEma : emaStep(prev.midBasisEma, mid - index, policy.midAlphaBps);
  const oracleMark = index + midBasisEma;
  const present = [bestBid, bestAsk, inputs.lastTrade].filter((v): v is bigint => v !== undefined);
  const bookMark = median(present) ?? index;
  const components = [oracleMark, bookMark, emaMark] as const;
  return { mark: median(components) as bigint, state: { premiumEma, midBasisEma }, components };
}
