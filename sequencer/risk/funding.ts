import { BaseError } from "../../core/errors.ts";
import { FUNDING_LIMIT } from "../engine/ranges.ts";

/**
 * Funding rate, payment and index (pure integer math; time comes in as arguments).
 *
 * Rates are fractions scaled by RATE_SCALE = 10^9 (parts per billion): 0.01% = 100_000, 0.05% = 500_000.
 * 1. Premium samples: P_i = premium / index (impact-price.ts `bookPremium`), taken every sample interval
 *    (`isSampleDue`), averaged over the funding period:
 *    - "equal": dYdX v4 — "the one-hour premium is calculated as the simple average (i.e. TWAP) of the
 *      60 premiums calculated over the last hour" (help.dydx.trade, Funding Rates on dYdX Chain). With
 *      samples at a fixed interval, equal weights are the time-weighted average.
 *    - "linear": Binance — Average Premium Index = (1·P_1 + 2·P_2 + … + n·P_n) / (1 + 2 + … + n)
 *      (Binance "Introduction to Binance Futures Funding Rates"; from memory, not re-read here).
 * 2. Rate for the period (`FundingPolicy`):
 *    - binance: F = P + clamp(I − P, −0.05%, 0.05%) (I = interest per funding interval, 0.01% by
 *      default), then the capped rate clamp(F, −cap, cap) (Binance caps by a multiple of the
 *      maintenance margin ratio; the multiple is policy).
 *    - dydx-v4: the 8-hour rate R8 = P + I8 (premium treated as an 8-hour rate, default interest 0) is
 *      clamped to ±funding_rate_clamp_factor·(IMF − MMF) (governance default 6,000,000 ppm = 600%), and
 *      a period of length T pays R8·T/8h — "Funding Rate = (Premium Component / 8) + Interest Rate
 *      Component" for hourly funding (dYdX forum DRC on isolated-market funding, dYdX Chain docs).
 * 3. Payment per lot = trunc(rate · price / RATE_SCALE), micro-USDC per lot. BigInt division rounds
 *    toward zero, so |payment| never exceeds the exact amount. Positive: longs pay shorts.
 * 4. Index: SPEC.md settles `collateral += size·(F − snapshot)`. For longs (size > 0) to PAY when the
 *    payment is positive, F must fall: F' = F − payment. Each account moves by size·(−payment), so over
 *    positions with Σ size = 0 the total is exactly 0 whatever the rounding of the payment.
 */

export const RATE_SCALE = 1_000_000_000n;
const BPS = 10_000n;
const EIGHT_HOURS_MS = 8n * 3_600_000n;

export class FundingError extends BaseError {
  override name = "FundingError";
  declare readonly code: "FUNDING_INDEX_OVERFLOW" | "BAD_FUNDING_INPUT";

  constructor(code: FundingError["code"], message: string, details: Record<string, unknown> = {}) {
    super(code, message, { details });
  }
}

export const clamp = (x: bigint, lo: bigint, hi: bigint): bigint => (x < lo ? lo : x > hi ? hi : x);

/** premium / index as a rate (RATE_SCALE), rounded toward zero. */
export function premiumRate(premium: bigint, index: bigint): bigint {
  if (index <= 0n) throw new FundingError("BAD_FUNDING_INPUT", "index must be positive", { index });
  return (premium * RATE_SCALE) / index;
}

/** A premium sample is due when none was taken yet or a whole interval has passed since the last. */
export function isSampleDue(lastSampleMs: bigint | undefined, nowMs: bigint, intervalMs: bigint): boolean {
  return lastSampleMs === undefined || nowMs - lastSampleMs >= intervalMs;
}

export type PremiumWeighting = "equal" | "linear";

/** Weighted average of the period's samples (oldest first), rounded toward zero; 0 without samples. */
export function averagePremium(samples: readonly bigint[], weighting: PremiumWeighting): bigint {
  let sum = 0n;
  let weights = 0n;
  samples.forEach((p, i) => {
    const w = weighting === "linear" ? BigInt(i + 1) : 1n;
    sum += w * p;
    weights += w;
  });
  return weights === 0n ? 0n : sum / weights;
}

export type FundingPolicy =
  | {
      kind: "binance";
      weighting: PremiumWeighting;
      /** I per funding interval (0.01% = 100_000). */
      interestRate: bigint;
      /** The dampener bound (0.05% = 500_000). */
      interestClamp: bigint;
      /** |F| ≤ cap for the interval. */
      cap: bigint;
    }
  | {
      kind: "dydx-v4";
      weighting: PremiumWeighting;
      /** Interest as an 8-hour rate. */
      interestRate8h: bigint;
      /** funding_rate_clamp_factor in ppm (6_000_000 = 600%). */
      clampFactorPpm: bigint;
      imfBps: number;
      mmfBps: number;
      /** Length of the funding period being paid (3_600_000 for hourly). */
      periodMs: bigint;
    };

/** The rate one funding period pays (RATE_SCALE), from that period's premium-rate samples. */
export function fundingRate(policy: FundingPolicy, premiumSamples: readonly bigint[]): bigint {
  const p = averagePremium(premiumSamples, policy.weighting);
  if (policy.kind === "binance") {
    const f = p + clamp(policy.interestRate - p, -policy.interestClamp, policy.interestClamp);
    return clamp(f, -policy.cap, policy.cap);
  }
  const marginGap = (BigInt(policy.imfBps - policy.mmfBps) * RATE_SCALE) / BPS;
  const max8h = (policy.clampFactorPpm * marginGap) / 1_000_000n;
  const rate8h = clamp(p + policy.interestRate8h, -max8h, max8h);
  return (rate8h * policy.periodMs) / EIGHT_HOURS_MS;
}

/** Per-lot payment of one period: trunc(rate·price / RATE_SCALE). Positive means longs pay. */
export function fundingPayment(rate: bigint, price: bigint): bigint {
  return (rate * price) / RATE_SCALE;
}

/** F' = F − payment, so `size·(F' − F)` debits longs when the payment is positive. Range-checked. */
export function nextFundingIndex(fundingIndex: bigint, payment: bigint): bigint {
  const next = fundingIndex - payment;
  if (next <= -FUNDING_LIMIT || next >= FUNDING_LIMIT) {
    throw new FundingError("FUNDING_INDEX_OVERFLOW", "funding index leaves (-2^63, 2^63)", {
      fundingIndex,
      payment,
    });
  }
  return next;
}
