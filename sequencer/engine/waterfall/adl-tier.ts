import type { ProofOp } from "../../proof/ops.ts";
import { type AdlCandidate, planAdl } from "../../risk/adl.ts";
import { bankruptcyPrice } from "../../risk/bankruptcy.ts";
import { equity } from "../../risk/margin.ts";
import { abs, MARK_PRICE_LIMIT } from "../ranges.ts";
import { applyTrade } from "../settlement.ts";
import { type AccountLeaf, cloneAccount, type MarketState, type Position } from "../types.ts";
import type { LiquidationRun } from "./run.ts";

/**
 * The ADL fill price: the bankruptcy price P = mark − E/size (bankruptcy.ts; BitMEX/Bybit fill ADL "at
 * the bankruptcy price"), rounded against the account as the proof pins it (docs/PROOF.md): closing
 * the whole position at P leaves equity in (−|size|, 0], dust the insurance fund covers. Clamped into
 * the mark range; a clamped price is one the proof refuses (only a position bankrupt beyond price 0 or
 * 2^40 gets one).
 */
export function adlPrice(size: bigint, mark: bigint, accountEquity: bigint): bigint {
  const p = bankruptcyPrice(size, mark, accountEquity).price;
  return p >= MARK_PRICE_LIMIT ? MARK_PRICE_LIMIT - 1n : p;
}

/**
 * Tier 3: close the account's remaining positions, market by market, against opposite-side holders with
 * positive equity, ranked by PnL% × effective leverage (or dYdX's random start; adl.ts), at the
 * bankruptcy price, recomputed from the account's current state before every counterparty's fill (the
 * proof checks each fill against the state it is made in). A fill only reduces a counterparty (never flips it) and is skipped if it would leave
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
      const pending: ProofOp[] = [];
      const c: AccountLeaf = cloneAccount(ctx.acc(f.accountId));
      ctx.settle(f.accountId, c, m, pending);
      const cs = abs((c.positions[m] as Position).size);
      const take = remaining < cs ? remaining : cs;
      const liq = ctx.acc(id);
      const liqSize = (liq.positions[m] as Position).size;
      const bk = bankruptcyPrice(liqSize, market.markPrice, equity(liq, ctx.markets));
      // A clamped price (bankrupt beyond 0 or the price range) is one the proof cannot accept.
      if (bk.residual > 0n || bk.residual <= -abs(liqSize) || bk.price >= MARK_PRICE_LIMIT) break;
      const fillPrice = bk.price;
      applyTrade(c, m, sign * take, fillPrice);
      if (c.collateral < 0n) continue;
      ctx.touch(f.accountId);
      ctx.put(f.accountId, c);
      applyTrade(liq, m, -sign * take, fillPrice);
      for (const op of pending) ctx.op(op);
      ctx.op({
        kind: "liquidation-fill",
        tier: "adl",
        marketId: m,
        liquidated: id,
        counterparty: f.accountId,
        size: -sign * take,
        price: fillPrice,
        counterFee: 0n,
      });
      run.fill("adl", m, -sign * take, fillPrice, f.accountId);
      remaining -= take;
    }
    left += remaining;
  }
  return left;
}
