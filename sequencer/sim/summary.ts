/**
 * The per-policy summary of a simulator run, computed from the engine's liquidation ledger and a few
 * engine views. Pure and exact: bigint amounts (micro-USDC, lots), ratios as numbers only at the end.
 *
 * Columns (docs/SIM.md explains them for readers):
 * - liquidations: ledger records (one per liquidation event); closed / still open at the end / swept.
 * - steps: liquidation txs that ran for the events (on-book chunks and terminal tiers).
 * - liquidatedLots / liquidatedNotional: Σ|size| and Σ|size|·price over every ledger fill.
 * - atOrBetterBankruptcyShare: lots filled at or better than the leg's bankruptcy price (for the
 *   account: a long being closed sells at ≥ bankruptcy, a short buys at ≤ bankruptcy) / all lots.
 * - slippageBps: one sample per (record, market leg with fills): the fills' exact VWAP against the leg's
 *   trigger mark, in bps of the trigger mark, positive = worse for the liquidated account
 *   (a long sold below the trigger mark, a short bought above it). Truncated to 0.01 bp.
 * - timeToCloseMs: closedAtMs − openedAtMs over the closed records.
 * - tiers: records per deepest tier reached; tierLots: lots filled per tier.
 * - badDebt: losses beyond the liquidated accounts' own collateral, by who bore them: deficitFromFund,
 *   deficitFromVault, and adlLoss = what ADL counterparties gave up against the mark, Σ −size·(price −
 *   mark) over "adl" fills (size is the liquidated account's signed trade). adlNotional is reported
 *   beside it (Σ|size|·price of "adl" fills) but is volume, not loss.
 * - insuranceFund: start (genesis) and end; vault: `engine.vaultReport()`.
 * - isolated: the isolated sub-accounts the tape opened, the ledger records of those accounts, and the
 *   deficits (fund + vault) of those records. The table shows these rows only when some run opened a
 *   sub-account, so the table of a tape without isolate events is unchanged.
 * Percentiles are nearest-rank over the exact sorted samples: the p-th is sample ⌈p·n/100⌉ (1-based).
 */
import { type LiquidationRecord, type LiquidationTier, TIER_ORDER } from "../engine/ledger.ts";

