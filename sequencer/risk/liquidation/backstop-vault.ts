import { z } from "zod";
import { BaseError } from "../../../core/errors.ts";

/**
 * Tier 2 of the waterfall: a backstop vault (Hyperliquid's liquidator vault inside HLP, FTX's Backstop
 * Liquidity Providers) takes over what the book did not close. Pure: nowMs is an argument.
 *
 * - Threshold: Hyperliquid docs "Liquidations" (hyperliquid.gitbook.io/hyperliquid-docs/trading/
 *   liquidations, read): "If the account equity drops below 2/3 of the maintenance margin without
 *   successful liquidation through the book, a backstop liquidation happens through the liquidator
 *   vault"; "the maintenance margin is not returned to the user" (the vault's buffer). Tested exactly:
 *   equity·den < num·maintenance (equity = ⅔·MM is NOT below, so no takeover).
 * - Capacity: FTX help center "Liquidations", Step 2 (read): "Backstop Liquidity Providers (BLPs)
 *   have a max capacity per minute and per hour." Windows are rolling: a record counts while
 *   nowMs − timestampMs < window (60,000 / 3,600,000 ms). Notional = |size|·mark, exact.
 * - Exposure cap: |position after takeover|·mark ≤ maxMarketNotional per market. A takeover that
 *   shrinks |position| is never refused by the cap (it lowers the vault's risk).
 * - Drawdown: equity = collateral + Σ(size·mark − entryNotional); the high-water mark is the highest
 *   equity seen by `markToMarket`; drawdown = hwm − equity, in bps of hwm rounded UP so it is never
 *   understated. Deposits and withdrawals move equity too: when wiring, track a per-share value
 *   (as HLP does for depositors) rather than raw equity.
 */

export const MINUTE_MS = 60_000n;
export const HOUR_MS = 3_600_000n;
const BPS = 10_000n;

export const vaultLimitsSchema = z
  .object({
    maxMarketNotional: z.bigint().positive(),
    perMinuteNotional: z.bigint().positive(),
    perHourNotional: z.bigint().positive(),
    /** Take over when account equity < num/den · maintenance. */
    threshold: z.object({ num: z.number().int().positive(), den: z.number().int().positive() }),
  })
  .refine((l) => l.perMinuteNotional <= l.perHourNotional, "per-minute capacity above per-hour")
  .refine((l) => l.threshold.num <= l.threshold.den, "threshold above maintenance");

export type VaultLimits = z.infer<typeof vaultLimitsSchema>;

export interface VaultPosition {
  size: bigint;
  entryNotional: bigint;
}
export interface TakeoverRecord {
  timestampMs: bigint;
  notional: bigint;
}
export interface VaultState {
  positions: readonly VaultPosition[];
  collateral: bigint;
  highWaterMark: bigint;
  maxDrawdown: bigint;
  maxDrawdownBps: bigint;
  takeovers: readonly TakeoverRecord[];
}
export interface TakeoverRequest {
  accountEquity: bigint;
  accountMaintenance: bigint;
  /** The account's positions the vault would receive (signed lots) at each market's mark. */
  legs: readonly { marketId: number; size: bigint; mark: bigint }[];
  /** Collateral that moves with them (Hyperliquid: all cross margin). */
  collateral: bigint;
}
export type TakeoverRefusal = "ABOVE_THRESHOLD" | "EXPOSURE_CAP" | "MINUTE_CAPACITY" | "HOUR_CAPACITY";
export type TakeoverCheck =
  | { ok: true; notional: bigint }
  | { ok: false; reason: TakeoverRefusal; details: Record<string, unknown> };

export class VaultError extends BaseError {
  override name = "VaultError";
  declare readonly code: "BAD_VAULT_INPUT";
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("BAD_VAULT_INPUT", message, { details });
  }
}

const abs = (x: bigint) => (x < 0n ? -x : x);

export function emptyVault(markets: number, collateral: bigint): VaultState {
  const positions = Array.from({ length: markets }, () => ({ size: 0n, entryNotional: 0n }));
  return {
    positions,
    collateral,
    highWaterMark: collateral,
    maxDrawdown: 0n,
    maxDrawdownBps: 0n,
    takeovers: [],
  };
}

