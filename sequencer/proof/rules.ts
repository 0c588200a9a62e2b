import type { EngineParams } from "../engine/params.ts";
import type { ProofRules } from "./model.ts";

/**
 * The base rules a batch circuit is built with, from the engine's params: each market's IMF and MMF,
 * the liquidation penalty cap, the order-fill tree's depth and the backstop vault's id. A policy's
 * stricter choices (OI-scaled IMF, chunk schedules, vault limits) stay the operator's.
 */
export function proofRulesOf(params: EngineParams): ProofRules {
  return {
    markets: params.markets.map((m) => ({ imfBps: m.imfBps, mmfBps: m.mmfBps })),
    penaltyBps: params.liquidationPenaltyBps,
    orderBits: params.orderSlotBits,
    vaultId: params.backstopAccountId,
  };
}
