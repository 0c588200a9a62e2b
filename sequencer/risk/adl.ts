import { BaseError } from "../../core/errors.ts";
import { abs } from "../engine/ranges.ts";

/**
 * Auto-deleveraging (ADL): who takes over a bankrupt position the book and the insurance fund could not,
 * and how much each takes. Pure; randomness comes in as `rng`.
 *
 * Ranking (BitMEX "What is Auto-Deleveraging", support.bitmex.com; MEXC "Automatic Deleveraging System"
 * gives the same formula; Bybit's ADL page says "highest profit and effective leverage" first):
 *   Ranking = PnL% × Effective Leverage   if PnL% > 0
 *           = PnL% / Effective Leverage   if PnL% < 0
 *   Effective Leverage = abs(Mark Value) / (Mark Value − Bankrupt Value)
 *   PnL% = (Mark Value − Avg Entry Value) / abs(Avg Entry Value)
 * highest first, longs and shorts ranked apart. With signed values here, Mark Value = size·mark and
 * Avg Entry Value = entryNotional, so PnL% = uPnL/|entryNotional|; and with bankruptcy.ts's cross
 * bankruptcy price, Mark Value − Bankrupt Value = size·(mark − P_bk) = the account's equity E, so
 * Effective Leverage = |size·mark| / E. Scores stay exact fractions, compared by cross-multiplying.
 * Equal scores go by ascending account id so every replica agrees.
 * (Binance ranks by a different "LeveragePnL" = unrealised PnL / wallet balance × margin ratio; not used.)
 *
 * Random start (policy "random-start"): dYdX v4 `x/clob/keeper/deleveraging.go`
 * `OffsetSubaccountPerpetualPosition` takes the subaccounts with positions on the opposite side, starts
 * at `pseudoRand.Intn(n)` and walks cyclically (`(i + indexOffset) % n`), at most
 * MaxDeleveragingSubaccountsToIterate of them. Our base order is ascending account id; the offset is
 * floor(rng()·n) from the injected rng, which must return numbers in [0, 1).
 *
 * Fills (both policies): each candidate fills min(remaining, |its size|) at the bankrupt position's
 * bankruptcy price (BitMEX: positions are "closed out" at "the Bankruptcy Price of the initial liquidated
 * order"; Bybit: "deleveraged at the bankruptcy price of the liquidated order"). Only
 * opposite-side positions are candidates and a fill never exceeds a position, so an ADL fill always
 * reduces or closes a counterparty's position and never flips or opens one. Σ fill.size equals
 * deficit.size − remaining (fill sizes are the counterparties' signed trades; the bankrupt account trades
 * −Σ), so applied to zero-sum positions Σ size stays 0.
 */

export class AdlError extends BaseError {
  override name = "AdlError";
  declare readonly code: "BAD_ADL_CANDIDATE" | "BAD_ADL_INPUT";

  constructor(code: AdlError["code"], message: string, details: Record<string, unknown> = {}) {
    super(code, message, { details });
  }
}

export interface AdlCandidate {
  accountId: number;
  /** Signed lots in the deficit's market. */
  size: bigint;
  entryNotional: bigint;
  /** The account's cross equity at the marks (margin.ts `equity`), > 0 for a ranked candidate. */
  equity: bigint;
}

export interface DeficitPosition {
  accountId: number;
  /** Signed lots still to close (long > 0). */
  size: bigint;
  bankruptcyPrice: bigint;
  /** The market's mark, used by the ranking. */
  mark: bigint;
}

export type AdlPolicy =
  | { kind: "ranked"; maxCandidates?: number }
  | { kind: "random-start"; maxCandidates?: number };

export interface AdlFill {
  accountId: number;
  /** The counterparty's signed trade: + buys (it was short), − sells (it was long). */
  size: bigint;
  price: bigint;
}

export interface AdlPlan {
  fills: AdlFill[];
  /** Signed lots no candidate could take (0n when the plan is complete). */
  remaining: bigint;
}

/** The ranking as an exact fraction num/den with den > 0. */
export interface AdlScore {
  num: bigint;
  den: bigint;
}

export function adlScore(c: AdlCandidate, mark: bigint): AdlScore {
  if (c.size === 0n || c.entryNotional === 0n || c.equity <= 0n || mark <= 0n) {
    throw new AdlError("BAD_ADL_CANDIDATE", "a ranked candidate needs a position, an entry and equity > 0", {
      ...c,
      mark,
    });
  }
  const pnl = c.size * mark - c.entryNotional;
  const entry = abs(c.entryNotional);
  const value = abs(c.size * mark);
  if (pnl > 0n) return { num: pnl * value, den: entry * c.equity }; // (pnl/entry)·(value/E)
  if (pnl < 0n) return { num: pnl * c.equity, den: entry * value }; // (pnl/entry)/(value/E)
  return { num: 0n, den: 1n };
}

/** Highest score first; equal scores by ascending account id. */
export function rankAdl(candidates: readonly AdlCandidate[], mark: bigint): AdlCandidate[] {
  const scored = candidates.map((c) => ({ c, s: adlScore(c, mark) }));
  scored.sort((a, b) => {
    const l = a.s.num * b.s.den;
    const r = b.s.num * a.s.den;
    if (l !== r) return l > r ? -1 : 1;
    return a.c.accountId - b.c.accountId;
  });
  return scored.map((x) => x.c);
}

function randomStart(sorted: AdlCandidate[], rng: (() => number) | undefined): AdlCandidate[] {
  if (sorted.length === 0) return sorted;
  if (!rng) throw new AdlError("BAD_ADL_INPUT", "the random-start policy needs an rng");
  const u = rng();
  if (!(u >= 0 && u < 1)) throw new AdlError("BAD_ADL_INPUT", "rng must return a number in [0, 1)", { u });
  const offset = Math.floor(u * sorted.length);
  return sorted.map((_, i) => sorted[(i + offset) % sorted.length] as AdlCandidate);
}

/** Plans the ADL fills that close `deficit` against opposite-side candidates, per `policy`. */
export function planAdl(
  deficit: DeficitPosition,
  candidates: readonly AdlCandidate[],
  policy: AdlPolicy,
  rng?: () => number,
): AdlPlan {
  if (deficit.bankruptcyPrice < 0n) {
    throw new AdlError("BAD_ADL_INPUT", "bankruptcy price must not be negative", { ...deficit });
  }
  const ids = new Set<number>();
  for (const c of candidates) {
    if (ids.has(c.accountId)) throw new AdlError("BAD_ADL_INPUT", "duplicate candidate", { id: c.accountId });
    ids.add(c.accountId);
  }
  const sign = deficit.size > 0n ? 1n : -1n;
  const opposite = candidates.filter((c) => c.accountId !== deficit.accountId && c.size * sign < 0n);
  const order =
    policy.kind === "ranked"
      ? rankAdl(opposite, deficit.mark)
      : randomStart(
          [...opposite].sort((a, b) => a.accountId - b.accountId),
          rng,
        );
  const limit = policy.maxCandidates ?? order.length;

  let remaining = abs(deficit.size);
  const fills: AdlFill[] = [];
  for (const c of order.slice(0, limit)) {
    if (remaining === 0n) break;
    const take = remaining < abs(c.size) ? remaining : abs(c.size);
    fills.push({ accountId: c.accountId, size: sign * take, price: deficit.bankruptcyPrice });
    remaining -= take;
  }
  return { fills, remaining: sign * remaining };
}
