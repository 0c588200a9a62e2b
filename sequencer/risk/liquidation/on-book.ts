import { z } from "zod";
import { BaseError } from "../../../core/errors.ts";

/**
 * Tier 1 of the liquidation waterfall: close a position on the book in IOC chunks. Pure: time, the
 * mark and the randomness (`rng: () => number` in [0, 1)) are arguments. Sizes are lots, prices
 * micro-USDC per lot, notionals micro-USDC (SPEC.md units).
 *
 * One chunk, in FTX's order (help.ftx.com "Liquidations", Step 1, read verbatim):
 * 1. Gate: "interval" — due once nowMs ≥ the nextAtMs stored from the previous chunk, which was
 *    previous chunk time + intervalMs + uniform{0..jitterMs}; "probability" — FTX: "every second, for
 *    each future, with probability ⅙": one draw rng() < num/den per call, retry one tickMs later.
 * 2. Size = floor(|size|·shareBps/10000) (FTX: "10% of position size"), bounded below by
 *    min(ceil(minChunkNotional/mark), |size|) (FTX: "bound order notional from below by
 *    min($1000, position size)"), times uniform{10000−j..10000+j}/10000 rounded down (FTX:
 *    "uniform(0.5, 1.5)", j = 5000), bounded above by |size|, and at least 1 lot.
 *    FTX's global cap (0.0001 × daily volume shared by all liquidating accounts) is cross-account:
 *    the engine would apply it, not this function.
 * 3. Price: a "band" order is IOC at mark ∓ uniform{minBps..maxBps} (FTX: "uniform(1bp, 5bp) through
 *    the book"), rounded to the tick toward the mark as `engine/liquidate.ts` liquidationLimit does,
 *    so rounding never widens the band. A "market" order carries no limit: the engine's market band
 *    applies (Hyperliquid: "market orders to the book").
 * Large positions (Hyperliquid docs "Liquidations" and its testnet announcement): above
 * thresholdNotional only shareBps (20%) is sent; "after a block where any position of a user is
 * partially liquidated, there is a cooldown period of 30 seconds. During this cooldown period, all
 * market liquidation orders for that user will be for the entire position". cooldownMode
 * "full-position" is that rule; "wait" is the other reading (no chunk until the cooldown ends).
 * rng draws, in order: probability gate, size jitter, band, interval jitter (only those configured
 * with a non-zero range), so a seeded rng replays exactly.
 */

const BPS = 10_000n;
const bps = z.number().int().min(0).max(10_000);

export const onBookPolicySchema = z
  .object({
    shareBps: bps.min(1),
    minChunkNotional: z.bigint().nonnegative(),
    sizeJitterBps: bps,
    schedule: z.discriminatedUnion("kind", [
      z.object({
        kind: z.literal("interval"),
        intervalMs: z.bigint().nonnegative(),
        jitterMs: z.bigint().nonnegative(),
      }),
      z.object({
        kind: z.literal("probability"),
        tickMs: z.bigint().positive(),
        num: z.number().int().positive(),
        den: z.number().int().positive(),
      }),
    ]),
    order: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("band"), minBps: bps, maxBps: bps }),
      z.object({ kind: z.literal("market") }),
    ]),
    largePosition: z
      .object({
        thresholdNotional: z.bigint().positive(),
        shareBps: bps.min(1),
        cooldownMs: z.bigint().nonnegative(),
        cooldownMode: z.enum(["full-position", "wait"]),
      })
      .optional(),
  })
  .refine((p) => p.schedule.kind !== "probability" || p.schedule.num <= p.schedule.den, "probability above 1")
  .refine((p) => p.order.kind !== "band" || p.order.minBps <= p.order.maxBps, "band minBps > maxBps");

export type OnBookPolicy = z.infer<typeof onBookPolicySchema>;

export class OnBookError extends BaseError {
  override name = "OnBookError";
  declare readonly code: "BAD_ON_BOOK_INPUT";
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("BAD_ON_BOOK_INPUT", message, { details });
  }
}

/** What the caller keeps per liquidating position between calls. */
export interface ChunkState {
  nextAtMs?: bigint | undefined;
  lastPartialMs?: bigint | undefined;
}

