import { BaseError } from "../../core/errors.ts";

/**
 * Oracle guard and circuit breaker for one market's index price. Pure: `nowMs` is an argument.
 *
 * Guard (`checkIndexPrice`), three rules, each a typed error:
 * - STALE_ORACLE: the price must lie in the window [now − maxAgeMs, now]. Same rule as Pyth's
 *   `getPriceNoOlderThan(id, age)` (reverts `StalePrice` when `now − publishTime > age`) and the
 *   Chainlink "compare updatedAt against the feed's heartbeat" check; a price from the future is
 *   outside the window too.
 * - ORACLE_NOT_MONOTONIC: timestamps strictly increase (as `engine/price.ts` already requires), so a
 *   replayed or reordered old price is refused.
 * - ORACLE_DEVIATION: one update may move at most maxStepBps from the previous price:
 *   |next − prev|·10000 > maxStepBps·prev is refused (exact integers, no rounding). Felix and
 *   trade.xyz (Hyperliquid HIP-3 deployers) bound each update the same way ("each oracle update can
 *   change markPx by at most 1%", "relayer updates are clamped to ±50 bps"); they clamp, we refuse.
 *
 * Circuit breaker: the time-weighted average (TWAP) of the index over a window, and a trip when the
 * index is more than thresholdBps away from it — Drift protocol-v2's OracleGuardRails
 * `oracle_twap_5min_percent_divergence` / `is_oracle_too_divergent_with_twap_5min`, which refuses
 * orders (`OrderBreachesOraclePriceLimits`) while the oracle is too far from its 5-minute TWAP.
 * A tripped breaker blocks NEW risk only: reductions and liquidations must always go through, or the
 * breaker would lock in the losses it exists to contain.
 */

const BPS = 10_000n;

export interface IndexSample {
  /** micro-USDC per lot, > 0 */
  price: bigint;
  timestampMs: bigint;
}

export interface OracleGuardPolicy {
  maxAgeMs: bigint;
  maxStepBps: number;
}

export type OracleErrorCode =
  | "BAD_ORACLE_PRICE"
  | "STALE_ORACLE"
  | "ORACLE_NOT_MONOTONIC"
  | "ORACLE_DEVIATION";

export class OracleError extends BaseError {
  override name = "OracleError";
  declare readonly code: OracleErrorCode;

  constructor(code: OracleErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, { details });
  }
}

/** Throws an `OracleError` if `next` must not become the index; returns nothing when it may. */
export function checkIndexPrice(
  prev: IndexSample | undefined,
  next: IndexSample,
  nowMs: bigint,
  policy: OracleGuardPolicy,
): void {
  if (next.price <= 0n) {
    throw new OracleError("BAD_ORACLE_PRICE", "index price must be positive", { price: next.price });
  }
  if (prev && next.timestampMs <= prev.timestampMs) {
    throw new OracleError("ORACLE_NOT_MONOTONIC", "index timestamp must be newer than the last one", {
      last: prev.timestampMs,
      got: next.timestampMs,
    });
  }
  const age = nowMs - next.timestampMs;
  if (age > policy.maxAgeMs || age < 0n) {
    throw new OracleError("STALE_ORACLE", "index price is outside the freshness window", {
      nowMs,
      timestampMs: next.timestampMs,
      maxAgeMs: policy.maxAgeMs,
    });
  }
  if (prev) {
    const move = next.price > prev.price ? next.price - prev.price : prev.price - next.price;
    if (move * BPS > BigInt(policy.maxStepBps) * prev.price) {
      throw new OracleError("ORACLE_DEVIATION", "index moved more than the allowed step", {
        prev: prev.price,
        next: next.price,
        maxStepBps: policy.maxStepBps,
      });
    }
  }
}

/**
 * Time-weighted average of the index over [nowMs − windowMs, nowMs]. Each sample holds from its
 * timestamp until the next sample (the last one until nowMs); the sample in force at the window's
 * start counts from the start. With no sample before the start the window begins at the first one.
 * Samples must be sorted by strictly increasing time and not later than nowMs. Rounds down.
 * Returns undefined without samples; returns the latest price when the weighted span is empty.
 */
export function indexTwap(
  samples: readonly IndexSample[],
  windowMs: bigint,
  nowMs: bigint,
): bigint | undefined {
  const last = samples[samples.length - 1];
  if (!last) return undefined;
  const start = nowMs - windowMs;
  let weighted = 0n;
  let span = 0n;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] as IndexSample;
    const prevTs = i > 0 ? (samples[i - 1] as IndexSample).timestampMs : undefined;
    if ((prevTs !== undefined && s.timestampMs <= prevTs) || s.timestampMs > nowMs) {
      throw new OracleError("ORACLE_NOT_MONOTONIC", "TWAP samples must increase in time up to now", {
        index: i,
        timestampMs: s.timestampMs,
      });
    }
    const from = s.timestampMs > start ? s.timestampMs : start;
    const to = i + 1 < samples.length ? (samples[i + 1] as IndexSample).timestampMs : nowMs;
    if (to > from) {
      weighted += s.price * (to - from);
      span += to - from;
    }
  }
  return span === 0n ? last.price : weighted / span;
}

/** True when the index is more than thresholdBps away from the TWAP (exact integer comparison). */
export function breakerTripped(index: bigint, twap: bigint, thresholdBps: number): boolean {
  const gap = index > twap ? index - twap : twap - index;
  return gap * BPS > BigInt(thresholdBps) * twap;
}

export type BreakerState = { tripped: false } | { tripped: true; index: bigint; twap: bigint };

export function breakerState(index: bigint, twap: bigint, thresholdBps: number): BreakerState {
  return breakerTripped(index, twap, thresholdBps) ? { tripped: true, index, twap } : { tripped: false };
}

/** What an order or engine action does to an account's exposure. */
export type RiskAction = "increase" | "reduce" | "liquidate";

/** Opening or growing a position (or placing an order that could) is refused while tripped. */
export function allowsNewRisk(state: BreakerState): boolean {
  return !state.tripped;
}

/** The breaker never blocks reductions or liquidations; only "increase" depends on the state. */
export function breakerAllows(state: BreakerState, action: RiskAction): boolean {
  return action === "increase" ? allowsNewRisk(state) : true;
}