export interface Percentiles {
  n: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

export interface SimSummary {
  policy: string;
  liquidations: number;
  closed: number;
  open: number;
  swept: number;
  steps: number;
  liquidatedLots: bigint;
  liquidatedNotional: bigint;
  atOrBetterBankruptcyShare: number | null;
  slippageBps: Percentiles;
  timeToCloseMs: Percentiles;
  tiers: Record<LiquidationTier, number>;
  tierLots: Record<LiquidationTier, bigint>;
  penalties: bigint;
  badDebt: { fromFund: bigint; fromVault: bigint; adlLoss: bigint; adlNotional: bigint; total: bigint };
  insuranceFund: { start: bigint; end: bigint };
  vault: { equity: bigint; netDeposits: bigint; pnl: bigint };
  /** Vault takeover notional: Σ|size|·price of "vault" fills. */
  vaultTakeoverNotional: bigint;
  isolated: { accounts: number; events: number; deficit: bigint };
  applied: Record<string, number>;
  rejections: Record<string, Record<string, number>>;
}

export interface SummaryInput {
  policy: string;
  ledger: readonly LiquidationRecord[];
  insuranceStart: bigint;
  insuranceEnd: bigint;
  vault: { equity: bigint; netDeposits: bigint; pnl: bigint };
  applied?: Record<string, number>;
  rejections?: Record<string, Record<string, number>>;
  /** Engine time at the end of the run (for reference; open events have no close time). */
  endMs?: bigint;
  /** Ids of the isolated sub-accounts (their records are also counted apart). */
  isolatedAccounts?: ReadonlySet<number>;
}

const abs = (x: bigint) => (x < 0n ? -x : x);

/** Nearest-rank percentile of ascending samples; null without samples. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

export function percentiles(samples: readonly number[]): Percentiles {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99) };
}

/** Adverse slippage of `lots` filled for `notional` against `trigger`, in bps, truncated to 0.01. */
export function slippageBps(legSize: bigint, trigger: bigint, lots: bigint, notional: bigint): number {
  const dir = legSize > 0n ? 1n : -1n;
  const ref = trigger * lots;
  return Number((dir * (ref - notional) * 1_000_000n) / ref) / 100;
}

export function summarize(input: SummaryInput): SimSummary {
  const tiers = Object.fromEntries(TIER_ORDER.map((t) => [t, 0])) as Record<LiquidationTier, number>;
  const tierLots = Object.fromEntries(TIER_ORDER.map((t) => [t, 0n])) as Record<LiquidationTier, bigint>;
  let closed = 0;
  let swept = 0;
  let steps = 0;
  let lots = 0n;
  let notional = 0n;
  let goodLots = 0n;
  let judgedLots = 0n;
  let penalties = 0n;
  let fromFund = 0n;
  let fromVault = 0n;
  let adlNotional = 0n;
  let adlLoss = 0n;
  let vaultNotional = 0n;
  const isolatedIds = input.isolatedAccounts ?? new Set<number>();
  let isolatedEvents = 0;
  let isolatedDeficit = 0n;
  const slips: number[] = [];
  const closeTimes: number[] = [];

  for (const r of input.ledger) {
    tiers[r.tier] += 1;
    steps += r.steps;
    if (r.swept) swept += 1;
    if (r.closedAtMs !== undefined) {
      closed += 1;
      closeTimes.push(Number(r.closedAtMs - r.openedAtMs));
    }
    penalties += r.penalty;
    fromFund += r.deficitFromFund;
    fromVault += r.deficitFromVault;
    if (isolatedIds.has(r.accountId)) {
      isolatedEvents += 1;
      isolatedDeficit += r.deficitFromFund + r.deficitFromVault;
    }
    const perLeg = new Map<number, { lots: bigint; notional: bigint }>();
    for (const f of r.fills) {
      const s = abs(f.size);
      lots += s;
      notional += s * f.price;
      tierLots[f.tier] += s;
      if (f.tier === "adl") {
        adlNotional += s * f.price;
        adlLoss += -f.size * (f.price - f.mark);
      }
      if (f.tier === "vault") vaultNotional += s * f.price;
      const leg = r.legs.find((l) => l.marketId === f.marketId);
      if (leg) {
        judgedLots += s;
        const good = f.size < 0n ? f.price >= leg.bankruptcyPrice : f.price <= leg.bankruptcyPrice;
        if (good) goodLots += s;
        const acc = perLeg.get(f.marketId) ?? { lots: 0n, notional: 0n };
        acc.lots += s;
        acc.notional += s * f.price;
        perLeg.set(f.marketId, acc);
      }
    }
    for (const leg of r.legs) {
      const acc = perLeg.get(leg.marketId);
      if (!acc || acc.lots === 0n || leg.size === 0n || leg.triggerMark <= 0n) continue;
      slips.push(slippageBps(leg.size, leg.triggerMark, acc.lots, acc.notional));
    }
  }

  return {
    policy: input.policy,
    liquidations: input.ledger.length,
    closed,
    open: input.ledger.length - closed,
    swept,
    steps,
    liquidatedLots: lots,
    liquidatedNotional: notional,
    atOrBetterBankruptcyShare: judgedLots === 0n ? null : Number((goodLots * 1_000_000n) / judgedLots) / 1e6,
    slippageBps: percentiles(slips),
    timeToCloseMs: percentiles(closeTimes),
    tiers,
    tierLots,
    penalties,
    badDebt: { fromFund, fromVault, adlLoss, adlNotional, total: fromFund + fromVault + adlLoss },
    insuranceFund: { start: input.insuranceStart, end: input.insuranceEnd },
    vault: { ...input.vault },
    vaultTakeoverNotional: vaultNotional,
    isolated: { accounts: isolatedIds.size, events: isolatedEvents, deficit: isolatedDeficit },
    applied: { ...(input.applied ?? {}) },
    rejections: structuredClone(input.rejections ?? {}),
  };
}

/** micro-USDC as USDC with thousands separators and 2 decimals (truncated toward zero). */
export function fmtUsdc(micro: bigint): string {
  const neg = micro < 0n;
  const a = abs(micro);
  const whole = (a / 1_000_000n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const cents = ((a % 1_000_000n) / 10_000n).toString().padStart(2, "0");
  return `${neg ? "-" : ""}${whole}.${cents}`;
}

const fmtNum = (x: number | null, digits = 2) => (x === null ? "–" : x.toFixed(digits));
const fmtPct = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(1)}%`);
const fmtSec = (ms: number | null) => (ms === null ? "–" : `${(ms / 1000).toFixed(1)}`);

/** A side-by-side markdown table, one column per policy. */
export function summaryTable(summaries: readonly SimSummary[]): string {
  const rows: [string, (s: SimSummary) => string][] = [
    ["liquidation events", (s) => String(s.liquidations)],
    ["closed / open / swept", (s) => `${s.closed} / ${s.open} / ${s.swept}`],
    ["liquidation txs (steps)", (s) => String(s.steps)],
    ["liquidated lots", (s) => s.liquidatedLots.toString()],
    ["liquidated notional (USDC)", (s) => fmtUsdc(s.liquidatedNotional)],
    ["filled at/better than bankruptcy", (s) => fmtPct(s.atOrBetterBankruptcyShare)],
    [
      "slippage vs trigger mark p50/p90/p99 (bps)",
      (s) => `${fmtNum(s.slippageBps.p50)} / ${fmtNum(s.slippageBps.p90)} / ${fmtNum(s.slippageBps.p99)}`,
    ],
    ["time to close p50/p99 (s)", (s) => `${fmtSec(s.timeToCloseMs.p50)} / ${fmtSec(s.timeToCloseMs.p99)}`],
    ...TIER_ORDER.map((t): [string, (s: SimSummary) => string] => [
      `events ending in tier ${t} (lots)`,
      (s) => `${s.tiers[t]} (${s.tierLots[t]})`,
    ]),
    ["penalties to fund (USDC)", (s) => fmtUsdc(s.penalties)],
    ["deficit from fund (USDC)", (s) => fmtUsdc(s.badDebt.fromFund)],
    ["deficit from vault (USDC)", (s) => fmtUsdc(s.badDebt.fromVault)],
    ["ADL notional (USDC)", (s) => fmtUsdc(s.badDebt.adlNotional)],
    ["loss borne by ADL counterparties vs mark (USDC)", (s) => fmtUsdc(s.badDebt.adlLoss)],
    ["bad debt total (USDC)", (s) => fmtUsdc(s.badDebt.total)],
    [
      "insurance fund start → end (USDC)",
      (s) => `${fmtUsdc(s.insuranceFund.start)} → ${fmtUsdc(s.insuranceFund.end)}`,
    ],
    ["vault takeover notional (USDC)", (s) => fmtUsdc(s.vaultTakeoverNotional)],
    ["vault PnL (USDC)", (s) => fmtUsdc(s.vault.pnl)],
  ];
  if (summaries.some((s) => s.isolated.accounts > 0)) {
    rows.splice(
      1,
      0,
      ["isolated sub-accounts opened", (s) => String(s.isolated.accounts)],
      ["liquidation events of isolated sub-accounts", (s) => String(s.isolated.events)],
      ["deficit of isolated events (USDC)", (s) => fmtUsdc(s.isolated.deficit)],
    );
  }
  const codes = new Set<string>();
  for (const s of summaries)
    for (const [kind, m] of Object.entries(s.rejections))
      for (const c of Object.keys(m)) codes.add(`${kind}:${c}`);
  for (const kc of [...codes].sort()) {
    const [kind, code] = kc.split(":") as [string, string];
    rows.push([`rejected ${kind} ${code}`, (s) => String(s.rejections[kind]?.[code] ?? 0)]);
  }
  const header = `| | ${summaries.map((s) => s.policy).join(" | ")} |`;
  const sep = `|---|${summaries.map(() => "---:").join("|")}|`;
  const body = rows.map(([label, f]) => `| ${label} | ${summaries.map(f).join(" | ")} |`);
  return [header, sep, ...body].join("\n");
}
