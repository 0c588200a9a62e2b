import { bankruptcyPrice } from "../risk/bankruptcy.ts";
import { belowTakeoverThreshold, HOUR_MS } from "../risk/liquidation/backstop-vault.ts";
import { liquidationCandidate, liquidationPenalty } from "../risk/liquidation.ts";
import { equity, maintenanceRequirement } from "../risk/margin.ts";
import { engineError } from "./errors.ts";
import type { LiquidationRecord } from "./ledger.ts";
import type { MarketParams } from "./params.ts";
import type { TxContext } from "./tx-context.ts";
import type { AccountLeaf, EngineTx, FlowResult, MarketState } from "./types.ts";
import { runAdl } from "./waterfall/adl-tier.ts";
import { runOnBookChunk } from "./waterfall/on-book-tier.ts";
import { txRng } from "./waterfall/rng.ts";
import { LiquidationRun } from "./waterfall/run.ts";
import { runVaultTakeover } from "./waterfall/vault-tier.ts";

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

function openRecord(ctx: TxContext, id: number, seq: bigint, a: AccountLeaf): LiquidationRecord {
  const e = equity(a, ctx.markets);
  return {
    id: ctx.state.risk.ledger.length,
    accountId: id,
    policy: ctx.state.params.risk.liquidation.name,
    openedAtMs: ctx.nowMs,
    openedSeq: seq,
    equityAtTrigger: e,
    maintenanceAtTrigger: maintenanceRequirement(a, ctx.markets, ctx.state.params.markets),
    legs: a.positions.flatMap((p, m) => {
      if (p.size === 0n) return [];
      const mark = (ctx.markets[m] as MarketState).markPrice;
      return [
        {
          marketId: m,
          size: p.size,
          triggerMark: mark,
          bankruptcyPrice: bankruptcyPrice(p.size, mark, e).price,
        },
      ];
    }),
    fills: [],
    tier: "on-book",
    penalty: 0n,
    deficitFromFund: 0n,
    deficitFromVault: 0n,
    steps: 0,
    swept: false,
  };
}

function below(ctx: TxContext, id: number): boolean {
  return liquidationCandidate(id, ctx.acc(id), ctx.markets, ctx.state.params.markets) !== undefined;
}

function leafChanged(before: AccountLeaf, after: AccountLeaf): boolean {
  return (
    before.collateral !== after.collateral ||
    before.positions.some((p, m) => {
      const q = after.positions[m];
      return (
        !q ||
        p.size !== q.size ||
        p.entryNotional !== q.entryNotional ||
        p.fundingSnapshot !== q.fundingSnapshot
      );
    })
  );
}

function flat(a: AccountLeaf): boolean {
  return a.positions.every((p) => p.size === 0n);
}

/**
 * One step of the liquidation waterfall (params.risk.liquidation), run through the sequencer's
 * liquidation lane. A step, in order:
 * 1. Only an account below maintenance at the current marks (or, for the zombie sweep, one with negative
 *    equity) is liquidated. An account whose event is open but that recovered just ends its event
 *    (ledger only, no leaf changes). The backstop vault itself is liquidated like anyone else except
 *    that it skips tier 2 (it cannot take itself over) and pays no penalty: without this a vault that
 *    fell below its own margin would keep its positions while its equity went negative, leaving other
 *    accounts' profits unbacked.
 * 2. Funding is settled and its resting orders cancelled (they back nothing any more).
 * 3. On-book (tier 1): while equity ≥ 0, a chunk per market if the policy's schedule says one is due.
 *    Nothing due and above the vault threshold: LIQUIDATION_NOT_DUE, nothing changes.
 * 4. Vault (tier 2): if still below maintenance and below the takeover threshold, the backstop takes the
 *    rest at the mark, within its limits.
 * 5. ADL (tier 3): if the account's equity is negative and the vault refused, the rest is closed against
 *    ranked counterparties at the bankruptcy price. The sweep goes straight to 4 and 5.
 * 6. A penalty (bps of the notional closed on the book or by the vault) moves to the insurance fund,
 *    capped at the collateral left. A deficit left is paid by the fund up to its per-event cap; one that
 *    cannot be paid fails the tx (nothing changes), which the on-book price bound makes rare.
 * The event's ledger record, chunk schedule, vault windows and fund samples change only on commit.
 */
