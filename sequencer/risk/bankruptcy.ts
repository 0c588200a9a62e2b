import { BaseError } from "../../core/errors.ts";
import type { MarketParams } from "../engine/params.ts";
import { abs } from "../engine/ranges.ts";
import type { AccountLeaf, MarketState, Position } from "../engine/types.ts";
import { ceilDiv, equity, maintenanceRequirement, requirement } from "./margin.ts";

/**
 * Bankruptcy price and dYdX v4 fillable price of one position (micro-USDC per lot, bigint, pure).
 *
 * Bankruptcy price (cross margin): the price of market m at which the account's equity is exactly 0,
 * every other position valued at its mark. Equity is linear in that price, E(P) = E + size·(P − mark)
 * with E = margin.ts `equity` at the marks (unsettled funding included), so
 *   P_bk = mark − E / size.
 * This is also how BitMEX/Bybit define it ("the price at which the position's losses equal its margin"),
 * with the whole account's equity as the margin because margin here is cross.
 *
 * Fillable price: dYdX v4 `x/clob/keeper/liquidations.go` `GetFillablePrice` (read in
 * dydxprotocol/v4-chain): fillable = (PNNV − ABR·SMMR·PMMR) / PS, where
 *   ABR  = clamp(BA·(1 − TNC/TMMR), 0, 1)   (adjusted bankruptcy rating)
 *   PNNV = PS·mark (position net notional), PMMR = the position's maintenance requirement,
 *   TNC / TMMR = the account's total net collateral / total maintenance requirement,
 *   BA = bankruptcy_adjustment_ppm, SMMR = spread_to_maintenance_margin_ratio_ppm
 *   (dYdX defaults: BA = 1,000,000, SMMR = 100,000 — `LiquidationsConfig_Default`).
 * So the liquidation spread grows from 0 (TNC = TMMR, just liquidatable) to SMMR·PMMR (TNC ≤ 0 with
 * BA = 1): the price moves from the mark toward the bankruptcy side by at most SMMR·MMF·mark per lot.
 * NOTE: dYdX's fillable price is not clamped to the bankruptcy price: with TNC < 0 the bankruptcy
 * price lies beyond the mark and fills between the two need the insurance fund (`GetLiquidationInsuranceFundDelta`).
 * dYdX's own bankruptcy price for a partial close (`GetBankruptcyPriceInQuoteQuantums`: −DNNV − TNC·|DMMR|/TMMR)
 * shares TNC by maintenance requirement; for a whole position with no other positions it equals P_bk.
 *
 * Rounding never favours the liquidated account: both prices round DOWN for a long (it sells lower)
 * and UP for a short (it buys back higher): price = mark ∓ ceil(x / |size|). Closing the whole position
 * at the rounded P_bk therefore leaves equity `residual` in (−|size|, 0]: at most |size| − 1 micro-USDC
 * of dust that the insurance fund covers, never a gain for the bankrupt account.
 */

const PPM = 1_000_000n;

export class BankruptcyError extends BaseError {
  override name = "BankruptcyError";
  declare readonly code: "NO_POSITION" | "BAD_BANKRUPTCY_INPUT";

  constructor(code: BankruptcyError["code"], message: string, details: Record<string, unknown> = {}) {
    super(code, message, { details });
  }
}

/** mark ∓ ceil(x/d): minus for a long, plus for a short, so the account always gets the worse price. */
function againstAccount(size: bigint, mark: bigint, x: bigint, d: bigint): bigint {
  const off = ceilDiv(x, d);
  return size > 0n ? mark - off : mark + off;
}

function check(size: bigint, mark: bigint): void {
  if (size === 0n) throw new BankruptcyError("NO_POSITION", "position size is zero", { size });
  if (mark <= 0n) throw new BankruptcyError("BAD_BANKRUPTCY_INPUT", "mark must be positive", { mark });
}

export interface BankruptcyPrice {
  /** micro-USDC per lot; a long that cannot go bankrupt (E ≥ size·mark) is clamped to 0. */
  price: bigint;
  /** Equity left after closing the whole position at `price`: in (−|size|, 0] unless clamped. */
  residual: bigint;
}

