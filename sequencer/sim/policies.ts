/**
 * Named full risk policies for the simulator: each is the devnet's `defaultEngineParams(M)` with a
 * different `risk` block (liquidation waterfall, mark, funding), so one tape can be replayed under
 * several venues' rules and only the risk rules differ. Every policy gets the same `rngSeed`.
 *
 * - simple: the engine defaults (index mark, no funding, SIMPLE_LIQUIDATION: whole position on the book
 *   within the liquidation band, then the backstop at the mark).
 * - ftx: the `ftx` liquidation preset (help.ftx.com "Liquidations": 10% chunks × uniform(0.5, 1.5),
 *   probability ⅙ per second, 1–5 bp IOC; BLP hand-over at ½ maintenance), index mark, no funding
 *   (FTX's hourly funding, TWAP(premium)/24, is not one of the engine's funding kinds).
 * - backpack: the `backpack` preset (support.backpack.exchange "Liquidation": on-book, backstop, ADL;
 *   10% chunks at 50% probability per loop from an unofficial overview; the rest FTX placeholders),
 *   index mark, no funding.
 * - hyperliquid: the `hyperliquid` preset (hyperliquid-docs "Liquidations": full position as a market
 *   order, 20% chunks above 100k USDC with a 30 s cooldown, liquidator vault below ⅔ maintenance),
 *   `hyperliquid-median` mark (docs "Robust price indices": median of oracle + 150 s EMA of mid − oracle,
 *   the book median, and — no external venues here — the impact-EMA mark), impact notional 20,000 USDC
 *   (docs "Funding": impact notional 20,000 USDC for BTC and ETH), EMAs with α ≈ 2/(150+1) per 1 s sample;
 *   hourly funding, premium sampled every 5 s (docs "Funding"), with the "binance" formula
 *   F = P + clamp(I − P, ±0.05%) and Hyperliquid's 0.01%/8h interest and 4%/h cap expressed per hour
 *   (I = 0.00125%/h, clamp 0.00625%/h). Hyperliquid divides the 8h rate by 8; the engine's binance kind
 *   pays the period's premium as is, so the premium part is ~8× Hyperliquid's (a known approximation).
 * - dydx: the hyperliquid on-book shape (dYdX v4 liquidates the whole position with one IOC at the
 *   fillable price) with `adl.ranking: "random-start"` (the vault threshold stays the preset's ⅔
 *   maintenance); `impact-ema` mark with the dYdX impact notional 500 USDC / IMF
 *   (help.dydx.trade "Funding Rates on dYdX Chain"); `dydx-v4` funding: equal-weight premium average,
 *   samples every 60 s, hourly payment of R8/8, interest 0, clamp factor 600% (governance default).
 */

import { BaseError } from "../../core/errors.ts";
import { defaultEngineParams, type EngineParams, type EngineParamsInput } from "../engine/params.ts";
import { type RiskParamsInput, SIMPLE_LIQUIDATION } from "../engine/risk-params.ts";
import { impactNotionalFromImf } from "../risk/impact-price.ts";
import { backpack, ftx, hyperliquid } from "../risk/liquidation/policy.ts";

const USDC = 1_000_000n;

export class UnknownPolicyError extends BaseError {
  override name = "UnknownPolicyError";
  declare readonly code: "UNKNOWN_SIM_POLICY";
  constructor(name: string) {
    super("UNKNOWN_SIM_POLICY", `unknown policy "${name}"; known policies: ${POLICY_NAMES.join(", ")}`, {
      details: { name, known: [...POLICY_NAMES] },
    });
  }
}

/** α (bps) of an EMA spanning ~150 one-second samples: 2/(150+1) ≈ 1.32%. */
const EMA_150S_BPS = 132;

type RiskBuilder = (base: EngineParams) => RiskParamsInput;

const RISK: Record<string, RiskBuilder> = {
  simple: () => ({ liquidation: SIMPLE_LIQUIDATION }),
  ftx: () => ({ liquidation: ftx }),
  backpack: () => ({ liquidation: backpack }),
  hyperliquid: () => ({
    liquidation: hyperliquid,
    mark: {
      kind: "hyperliquid-median",
      impactNotional: 20_000n * USDC,
      alphaBps: EMA_150S_BPS,
      midAlphaBps: EMA_150S_BPS,
    },
    funding: {
      policy: {
        kind: "binance",
        weighting: "equal",
        interestRate: 12_500n,
        interestClamp: 62_500n,
        cap: 40_000_000n,
      },
      sampleIntervalMs: 5_000n,
      periodMs: 3_600_000n,
    },
  }),
  dydx: (base) => ({
    liquidation: { ...hyperliquid, name: "dydx", adl: { ranking: "random-start" } },
    mark: {
      kind: "impact-ema",
      impactNotional: impactNotionalFromImf(500n * USDC, base.markets[0]?.imfBps ?? 1_000),
      alphaBps: EMA_150S_BPS,
    },
    funding: {
      policy: { kind: "dydx-v4", weighting: "equal", interestRate8h: 0n, clampFactorPpm: 6_000_000n },
      sampleIntervalMs: 60_000n,
      periodMs: 3_600_000n,
    },
  }),
};

export const POLICY_NAMES: readonly string[] = Object.freeze(Object.keys(RISK));

export function isPolicyName(name: string): boolean {
  return Object.hasOwn(RISK, name);
}

/**
 * Engine params for a named policy over `markets` default markets. `rngSeed` is the same for every
 * policy (the runner derives it from the tape's seed).
 */
export function policyParams(name: string, markets: number, rngSeed = 0n): EngineParamsInput {
  const build = Object.hasOwn(RISK, name) ? RISK[name] : undefined;
  if (!build) throw new UnknownPolicyError(name);
  const base = defaultEngineParams(markets);
  return {
    ...base,
    markets: base.markets.map((m) => ({ ...m })),
    risk: { ...build(base), rngSeed },
  } as EngineParamsInput;
}
