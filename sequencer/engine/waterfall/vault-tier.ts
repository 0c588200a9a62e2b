import type { ProofOp } from "../../proof/ops.ts";
import { canTakeOver, type TakeoverRefusal, type VaultState } from "../../risk/liquidation/backstop-vault.ts";
import { liquidationCandidate } from "../../risk/liquidation.ts";
import { equity, maintenanceRequirement, requirement } from "../../risk/margin.ts";
import type { MarketParams } from "../params.ts";
import { applyTrade } from "../settlement.ts";
import { type AccountLeaf, cloneAccount, type MarketState } from "../types.ts";
import type { LiquidationRun } from "./run.ts";

export type VaultResult =
  | { ok: true }
  | {
      ok: false;
      reason: TakeoverRefusal | "CAPACITY" | "VAULT_CANNOT_ABSORB" | "NOTHING_TO_TAKE" | "PARTIAL_DEFICIT";
    };

/**
 * Tier 2: the backstop vault (account 0, the LLP/HLP role) takes every remaining position at the mark,
 * if the account is below the policy's takeover threshold (Hyperliquid: ⅔ of maintenance) and the vault's
 * exposure cap and per-minute/per-hour capacity allow (backstop-vault.ts `canTakeOver`). A deficit left
 * by closing at the mark is paid by the insurance fund first (capped per event) and then by the vault
 * itself; a takeover the vault cannot pay for, or that would leave it below its own maintenance margin,
 * is refused, so the vault's collateral never goes negative.
 * Tried on copies first: a refusal changes nothing.
 *
 * The proof takes each position over only while the account is still below maintenance (docs/PROOF.md:
 * a liquidation fill needs no signature only then). A takeover at the mark leaves equity as it is and
 * lowers the requirement, so the legs go smallest requirement first and the vault stops at a leg the
 * account no longer needs to give up: the rest stays with the account, which is then above maintenance.
 */
export function runVaultTakeover(run: LiquidationRun): VaultResult {
  const ctx = run.ctx;
  const params = ctx.state.params;
  const id = run.accountId;
  const bsId = run.backstop;
  const acc = ctx.acc(id);
  const legs = takeoverLegs(acc, ctx.markets, params.markets);
  if (legs.length === 0) return { ok: false, reason: "NOTHING_TO_TAKE" };
  const bsLeaf = ctx.acc(bsId);
  const vault: VaultState = {
    positions: bsLeaf.positions.map((p) => ({ size: p.size, entryNotional: p.entryNotional })),
    collateral: bsLeaf.collateral,
    highWaterMark: 0n,
    maxDrawdown: 0n,
    maxDrawdownBps: 0n,
    takeovers: [...ctx.state.risk.vaultTakeovers, ...run.newTakeovers],
  };
  const check = canTakeOver(
    vault,
    run.policy.vault,
    {
      accountEquity: equity(acc, ctx.markets),
      accountMaintenance: maintenanceRequirement(acc, ctx.markets, params.markets),
      legs,
      collateral: 0n,
    },
    run.now,
  );
  if (!check.ok) return { ok: false, reason: check.reason };
  if (!ctx.fits(id, bsId)) return { ok: false, reason: "CAPACITY" };

  const la = cloneAccount(acc);
  const bs = cloneAccount(bsLeaf);
  const ops: ProofOp[] = [];
  for (const { marketId: m, size, mark } of legs) {
    ctx.settle(bsId, bs, m, ops);
    applyTrade(la, m, -size, mark);
    applyTrade(bs, m, size, mark);
    ops.push({
      kind: "liquidation-fill",
      tier: "vault",
      marketId: m,
      liquidated: id,
      counterparty: bsId,
      size: -size,
      price: mark,
      counterFee: 0n,
    });
  }
  // A partial takeover that realises more loss than the collateral would have the fund pay a debt the
  // account's remaining (profitable) positions still back: refused, the account stays on the book.
  if (la.collateral < 0n && la.positions.some((p) => p.size !== 0n))
    return { ok: false, reason: "PARTIAL_DEFICIT" };
  const deficit = la.collateral < 0n ? -la.collateral : 0n;
  const avail = run.fundAvailable();
  const fromFund = deficit < avail ? deficit : avail;
  const fromVault = deficit - fromFund;
  bs.collateral -= fromVault;
  // The vault must stay solvent and margined itself: a takeover it cannot carry would only move the
  // liquidation to the vault.
  if (
    bs.collateral < 0n ||
    equity(bs, ctx.markets) < maintenanceRequirement(bs, ctx.markets, params.markets)
  ) {
    return { ok: false, reason: "VAULT_CANNOT_ABSORB" };
  }

  la.collateral += deficit;
  for (const op of ops) ctx.op(op);
  if (deficit > 0n) ctx.op({ kind: "cover", accountId: id, fromFund, fromVault });
  ctx.insuranceFund -= fromFund;
  ctx.touch(bsId);
  ctx.put(id, la);
  ctx.put(bsId, bs);
  run.record.deficitFromFund += fromFund;
  run.record.deficitFromVault += fromVault;
  for (const { marketId, size, mark } of legs) {
    run.fill("vault", marketId, -size, mark, bsId);
    run.closedNotional += (size < 0n ? -size : size) * mark;
  }
  run.newTakeovers.push({ timestampMs: run.now, notional: check.notional });
  return { ok: true };
}

/**
 * The positions the vault takes, in the order it takes them: smallest maintenance requirement first,
 * each only while the account (taken over so far, at the marks) is still below maintenance.
 */
function takeoverLegs(
  acc: AccountLeaf,
  markets: readonly MarketState[],
  params: readonly MarketParams[],
): { marketId: number; size: bigint; mark: bigint }[] {
  const all = acc.positions
    .map((p, m) => ({ marketId: m, size: p.size, mark: (markets[m] as MarketState).markPrice }))
    .filter((l) => l.size !== 0n)
    .map((l) => ({ ...l, req: requirement(l.size, l.mark, (params[l.marketId] as MarketParams).mmfBps) }))
    .sort((a, b) => (a.req < b.req ? -1 : a.req > b.req ? 1 : a.marketId - b.marketId));
  const trial = cloneAccount(acc);
  const out: { marketId: number; size: bigint; mark: bigint }[] = [];
  for (const { marketId, size, mark } of all) {
    if (liquidationCandidate(0, trial, markets, params) === undefined) break;
    applyTrade(trial, marketId, -size, mark);
    out.push({ marketId, size, mark });
  }
  return out;
}