/** P_bk = mark − E/size, rounded against the account. `accountEquity` is the cross equity at the marks. */
export function bankruptcyPrice(size: bigint, mark: bigint, accountEquity: bigint): BankruptcyPrice {
  check(size, mark);
  let price = againstAccount(size, mark, accountEquity, abs(size));
  if (price < 0n) price = 0n;
  return { price, residual: accountEquity + size * (price - mark) };
}

/** `bankruptcyPrice` of the account's position in `marketId`, equity from margin.ts. */
export function positionBankruptcyPrice(
  a: AccountLeaf,
  markets: readonly MarketState[],
  marketId: number,
): BankruptcyPrice {
  const p = a.positions[marketId] as Position;
  return bankruptcyPrice(p.size, (markets[marketId] as MarketState).markPrice, equity(a, markets));
}

/** dYdX v4 `FillablePriceConfig`, both in parts per million. */
export interface FillablePriceConfig {
  bankruptcyAdjustmentPpm: bigint;
  spreadToMaintenanceMarginRatioPpm: bigint;
}

export const DYDX_FILLABLE_PRICE_DEFAULT: FillablePriceConfig = Object.freeze({
  bankruptcyAdjustmentPpm: 1_000_000n,
  spreadToMaintenanceMarginRatioPpm: 100_000n,
});

export interface FillableInput {
  size: bigint;
  mark: bigint;
  mmfBps: number;
  /** TNC: the account's equity at the marks. */
  totalEquity: bigint;
  /** TMMR: the account's maintenance requirement (> 0 for an account with positions). */
  totalMaintenance: bigint;
}

/** (PNNV − ABR·SMMR·PMMR)/PS, exact rationals, rounded once against the account. */
export function fillablePrice(i: FillableInput, cfg: FillablePriceConfig): bigint {
  check(i.size, i.mark);
  const smmr = cfg.spreadToMaintenanceMarginRatioPpm;
  if (i.totalMaintenance <= 0n || cfg.bankruptcyAdjustmentPpm < 0n || smmr < 0n || smmr > PPM) {
    throw new BankruptcyError("BAD_BANKRUPTCY_INPUT", "need TMMR > 0, BA ≥ 0 and 0 ≤ SMMR ≤ 1,000,000", {
      totalMaintenance: i.totalMaintenance,
      ...cfg,
    });
  }
  // ABR = abrNum / abrDen, clamped to [0, 1].
  const abrDen = i.totalMaintenance * PPM;
  let abrNum = cfg.bankruptcyAdjustmentPpm * (i.totalMaintenance - i.totalEquity);
  if (abrNum < 0n) abrNum = 0n;
  if (abrNum > abrDen) abrNum = abrDen;
  const pmmr = requirement(i.size, i.mark, i.mmfBps);
  // Spread over the whole position = abrNum·SMMR·PMMR / (abrDen·PPM); per lot divide by |size|.
  // SMMR ≤ 1 and MMF ≤ 1 keep the spread per lot ≤ mark (up to PMMR's ceil), so a long stays ≥ 0.
  const price = againstAccount(i.size, i.mark, abrNum * smmr * pmmr, abrDen * PPM * abs(i.size));
  return price < 0n ? 0n : price;
}

/** `fillablePrice` of the account's position in `marketId`, TNC/TMMR from margin.ts. */
export function positionFillablePrice(
  a: AccountLeaf,
  markets: readonly MarketState[],
  params: readonly MarketParams[],
  marketId: number,
  cfg: FillablePriceConfig = DYDX_FILLABLE_PRICE_DEFAULT,
): bigint {
  const p = a.positions[marketId] as Position;
  return fillablePrice(
    {
      size: p.size,
      mark: (markets[marketId] as MarketState).markPrice,
      mmfBps: (params[marketId] as MarketParams).mmfBps,
      totalEquity: equity(a, markets),
      totalMaintenance: maintenanceRequirement(a, markets, params),
    },
    cfg,
  );
}
