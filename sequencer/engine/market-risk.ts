import {
  FundingError,
  type FundingPolicy,
  fundingPayment,
  fundingRate,
  isSampleDue,
  nextFundingIndex,
  premiumRate,
} from "../risk/funding.ts";
import { type BookLevel, bookPremium, impactNotionalFromImf } from "../risk/impact-price.ts";
import { computeMark, type MarkEmaState, type MarkPolicy } from "../risk/mark-price.ts";
import {
  type BreakerState,
  breakerState,
  checkIndexPrice,
  type IndexSample,
  indexTwap,
  OracleError,
} from "../risk/oracle.ts";
import { engineError } from "./errors.ts";
import type { MarketParams } from "./params.ts";
import { MARK_PRICE_LIMIT } from "./ranges.ts";
import type { RiskParams } from "./risk-params.ts";
import type { MarketRiskState } from "./risk-state.ts";

/**
 * One market's price step as a pure function: the committed risk memory and the new index in, the next
 * memory, mark and funding index out. `price.ts` writes the result only through the TxContext (mark,
 * funding index) and an onCommit hook (everything off-tree), so a refused price changes nothing.
 */

/** Book levels the impact walk may use. Deeper than any realistic impact notional needs, and bounded work. */
export const IMPACT_BOOK_DEPTH = 256;

/** dYdX v4's impact notional is 500 USDC / IMF ("Funding Rates on dYdX Chain", help.dydx.trade). */
const DYDX_IMPACT_BASE_NOTIONAL = 500_000_000n;

/** Deviation guard "off" (maxStepBps = 10000, see risk-params.ts) must not refuse a >100% move. */
const NO_STEP_LIMIT = Number.MAX_SAFE_INTEGER;

export interface PriceStepInput {
  marketId: number;
  price: bigint;
  timestampMs: bigint;
  /** Engine time for this tx: max(engine time so far, the tx's receive time). */
  nowMs: bigint;
  fundingIndex: bigint;
  bids: readonly BookLevel[];
  asks: readonly BookLevel[];
}

export interface PriceStep {
  mark: bigint;
  /** Unchanged unless a funding period closed. */
  fundingIndex: bigint;
  fundingPaid: boolean;
  next: MarketRiskState;
}

/** checkIndexPrice with the engine's codes: a non-positive index is BAD_PRICE, the rest keep their code. */
export function guardIndex(
  prev: IndexSample | undefined,
  next: IndexSample,
  nowMs: bigint,
  oracle: RiskParams["oracle"],
  marketId: number,
): void {
  const maxStepBps = oracle.maxStepBps >= 10_000 ? NO_STEP_LIMIT : oracle.maxStepBps;
  try {
    checkIndexPrice(prev, next, nowMs, { maxAgeMs: oracle.maxAgeMs, maxStepBps });
  } catch (err) {
    if (!(err instanceof OracleError)) throw err;
    const code = err.code === "BAD_ORACLE_PRICE" ? "BAD_PRICE" : err.code;
    throw engineError(code, err.message, { marketId, ...err.details });
  }
}

/**
 * Keeps the samples the TWAP over [now − window, now] needs: those inside the window plus the last one
 * before it (it is the price in force when the window opens).
 */
export function pruneIndexSamples(
  samples: readonly IndexSample[],
  windowMs: bigint,
  nowMs: bigint,
): IndexSample[] {
  const start = nowMs - windowMs;
  let first = 0;
  while (first + 1 < samples.length && (samples[first + 1] as IndexSample).timestampMs <= start) first++;
  return samples.slice(first);
}

/** The impact notional the funding premium is sampled at: the mark policy's, else dYdX's 500 USDC / IMF. */
export function impactNotionalOf(mark: MarkPolicy, mp: MarketParams): bigint {
  return mark.kind === "index"
    ? impactNotionalFromImf(DYDX_IMPACT_BASE_NOTIONAL, mp.imfBps)
    : mark.impactNotional;
}

/** risk-params' dydx-v4 policy leaves IMF/MMF to the market and the period to the funding params. */
export function fundingPolicyOf(f: RiskParams["funding"], mp: MarketParams): FundingPolicy | undefined {
  const p = f.policy;
  if (p.kind === "none") return undefined;
  if (p.kind === "binance") return p;
  return { ...p, imfBps: mp.imfBps, mmfBps: mp.mmfBps, periodMs: f.periodMs };
}