export function liquidate(ctx: TxContext, tx: LiquidationTx, seq: bigint): FlowResult {
  const params = ctx.state.params;
  const risk = ctx.state.risk;
  const backstop = params.backstopAccountId;
  const id = tx.accountId;
  if (!ctx.exists(id)) throw engineError("UNKNOWN_ACCOUNT", `unknown account ${id}`, { accountId: id });
  const isVault = id === backstop;
  const progress = risk.inProgress.get(id);
  const committed = ctx.acc(id);
  const zombie = tx.sweep === true && equity(committed, ctx.markets) < 0n;
  if (!zombie && !below(ctx, id)) {
    if (!progress) {
      throw engineError("NOT_LIQUIDATABLE", "account is not below maintenance margin", { accountId: id });
    }
    const rec = risk.ledger[progress.recordId] as LiquidationRecord;
    const now = ctx.nowMs;
    ctx.onCommit(() => {
      rec.closedAtMs = now;
      risk.inProgress.delete(id);
    });
    return {
      touched: [],
      fills: [],
      liquidationsDetected: [],
      liquidation: outcome(id, rec.id, [], 0n, 0n, true),
    };
  }
  if (!ctx.fits(id, backstop))
    throw engineError("BATCH_CAPACITY", "batch has no room for a liquidation", { accountId: id });
  // The account is touched at the end, only if its leaf changed (a step that finds no liquidity changes
  // nothing but the schedule); until then every tier keeps a slot free for it.

  const record: LiquidationRecord = progress
    ? structuredClone(risk.ledger[progress.recordId] as LiquidationRecord)
    : openRecord(ctx, id, seq, committed);
  const run = new LiquidationRun(
    ctx,
    id,
    seq,
    record,
    progress ? progress.chunk.map((c) => ({ ...c })) : ctx.markets.map(() => ({})),
    txRng(params.risk.rngSeed, seq),
  );
  record.steps += 1;
  if (zombie) record.swept = true;

  ctx.markets.forEach((_mk, m) => {
    ctx.settle(id, ctx.acc(id), m);
  });
  for (const o of ctx.state.ordersByAccount.get(id)?.values() ?? []) ctx.cancelOrder(o);

  const fillsBefore = record.fills.length;
  const coveredBefore = record.deficitFromFund + record.deficitFromVault;
  const threshold = run.policy.vault.threshold;
  const belowThreshold = () => {
    const a = ctx.acc(id);
    return belowTakeoverThreshold(
      equity(a, ctx.markets),
      maintenanceRequirement(a, ctx.markets, params.markets),
      threshold,
    );
  };

  let anyDue = false;
  if (!zombie && equity(ctx.acc(id), ctx.markets) >= 0n) {
    for (let m = 0; m < ctx.markets.length; m++) if (runOnBookChunk(run, m).due) anyDue = true;
  }
  const stillOpen = () => !flat(ctx.acc(id)) && (zombie || below(ctx, id));
  if (!anyDue && !zombie && !belowThreshold() && equity(ctx.acc(id), ctx.markets) >= 0n) {
    throw engineError("LIQUIDATION_NOT_DUE", "no liquidation chunk is due yet for this account", {
      accountId: id,
    });
  }
  if (stillOpen() && (zombie || belowThreshold())) {
    const v = isVault ? { ok: false } : runVaultTakeover(run);
    if (!v.ok && equity(ctx.acc(id), ctx.markets) < 0n) runAdl(run);
  }

  const liq = ctx.acc(id);
  const closedNotional = run.closedNotional;
  const penalty = isVault
    ? 0n
    : liquidationPenalty(closedNotional, params.liquidationPenaltyBps, liq.collateral);
  liq.collateral -= penalty;
  ctx.insuranceFund += penalty;
  record.penalty += penalty;
  if (penalty > 0n) ctx.op({ kind: "penalty", accountId: id, amount: penalty });

  if (liq.collateral < 0n) {
    // The fund first; past what it may pay, the vault's own collateral (as in the vault tier). ADL at
    // the bankruptcy price, rounded against the account, leaves such dust even with the fund empty.
    const deficit = -liq.collateral;
    const avail = run.fundAvailable();
    const fromFund = deficit < avail ? deficit : avail;
    const fromVault = deficit - fromFund;
    const vaultCash = isVault ? 0n : ctx.acc(backstop).collateral;
    if (fromVault > vaultCash) {
      throw engineError("BAD_DEBT_UNCOVERED", "the insurance fund and the vault cannot cover the deficit", {
        accountId: id,
        deficit,
        available: avail + vaultCash,
      });
    }
    ctx.insuranceFund -= fromFund;
    record.deficitFromFund += fromFund;
    if (fromVault > 0n) {
      ctx.touch(backstop);
      ctx.acc(backstop).collateral -= fromVault;
      record.deficitFromVault += fromVault;
    }
    liq.collateral = 0n;
    ctx.op({ kind: "cover", accountId: id, fromFund, fromVault });
  }

  const drawdown = params.risk.insurance.drawdown;
  const drawdownOn = drawdown !== undefined;
  if (leafChanged(ctx.state.accounts[id] as AccountLeaf, liq)) ctx.touch(id);
  const ended = flat(liq) || (!zombie && !below(ctx, id));
  const now = ctx.nowMs;
  if (ended) record.closedAtMs = now;
  const fundChanged = drawdownOn && ctx.insuranceFund !== ctx.state.insuranceFund;
  const fundAfter = ctx.insuranceFund;
  const fundBefore = ctx.state.insuranceFund;
  ctx.onCommit(() => {
    if (progress) risk.ledger[record.id] = record;
    else risk.ledger.push(record);
    if (ended) risk.inProgress.delete(id);
    else risk.inProgress.set(id, { recordId: record.id, chunk: run.chunks });
    if (run.newTakeovers.length > 0) {
      risk.vaultTakeovers = [
        ...risk.vaultTakeovers.filter((r) => now - r.timestampMs < HOUR_MS),
        ...run.newTakeovers,
      ];
    }
    if (fundChanged) {
      // Keep one sample at or before the window's start: it is the balance in force when the window opened.
      const start = drawdown ? now - drawdown.windowMs : now;
      let keepFrom = 0;
      risk.fundSamples.forEach((s, i) => {
        if (s.timestampMs <= start) keepFrom = i;
      });
      // The first change also records the balance it started from: the peak a drawdown is measured from.
      if (risk.fundSamples.length === 0) risk.fundSamples.push({ timestampMs: now, balance: fundBefore });
      risk.fundSamples = [...risk.fundSamples.slice(keepFrom), { timestampMs: now, balance: fundAfter }];
    }
  });
  const covered = record.deficitFromFund + record.deficitFromVault - coveredBefore;
  return {
    touched: [],
    fills: run.bookFills,
    liquidationsDetected: [],
    liquidation: outcome(id, record.id, record.fills.slice(fillsBefore), penalty, covered, ended),
  };
}

function outcome(
  accountId: number,
  recordId: number,
  fills: LiquidationRecord["fills"],
  penalty: bigint,
  deficitCovered: bigint,
  ended: boolean,
): NonNullable<FlowResult["liquidation"]> {
  let closedOnBook = 0n;
  let toBackstop = 0n;
  let toAdl = 0n;
  for (const f of fills) {
    const s = f.size < 0n ? -f.size : f.size;
    if (f.tier === "on-book") closedOnBook += s;
    else if (f.tier === "vault") toBackstop += s;
    else toAdl += s;
  }
  return { accountId, closedOnBook, toBackstop, toAdl, penalty, deficitCovered, recordId, ended };
}
