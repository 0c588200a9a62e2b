import type { MarketParams } from "../engine/params.ts";
import { abs } from "../engine/ranges.ts";
import type { AccountLeaf, MarketState, Position } from "../engine/types.ts";

/**
 * Cross-margin arithmetic. Everything is integer micro-USDC: requirements round UP (ceil), so rounding
 * never lets an account look safer than it is.
 */

const BPS = 10_000n;

export function ceilDiv(a: bigint, b: bigint): bigint {
  // b > 0 here; a may be negative only by caller error, handle it anyway.
  return a >= 0n ? (a + b - 1n) / b : -(-a / b);
}

/** `notional * bps / 10000` rounded down: fees and penalties never take more than the rate. */
export function bpsOf(notional: bigint, bps: number): bigint {
  return (abs(notional) * BigInt(bps)) / BPS;
}

/** `|size| * mark * bps / 10000` rounded up. */
export function requirement(size: bigint, mark: bigint, bps: number): bigint {
  return ceilDiv(abs(size) * mark * BigInt(bps), BPS);
}

export function unrealisedPnl(p: Position, mark: bigint): bigint {
  return p.size * mark - p.entryNotional;
}

export function unsettledFunding(p: Position, fundingIndex: bigint): bigint {
  return p.size * (fundingIndex - p.fundingSnapshot);
}

/** Account value: collateral + Σ (size·mark − entryNotional) + unsettled funding. */
export function equity(a: AccountLeaf, markets: readonly MarketState[]): bigint {
  let v = a.collateral;
  for (let m = 0; m < a.positions.length; m++) {
    const p = a.positions[m] as Position;
    if (p.size === 0n && p.entryNotional === 0n) continue;
    const mk = markets[m] as MarketState;
    v += unrealisedPnl(p, mk.markPrice) + unsettledFunding(p, mk.fundingIndex);
  }
  return v;
}

function totalRequirement(
  a: AccountLeaf,
  markets: readonly MarketState[],
  params: readonly MarketParams[],
  pick: (mp: MarketParams) => number,
  exposure?: (m: number, size: bigint) => bigint,
): bigint {
  let r = 0n;
  for (let m = 0; m < a.positions.length; m++) {
    const size = exposure
      ? exposure(m, (a.positions[m] as Position).size)
      : (a.positions[m] as Position).size;
    if (size === 0n) continue;
    r += requirement(size, (markets[m] as MarketState).markPrice, pick(params[m] as MarketParams));
  }
  return r;
}

export function initialRequirement(
  a: AccountLeaf,
  markets: readonly MarketState[],
  params: readonly MarketParams[],
): bigint {
  return totalRequirement(a, markets, params, (mp) => mp.imfBps);
}

export function maintenanceRequirement(
  a: AccountLeaf,
  markets: readonly MarketState[],
  params: readonly MarketParams[],
): bigint {
  return totalRequirement(a, markets, params, (mp) => mp.mmfBps);
}

/** Resting order totals of one account in one market (lots still open on each side). */
export interface RestingExposure {
  buy: bigint;
  sell: bigint;
}

/** The largest |position| the account can reach in a market if any subset of its resting orders fills. */
export function worstCaseSize(size: bigint, resting: RestingExposure): bigint {
  const up = abs(size + resting.buy);
  const down = abs(size - resting.sell);
  return up > down ? up : down;
}

/**
 * Initial requirement on the worst-case positions (every resting order on the riskier side filled).
 * Orders are margined at the mark; the adverse gap between an order's price and the mark is charged
 * separately by the caller for the order being placed.
 */
export function worstCaseInitialRequirement(
  a: AccountLeaf,
  markets: readonly MarketState[],
  params: readonly MarketParams[],
  resting: readonly RestingExposure[],
): bigint {
  return totalRequirement(
    a,
    markets,
    params,
    (mp) => mp.imfBps,
    (m, size) => {
      const r = resting[m];
      return r ? worstCaseSize(size, r) : size;
    },
  );
}

/** True when the account holds a position and its value is below the maintenance requirement. */
export function isBelowMaintenance(
  a: AccountLeaf,
  markets: readonly MarketState[],
  params: readonly MarketParams[],
): boolean {
  const mm = maintenanceRequirement(a, markets, params);
  return mm > 0n && equity(a, markets) < mm;
}

export function hasPositions(a: AccountLeaf): boolean {
  return a.positions.some((p) => p.size !== 0n);
}

/** A fraction num/den of notional (den > 0), kept exact so a scaled IMF is rounded once, at the end. */
export interface Fraction {
  num: bigint;
  den: bigint;
}

export interface ImfOiScaling {
  lowerCapNotional: bigint;
  upperCapNotional: bigint;
}

/**
 * Open-interest-scaled initial margin fraction, dYdX v4 x/perpetuals (liquidity_tier.go,
 * `GetInitialMarginQuoteQuantums`): with Open Notional = open interest × price,
 *   Scaling Factor = (Open Notional − Lower Cap) / (Upper Cap − Lower Cap)
 *   Effective IMF  = min(Base IMF + max(Scaling Factor · (1 − Base IMF), 0), 1)
 * so the IMF is the base below the lower cap, rises linearly and is 100% from the upper cap on
 * (dYdX's example: base 10%, caps $1M/$2M → 55% at $1.5M). Exact: the caller rounds the requirement up.
 */
export function oiScaledImf(
  imfBps: number,
  openNotional: bigint,
  scaling: ImfOiScaling | undefined,
): Fraction {
  const base = BigInt(imfBps);
  if (!scaling || openNotional <= scaling.lowerCapNotional) return { num: base, den: BPS };
  if (openNotional >= scaling.upperCapNotional) return { num: 1n, den: 1n };
  const span = scaling.upperCapNotional - scaling.lowerCapNotional;
  return { num: base * span + (BPS - base) * (openNotional - scaling.lowerCapNotional), den: BPS * span };
}

/** `|size| * mark * fraction` rounded up. With {imfBps, 10000} it equals `requirement`. */
export function fractionRequirement(size: bigint, mark: bigint, f: Fraction): bigint {
  return ceilDiv(abs(size) * mark * f.num, f.den);
}

/**
 * Initial requirement with each market's IMF scaled by its current open notional (open interest × mark,
 * the committed values) as dYdX v4 does; markets without `imfOiScaling` use imfBps, so the result
 * equals `initialRequirement` / `worstCaseInitialRequirement` there. With `resting`, sizes are the
 * worst case (every resting order on the riskier side filled).
 */
export function oiScaledInitialRequirement(
  a: AccountLeaf,
  markets: readonly MarketState[],
  params: readonly MarketParams[],
  resting?: readonly RestingExposure[],
): bigint {
  let r = 0n;
  for (let m = 0; m < a.positions.length; m++) {
    const held = (a.positions[m] as Position).size;
    const rest = resting?.[m];
    const size = rest ? worstCaseSize(held, rest) : held;
    if (size === 0n) continue;
    const mk = markets[m] as MarketState;
    const mp = params[m] as MarketParams;
    const f = oiScaledImf(mp.imfBps, mk.openInterest * mk.markPrice, mp.imfOiScaling);
    r += fractionRequirement(size, mk.markPrice, f);
  }
  return r;
}
