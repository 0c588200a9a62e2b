import { z } from "zod";
import { liquidationPolicySchema } from "../risk/liquidation/policy.ts";

/**
 * The engine's risk policy: everything a researcher varies when replaying one tape under different
 * venues' rules. Parsed once with the engine params; every field has a default that keeps the devnet's
 * behaviour (index mark, no funding, the "simple" waterfall), so existing callers need not name it.
 */

const bps = z.number().int().min(0).max(10_000);
const USDC = 1_000_000n;

export const oracleParamsSchema = z.object({
  /**
   * An index older than this (sequencer receive time − keeper timestamp) is refused: STALE_ORACLE. On by
   * default: a keeper that stalls must not be able to move the mark later with an old observation.
   */
  maxAgeMs: z.bigint().positive().default(60_000n),
  /**
   * One step may move the index at most this much: ORACLE_DEVIATION. The default (50%) only stops a
   * fat-fingered or corrupted feed; venues' tighter bands are policy. 10000 = off.
   */
  maxStepBps: bps.min(1).default(5_000),
  /** TWAP window of the circuit breaker. */
  twapWindowMs: z.bigint().positive().default(300_000n),
  /** Breaker trips while |index − TWAP| > this (new risk paused, reductions and liquidations go on). 0 = off. */
  breakerBps: bps.default(0),
});

export const markPolicySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("index") }),
  z.object({ kind: z.literal("impact-ema"), impactNotional: z.bigint().positive(), alphaBps: bps.min(1) }),
  z.object({
    kind: z.literal("hyperliquid-median"),
    impactNotional: z.bigint().positive(),
    alphaBps: bps.min(1),
    midAlphaBps: bps.min(1),
  }),
]);

const weighting = z.enum(["equal", "linear"]);
export const fundingParamsSchema = z.object({
  policy: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("none") }),
    z.object({
      kind: z.literal("binance"),
      weighting,
      interestRate: z.bigint(),
      interestClamp: z.bigint().nonnegative(),
      cap: z.bigint().nonnegative(),
    }),
    z.object({
      kind: z.literal("dydx-v4"),
      weighting,
      interestRate8h: z.bigint(),
      clampFactorPpm: z.bigint().nonnegative(),
    }),
  ]),
  /** A premium sample is taken on the first price at least this long after the previous sample. */
  sampleIntervalMs: z.bigint().positive().default(60_000n),
  /** Funding is paid (the index moves) on the first price at least this long after the last payment. */
  periodMs: z.bigint().positive().default(3_600_000n),
});

export const insuranceParamsSchema = z.object({
  /** Most the fund pays towards one liquidation tx's deficit; the rest goes to ADL. */
  maxCoverPerEvent: z
    .bigint()
    .nonnegative()
    .default(1n << 79n),
  /** OKX-style proactive ADL: a drawdown of thresholdBps within windowMs sends deficits straight to ADL. */
  drawdown: z.object({ windowMs: z.bigint().positive(), thresholdBps: bps.min(1) }).optional(),
});

/**
 * The simple rule of the walking skeleton as a waterfall preset: the whole position on the book within
 * the liquidation band at once, then the backstop takes the rest at the mark (threshold 1/1 means any
 * account below maintenance qualifies; caps are effectively unlimited).
 */
export const SIMPLE_LIQUIDATION = {
  name: "simple",
  onBook: {
    shareBps: 10_000,
    minChunkNotional: 0n,
    sizeJitterBps: 0,
    schedule: { kind: "interval", intervalMs: 0n, jitterMs: 0n },
    order: { kind: "band", minBps: 500, maxBps: 500 },
  },
  vault: {
    maxMarketNotional: 1n << 100n,
    perMinuteNotional: 1n << 100n,
    perHourNotional: 1n << 100n,
    threshold: { num: 1, den: 1 },
  },
  adl: { ranking: "pnl-leverage" },
} as const;

export const riskParamsSchema = z.object({
  oracle: oracleParamsSchema.prefault({}),
  mark: markPolicySchema.prefault({ kind: "index" }),
  /**
   * The mark stays within this band around the index (bps of the index), whatever the book does:
   * the proof checks the same band (docs/PROOF.md "Prices"), so a mark outside it would make the
   * batch unprovable. 10,000 = no band.
   */
  markBandBps: bps.default(1_000),
  funding: fundingParamsSchema.prefault({ policy: { kind: "none" } }),
  liquidation: liquidationPolicySchema.prefault(SIMPLE_LIQUIDATION),
  insurance: insuranceParamsSchema.prefault({}),
  /** Seeds the engine's randomness (liquidation jitter, ADL random start); per tx it is mixed with seq. */
  rngSeed: z.bigint().nonnegative().default(0n),
});

export type RiskParams = z.infer<typeof riskParamsSchema>;
export type RiskParamsInput = z.input<typeof riskParamsSchema>;
export { USDC };
