import type { EngineParams } from "../engine/params.ts";
import type { ProofRules } from "./model.ts";

/**
 * The base rules a batch circuit is built with, from the engine's params: each market's IMF and MMF,
 * the liquidation penalty cap, the order-fill tree's depth and the backstop vault's id. A policy's
 * stricter choices (OI-scaled IMF, chunk schedules, vault limits) stay the operator's.
 */
/**
 * How far from the mark the engine's on-book liquidation orders may fill: the market-order band, or
 * the policy's IOC band where it is wider. The circuit's constant must be at least this.
 */
export function liquidationBandOf(params: EngineParams): number {
  const order = params.risk.liquidation.onBook.order;
  return Math.max(params.marketOrderBandBps, order.kind === "band" ? order.maxBps : 0);
}

export function proofRulesOf(params: EngineParams): ProofRules {
  return {
    markets: params.markets.map((m) => ({ imfBps: m.imfBps, mmfBps: m.mmfBps })),
    penaltyBps: params.liquidationPenaltyBps,
    liquidationBandBps: liquidationBandOf(params),
    orderBits: params.orderSlotBits,
    vaultId: params.backstopAccountId,
  };
}