const clampMark = (x: bigint): bigint => (x < 1n ? 1n : x >= MARK_PRICE_LIMIT ? MARK_PRICE_LIMIT - 1n : x);

/** The mark within `bandBps` of the index, rounded toward the index (the proof's band check). */
function clampToBand(mark: bigint, index: bigint, bandBps: number): bigint {
  const band = (index * BigInt(bandBps)) / 10_000n;
  const lo = index - band > 1n ? index - band : 1n;
  const hi = index + band;
  return mark < lo ? lo : mark > hi ? hi : mark;
}

export function priceStep(
  risk: RiskParams,
  mp: MarketParams,
  prev: MarketRiskState,
  input: PriceStepInput,
): PriceStep {
  const { marketId, price, nowMs, bids, asks } = input;
  const sample: IndexSample = { price, timestampMs: input.timestampMs };
  guardIndex(prev.index, sample, nowMs, risk.oracle, marketId);

  const indexSamples = pruneIndexSamples([...prev.indexSamples, sample], risk.oracle.twapWindowMs, nowMs);
  let breaker: BreakerState = { tripped: false };
  // The new sample weighs only from its own time to now (usually ~0), so the index is compared with
  // the window's past, as Drift compares the oracle with its 5-minute TWAP.
  if (risk.oracle.breakerBps > 0) {
    const twap = indexTwap(indexSamples, risk.oracle.twapWindowMs, nowMs) as bigint;
    breaker = breakerState(price, twap, risk.oracle.breakerBps);
  }

  const marked = computeMark(risk.mark, {
    index: price,
    bids,
    asks,
    // Passed however old: in Hyperliquid's book median it sits between the best bid and ask when both
    // exist, so a stale last trade cannot drag the mark outside the spread.
    lastTrade: prev.lastTradePrice,
    state: prev.markState,
  });
  // Clamped, not refused: refusing the index because of a book-driven EMA would also stop the
  // liquidations and funding that this price is meant to trigger. The EMA itself carries on unclamped.
  const mark = clampToBand(clampMark(marked.mark), price, risk.markBandBps);
  const markState: MarkEmaState = marked.state;

  let { premiumSamples, lastSampleMs, lastFundingMs, lastFundingRate } = prev;
  let fundingIndex = input.fundingIndex;
  let fundingPaid = false;
  const policy = fundingPolicyOf(risk.funding, mp);
  if (policy) {
    // The first index opens the first period, so nobody pays for time before the market had a price.
    if (lastFundingMs === undefined) lastFundingMs = nowMs;
    if (isSampleDue(lastSampleMs, nowMs, risk.funding.sampleIntervalMs)) {
      const premium = bookPremium(price, bids, asks, impactNotionalOf(risk.mark, mp));
      premiumSamples = [...premiumSamples, premiumRate(premium, price)];
      lastSampleMs = nowMs;
    }
    // One payment per price that closes a period, even after a gap: a gap has no premium samples to
    // pay for, and the next period starts now rather than on a fixed grid.
    if (nowMs - lastFundingMs >= risk.funding.periodMs) {
      const rate = fundingRate(policy, premiumSamples);
      try {
        fundingIndex = nextFundingIndex(fundingIndex, fundingPayment(rate, price));
      } catch (err) {
        if (!(err instanceof FundingError)) throw err;
        throw engineError("RANGE_OVERFLOW", err.message, { field: "fundingIndex", marketId, rate });
      }
      fundingPaid = true;
      premiumSamples = [];
      lastFundingMs = nowMs;
      lastFundingRate = rate;
    }
  }

  return {
    mark,
    fundingIndex,
    fundingPaid,
    next: {
      ...prev,
      index: sample,
      indexSamples,
      breaker,
      markState,
      premiumSamples,
      lastSampleMs,
      lastFundingMs,
      lastFundingRate,
    },
  };
}

/** While the market's breaker is tripped, orders that could add exposure are refused (oracle.ts, Drift). */
export function requireBreakerAllows(prev: MarketRiskState, marketId: number, accountId: number): void {
  if (!prev.breaker.tripped) return;
  throw engineError("BREAKER_TRIPPED", "circuit breaker is tripped: only orders that reduce exposure", {
    marketId,
    accountId,
    index: prev.breaker.index,
    twap: prev.breaker.twap,
  });
}