export type ChunkDecision =
  | { kind: "idle" }
  | { kind: "wait"; notBeforeMs: bigint }
  | {
      kind: "chunk";
      side: "buy" | "sell";
      size: bigint;
      order: { kind: "ioc"; limitPrice: bigint } | { kind: "market" };
      partial: boolean;
      state: ChunkState;
    };

/** Uniform integer in [lo, hi] from one rng() draw; no draw when lo = hi. */
export function uniformInt(rng: () => number, lo: bigint, hi: bigint): bigint {
  if (hi <= lo) return lo;
  const u = rng();
  if (!(u >= 0 && u < 1)) throw new OnBookError("rng must return a number in [0, 1)", { u });
  const span = hi - lo + 1n;
  const k = BigInt(Math.floor(u * Number(span)));
  return lo + (k < span ? k : span - 1n);
}

/** Worst price for the chunk: mark ∓ bandBps, rounded to the tick toward the mark. */
export function bandLimit(mark: bigint, side: "buy" | "sell", bandBps: bigint, tickSize: bigint): bigint {
  if (side === "buy") return ((mark * (BPS + bandBps)) / BPS / tickSize) * tickSize;
  const unit = BPS * tickSize;
  return ((mark * (BPS - bandBps) + unit - 1n) / unit) * tickSize;
}

export function decideChunk(
  policy: OnBookPolicy,
  position: { size: bigint; mark: bigint; tickSize?: bigint },
  state: ChunkState,
  nowMs: bigint,
  rng: () => number,
): ChunkDecision {
  const { size, mark } = position;
  const tick = position.tickSize ?? 1n;
  if (mark <= 0n || tick <= 0n) throw new OnBookError("mark and tick must be positive", { mark, tick });
  if (size === 0n) return { kind: "idle" };
  const abs = size < 0n ? -size : size;
  const notional = abs * mark;
  const large = policy.largePosition;
  const inCooldown =
    large !== undefined &&
    state.lastPartialMs !== undefined &&
    nowMs - state.lastPartialMs < large.cooldownMs;
  if (large && inCooldown && large.cooldownMode === "wait") {
    return { kind: "wait", notBeforeMs: (state.lastPartialMs as bigint) + large.cooldownMs };
  }
  if (state.nextAtMs !== undefined && nowMs < state.nextAtMs)
    return { kind: "wait", notBeforeMs: state.nextAtMs };
  const s = policy.schedule;
  if (s.kind === "probability" && uniformInt(rng, 0n, BigInt(s.den) - 1n) >= BigInt(s.num)) {
    return { kind: "wait", notBeforeMs: nowMs + s.tickMs };
  }

  const partial = large !== undefined && notional > large.thresholdNotional && !inCooldown;
  const share = partial ? (large?.shareBps ?? policy.shareBps) : policy.shareBps;
  let chunk = (abs * BigInt(share)) / BPS;
  const minLots = (policy.minChunkNotional + mark - 1n) / mark;
  const floor = minLots < abs ? minLots : abs;
  if (chunk < floor) chunk = floor;
  const j = BigInt(policy.sizeJitterBps);
  chunk = (chunk * uniformInt(rng, BPS - j, BPS + j)) / BPS;
  if (chunk > abs) chunk = abs;
  if (chunk < 1n) chunk = 1n;

  const side = size > 0n ? "sell" : "buy";
  const o = policy.order;
  const order =
    o.kind === "market"
      ? ({ kind: "market" } as const)
      : ({
          kind: "ioc",
          limitPrice: bandLimit(mark, side, uniformInt(rng, BigInt(o.minBps), BigInt(o.maxBps)), tick),
        } as const);
  const nextAtMs = s.kind === "interval" ? nowMs + s.intervalMs + uniformInt(rng, 0n, s.jitterMs) : undefined;
  const next: ChunkState = { nextAtMs, lastPartialMs: partial ? nowMs : state.lastPartialMs };
  return { kind: "chunk", side, size: chunk, order, partial, state: next };
}

/** Parses and freezes a policy, nested objects included (presets: on-book-presets.ts). */
export function parseOnBookPolicy(input: z.input<typeof onBookPolicySchema>): Readonly<OnBookPolicy> {
  const p = onBookPolicySchema.parse(input);
  for (const v of Object.values(p)) if (typeof v === "object") Object.freeze(v);
  return Object.freeze(p);
}
