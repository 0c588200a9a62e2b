import { coverDeficit, liquidationCandidate, liquidationPenalty } from "../risk/liquidation.ts";
import { engineError } from "./errors.ts";
import { executeMatch } from "./execute-match.ts";
import type { MarketParams } from "./params.ts";
import { applyTrade, settleFunding } from "./settlement.ts";
import type { TxContext } from "./tx-context.ts";
import type { ApplyResult, EngineTx, MarketState, Position } from "./types.ts";

type LiquidationTx = Extract<EngineTx, { kind: "liquidation" }>;

const BPS = 10_000n;

/** Worst price the liquidation may close at on the book: the mark moved by the band, rounded toward the mark. */
export function liquidationLimit(
  mp: MarketParams,
  mark: bigint,
  side: "buy" | "sell",
  bandBps: number,
): bigint {
  const band = BigInt(bandBps);
  if (side === "buy") return ((mark * (BPS + band)) / BPS / mp.tickSize) * mp.tickSize;
  const unit = BPS * mp.tickSize;
  return ((mark * (BPS - band) + unit - 1n) / unit) * mp.tickSize;
}

/**
 * Simple liquidation (a full waterfall replaces it later). Steps, in order:
 * 1. Only an account below maintenance at the current marks may be liquidated, and never the backstop
 *    itself (it would trade with itself and cover its own deficit).
 * 2. Funding is settled so the account's collateral is what it really holds.
 * 3. Its resting orders are cancelled: they could re-open exposure and they back nothing any more.
 * 4. Each position (by ascending market id) is closed with IOC fills against the book, no further than
 *    the liquidation band from the mark, so a thin book cannot be swept at absurd prices. No taker fee:
 *    the penalty below is the liquidation's charge. One batch slot stays reserved for the backstop.
 * 5. What the book did not take goes to the backstop account 0 at the mark: a trade like any other,
 *    so Σ size stays 0 and cash is conserved.
 * 6. A penalty (bps of all closed notional) moves to the insurance fund, capped at the collateral left,
 *    so the penalty itself never creates a deficit.
 * 7. Negative collateral (losses beyond the account's cash) is a deficit: the insurance fund covers it,
 *    then the backstop's collateral. If both together cannot, the tx fails (nothing changes) rather than
 *    leave any collateral negative, which the circuit could not prove anyway.
 */
export function liquidate(ctx: TxContext, tx: LiquidationTx): ApplyResult {
  const params = ctx.state.params;
  const backstop = params.backstopAccountId;
  const id = tx.accountId;
  if (!ctx.exists(id)) throw engineError("UNKNOWN_ACCOUNT", `unknown account ${id}`, { accountId: id });
  if (id === backstop)
    throw engineError("NOT_LIQUIDATABLE", "the backstop account cannot be liquidated", { accountId: id });
  const committed = ctx.acc(id);
  if (!liquidationCandidate(id, committed, ctx.markets, params.markets)) {
    throw engineError("NOT_LIQUIDATABLE", "account is not below maintenance margin", { accountId: id });
  }
  if (!ctx.fits(id, backstop))
    throw engineError("BATCH_CAPACITY", "batch has no room for a liquidation", { accountId: id });
  ctx.touch(id);

  ctx.markets.forEach((mk, m) => {
    settleFunding(ctx.acc(id), m, mk.fundingIndex);
  });

  for (const o of ctx.state.ordersByAccount.get(id)?.values() ?? []) ctx.cancelOrder(o);

  let closedOnBook = 0n;
  let toBackstop = 0n;
  let closedNotional = 0n;
  const fills: ApplyResult["fills"] = [];
  for (let m = 0; m < ctx.markets.length; m++) {
    const size = (ctx.acc(id).positions[m] as Position).size;
    if (size === 0n) continue;
    const mp = params.markets[m] as MarketParams;
    const mark = (ctx.markets[m] as MarketState).markPrice;
    const side = size > 0n ? "sell" : "buy";
    const abSize = size > 0n ? size : -size;
    const out = executeMatch(ctx, {
      marketId: m,
      taker: id,
      side,
      limitPrice: liquidationLimit(mp, mark, side, params.liquidationBandBps),
      size: abSize,
      takerFeeBps: 0,
      allowTakerDeficit: true,
      reserve: [backstop],
    });
    for (const f of out.fills) {
      fills.push(f);
      closedNotional += f.size * f.price;
    }
    closedOnBook += out.plan.filled;

    const rest = abSize - out.plan.filled;
    if (rest > 0n) {
      ctx.touch(backstop);
      const t = size > 0n ? -rest : rest; // the liquidated side's trade
      const liq = ctx.acc(id);
      const bs = ctx.acc(backstop);
      settleFunding(bs, m, (ctx.markets[m] as MarketState).fundingIndex);
      applyTrade(liq, m, t, mark);
      applyTrade(bs, m, -t, mark);
      toBackstop += rest;
      closedNotional += rest * mark;
    }
  }

  const liq = ctx.acc(id);
  const penalty = liquidationPenalty(closedNotional, params.liquidationPenaltyBps, liq.collateral);
  liq.collateral -= penalty;
  ctx.insuranceFund += penalty;

  let deficitCovered = 0n;
  if (liq.collateral < 0n) {
    const deficit = -liq.collateral;
    const bsCollateral = ctx.acc(backstop).collateral;
    const cover = coverDeficit(deficit, ctx.insuranceFund, bsCollateral > 0n ? bsCollateral : 0n);
    if (!cover) {
      throw engineError("BAD_DEBT_UNCOVERED", "insurance fund and backstop cannot cover the deficit", {
        accountId: id,
        deficit,
        insuranceFund: ctx.insuranceFund,
        backstopCollateral: bsCollateral,
      });
    }
    ctx.insuranceFund -= cover.fromInsurance;
    if (cover.fromBackstop > 0n) {
      ctx.touch(backstop);
      ctx.acc(backstop).collateral -= cover.fromBackstop;
    }
    liq.collateral = 0n;
    deficitCovered = deficit;
  }
  if (ctx.acc(backstop).collateral < 0n) {
    throw engineError("BAD_DEBT_UNCOVERED", "the backstop cannot absorb the positions it would take", {
      accountId: id,
    });
  }

  return {
    touched: [],
    fills,
    liquidationsDetected: [],
    liquidation: { accountId: id, closedOnBook, toBackstop, penalty, deficitCovered },
  };
}
