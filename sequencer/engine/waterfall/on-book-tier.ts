import { bandLimit, decideChunk } from "../../risk/liquidation/on-book.ts";
import { executeMatch } from "../execute-match.ts";
import type { MarketParams } from "../params.ts";
import { abs } from "../ranges.ts";
import type { MarketState, Position } from "../types.ts";
import type { LiquidationRun } from "./run.ts";

export type ChunkResult = { due: false } | { due: true; filled: bigint };

/**
 * Worst price at which closing `chunk` lots of `p` leaves collateral ≥ −available, i.e. a deficit the
 * insurance fund can still pay for this event. Realised PnL of closing c lots of a long at price q is
 * c·q − entry·c/|size| (settlement.ts), so q ≥ (entry·c/|size| − collateral − available)/c; a short
 * mirrors it. `slack` absorbs the per-fill truncation of the removed entry notional (≤ 1 per fill).
 * Without this bound a thin book could realise a loss nobody can cover, which the circuit cannot prove
 * (collateral is range-checked ≥ 0) and the engine would have to reject.
 */
export function fundSafeLimit(
  p: Position,
  collateral: bigint,
  chunk: bigint,
  available: bigint,
  tick: bigint,
  slack: bigint,
): bigint {
  const size = abs(p.size);
  const removed = (p.entryNotional * chunk) / size; // signed: a short's entry is negative
  const budget = collateral + available - slack;
  if (p.size > 0n) {
    // sell: c·q − removed ≥ −budget  →  q ≥ (removed − budget)/c, up to the tick
    const num = removed - budget;
    const q = num <= 0n ? 0n : (num + chunk - 1n) / chunk;
    return ((q + tick - 1n) / tick) * tick;
  }
  // buy: −removed − c·q ≥ −budget  →  q ≤ (budget − removed)/c, down to the tick
  const num = budget - removed;
  if (num < 0n) return 0n;
  return (num / chunk / tick) * tick;
}

/**
 * Tier 1, one market: decide the chunk (policy schedule, size, price band: on-book.ts, FTX/Backpack/
 * Hyperliquid presets), bound its price so any deficit stays within the fund's reach, and send it as an
 * IOC with no taker fee (the penalty is the liquidation's charge). One batch slot stays reserved for the
 * backstop so the vault tier can still run in this tx.
 */
export function runOnBookChunk(run: LiquidationRun, m: number): ChunkResult {
  const ctx = run.ctx;
  const params = ctx.state.params;
  const acc = ctx.acc(run.accountId);
  const pos = acc.positions[m] as Position;
  if (pos.size === 0n) return { due: false };
  const mp = params.markets[m] as MarketParams;
  const mark = (ctx.markets[m] as MarketState).markPrice;
  const d = decideChunk(
    run.policy.onBook,
    { size: pos.size, mark, tickSize: mp.tickSize },
    run.chunks[m] ?? {},
    run.now,
    run.rng,
  );
  if (d.kind !== "chunk") return { due: false };
  run.chunks[m] = d.state;

  const band =
    d.order.kind === "ioc"
      ? d.order.limitPrice
      : bandLimit(mark, d.side, BigInt(params.marketOrderBandBps), mp.tickSize);
  const slack = BigInt(params.maxMakersPerOrder) + 1n;
  const safe = fundSafeLimit(pos, acc.collateral, d.size, run.fundAvailable(), mp.tickSize, slack);
  const limit = d.side === "sell" ? (band > safe ? band : safe) : band < safe ? band : safe;
  if (limit <= 0n) return { due: true, filled: 0n };

  const out = executeMatch(ctx, {
    marketId: m,
    taker: run.accountId,
    side: d.side,
    limitPrice: limit,
    size: d.size,
    takerFeeBps: 0,
    allowTakerDeficit: true,
    reserve: [run.backstop, run.accountId],
    proof: { kind: "liquidation" },
  });
  const sign = d.side === "buy" ? 1n : -1n;
  for (const f of out.fills) {
    run.bookFills.push(f);
    run.fill("on-book", m, sign * f.size, f.price, f.maker);
    run.closedNotional += f.size * f.price;
  }
  return { due: true, filled: out.plan.filled };
}