export function belowTakeoverThreshold(
  equity: bigint,
  maintenance: bigint,
  t: VaultLimits["threshold"],
): boolean {
  return equity * BigInt(t.den) < BigInt(t.num) * maintenance;
}

/** Σ notional of records with nowMs − timestampMs < windowMs. A record from the future is a caller error. */
export function windowNotional(records: readonly TakeoverRecord[], nowMs: bigint, windowMs: bigint): bigint {
  let sum = 0n;
  for (const r of records) {
    if (r.timestampMs > nowMs) throw new VaultError("takeover record is later than now", { ...r, nowMs });
    if (nowMs - r.timestampMs < windowMs) sum += r.notional;
  }
  return sum;
}

export function canTakeOver(
  vault: VaultState,
  limits: VaultLimits,
  req: TakeoverRequest,
  nowMs: bigint,
): TakeoverCheck {
  if (!belowTakeoverThreshold(req.accountEquity, req.accountMaintenance, limits.threshold)) {
    return {
      ok: false,
      reason: "ABOVE_THRESHOLD",
      details: { equity: req.accountEquity, maintenance: req.accountMaintenance },
    };
  }
  let notional = 0n;
  for (const { marketId, size, mark } of req.legs) {
    const pos = vault.positions[marketId];
    if (!pos || mark <= 0n) throw new VaultError("unknown market or non-positive mark", { marketId, mark });
    notional += abs(size) * mark;
    const after = abs(pos.size + size);
    if (after > abs(pos.size) && after * mark > limits.maxMarketNotional) {
      return {
        ok: false,
        reason: "EXPOSURE_CAP",
        details: { marketId, exposure: after * mark, cap: limits.maxMarketNotional },
      };
    }
  }
  const windows = [
    ["MINUTE_CAPACITY", MINUTE_MS, limits.perMinuteNotional],
    ["HOUR_CAPACITY", HOUR_MS, limits.perHourNotional],
  ] as const;
  for (const [reason, windowMs, cap] of windows) {
    const used = windowNotional(vault.takeovers, nowMs, windowMs);
    if (used + notional > cap) return { ok: false, reason, details: { used, notional, cap } };
  }
  return { ok: true, notional };
}

/** Applies an accepted takeover: legs enter at the mark, collateral moves, old records are pruned. */
export function recordTakeover(
  vault: VaultState,
  req: TakeoverRequest,
  notional: bigint,
  nowMs: bigint,
): VaultState {
  const positions = vault.positions.map((p) => ({ ...p }));
  for (const { marketId, size, mark } of req.legs) {
    const p = positions[marketId];
    if (!p) throw new VaultError("unknown market", { marketId });
    p.size += size;
    p.entryNotional += size * mark;
  }
  const takeovers = [
    ...vault.takeovers.filter((r) => nowMs - r.timestampMs < HOUR_MS),
    { timestampMs: nowMs, notional },
  ];
  return { ...vault, positions, collateral: vault.collateral + req.collateral, takeovers };
}

export function vaultEquity(vault: VaultState, marks: readonly bigint[]): bigint {
  return vault.positions.reduce(
    (v, p, m) => v + p.size * (marks[m] ?? 0n) - p.entryNotional,
    vault.collateral,
  );
}

/**
 * Revalues the vault: raises the high-water mark or records the drawdown from it (bps of the mark,
 * rounded up; 10000 if the mark is not positive and equity is below it).
 */
export function markToMarket(
  vault: VaultState,
  marks: readonly bigint[],
): { vault: VaultState; equity: bigint } {
  if (marks.length !== vault.positions.length)
    throw new VaultError("one mark per market", { marks: marks.length });
  const equity = vaultEquity(vault, marks);
  const hwm = equity > vault.highWaterMark ? equity : vault.highWaterMark;
  const dd = hwm - equity;
  const ddBps = hwm > 0n ? (dd * BPS + hwm - 1n) / hwm : dd > 0n ? BPS : 0n;
  const next: VaultState = {
    ...vault,
    highWaterMark: hwm,
    maxDrawdown: dd > vault.maxDrawdown ? dd : vault.maxDrawdown,
    maxDrawdownBps: ddBps > vault.maxDrawdownBps ? ddBps : vault.maxDrawdownBps,
  };
  return { vault: next, equity };
}
