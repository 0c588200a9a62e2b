import { type AdlCandidate, planAdl } from "../../risk/adl.ts";
import { equity } from "../../risk/margin.ts";
import { abs, MARK_PRICE_LIMIT } from "../ranges.ts";
import { applyTrade, settleFunding } from "../settlement.ts";
import { type AccountLeaf, cloneAccount, type MarketState, type Position } from "../types.ts";
import type { LiquidationRun } from "./run.ts";

/** ⌊a/b⌋ for b > 0 (BigInt division truncates toward zero). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/**
 * The ADL fill price: the bankruptcy price P = mark − E/size (bankruptcy.ts; BitMEX/Bybit fill ADL "at
 * the bankruptcy price"), but rounded in the account's favour so that after the close its equity is in
 * [0, |size|) rather than slightly negative: the counterparties absorb the loss and no deficit remains
 * for the fund. Clamped into the mark range; a clamp leaves a residual deficit for the fund.
 */
export function adlPrice(size: bigint, mark: bigint, accountEquity: bigint): bigint {
  const p = size > 0n ? mark - floorDiv(accountEquity, size) : mark + floorDiv(accountEquity, -size);
  if (p < 0n) return 0n;
  return p >= MARK_PRICE_LIMIT ? MARK_PRICE_LIMIT - 1n : p;
}

/**
 * Tier 3: close the account's remaining positions, market by market, against opposite-side holders with
 * positive equity, ranked by PnL% × effective leverage (or dYdX's random start; adl.ts), at the
 * bankruptcy price. A fill only reduces a counterparty (never flips it) and is skipped if it would leave
 * that counterparty's collateral negative. Stops at the batch's capacity; the rest continues next tx.
 * Returns the lots still open.
 */
export function runAdl(run: LiquidationRun): bigint {
  const ctx = run.ctx;
  const id = run.accountId;
  let left = 0n;
  for (let m = 0; m < ctx.markets.length; m++) {
    const acc = ctx.acc(id);
    const size = (acc.positions[m] as Position).size;
    if (size === 0n) continue;
    const market = ctx.markets[m] as MarketState;
    const price = adlPrice(size, market.markPrice, equity(acc, ctx.markets));
    const sign = size > 0n ? 1n : -1n;
    const candidates: AdlCandidate[] = [];
    for (const cid of ctx.state.holders[m] ?? []) {
      if (cid === id) continue;
      const c = ctx.acc(cid);
      const p = c.positions[m] as Position;
      if (p.size * sign >= 0n || p.entryNotional === 0n) continue;
      const e = equity(c, ctx.markets);
      if (e <= 0n) continue;
      candidates.push({ accountId: cid, size: p.size, entryNotional: p.entryNotional, equity: e });
    }
    // Plan against an unbounded size to get the full order; the sizes are applied below.
    const order = planAdl(
      { accountId: id, size: sign << 100n, bankruptcyPrice: price, mark: market.markPrice },
      candidates,
      { kind: run.policy.adl.ranking === "random-start" ? "random-start" : "ranked" },
      run.rng,
    ).fills;
    let remaining = abs(size);
    for (const f of order) {
      if (remaining === 0n) break;
      if (!ctx.fits(f.accountId, id)) break;
      const c: AccountLeaf = cloneAccount(ctx.acc(f.accountId));
      settleFunding(c, m, market.fundingIndex);
      const cs = abs((c.positions[m] as Position).size);
      const take = remaining < cs ? remaining : cs;
      applyTrade(c, m, sign * take, price);
      if (c.collateral < 0n) continue;
      ctx.touch(f.accountId);
      ctx.put(f.accountId, c);
      applyTrade(ctx.acc(id), m, -sign * take, price);
      run.fill("adl", m, -sign * take, price, f.accountId);
      remaining -= take;
    }
    left += remaining;
  }
  return left;
}
