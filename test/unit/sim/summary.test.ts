import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { LedgerFill, LiquidationRecord } from "../../../sequencer/engine/ledger.ts";
import { fmtUsdc, percentile, summarize, summaryTable } from "../../../sequencer/sim/summary.ts";

const fill = (
  tier: LedgerFill["tier"],
  marketId: number,
  size: bigint,
  price: bigint,
  mark = price,
): LedgerFill => ({
  tier,
  marketId,
  size,
  price,
  mark,
  counterparty: tier === "vault" ? 0 : 9,
  atMs: 0n,
  seq: 0n,
});
const base = {
  policy: "test",
  equityAtTrigger: 0n,
  maintenanceAtTrigger: 0n,
  penalty: 0n,
  deficitFromFund: 0n,
  deficitFromVault: 0n,
  swept: false,
};

// A: a long of 10 lots, trigger mark 1000, bankruptcy 950: 6 sold on the book at 990, 4 to the vault at
//    1000. VWAP 994 → 60 bp worse than the trigger; all 10 lots at or above bankruptcy; 3 s to close.
// B: a short of 5 lots, trigger 2000, bankruptcy 2100: 2 bought on the book at 2050, 1 from the vault at
//    2150 (worse than bankruptcy), 2 by ADL at 2100 (= bankruptcy, counts as at-or-better). VWAP 2090 →
//    450 bp worse; 4 of 5 lots good; 60 s to close; swept; deficits 30 (fund) + 20 (vault).
// C: a long of 3 lots in market 1, trigger 500, bankruptcy 480, 1 lot sold at 470, still open.
//    600 bp worse; 0 of 1 lot good.
const ledger: LiquidationRecord[] = [
  {
    ...base,
    id: 0,
    accountId: 5,
    openedAtMs: 1_000n,
    openedSeq: 1n,
    closedAtMs: 4_000n,
    legs: [{ marketId: 0, size: 10n, triggerMark: 1_000n, bankruptcyPrice: 950n }],
    fills: [fill("on-book", 0, -6n, 990n), fill("vault", 0, -4n, 1_000n)],
    tier: "vault",
    penalty: 50n,
    steps: 3,
  },
  {
    ...base,
    id: 1,
    accountId: 6,
    openedAtMs: 10_000n,
    openedSeq: 2n,
    closedAtMs: 70_000n,
    legs: [{ marketId: 0, size: -5n, triggerMark: 2_000n, bankruptcyPrice: 2_100n }],
    fills: [fill("on-book", 0, 2n, 2_050n), fill("vault", 0, 1n, 2_150n), fill("adl", 0, 2n, 2_100n, 2_150n)],
    tier: "adl",
    deficitFromFund: 30n,
    deficitFromVault: 20n,
    steps: 2,
    swept: true,
  },
  {
    ...base,
    id: 2,
    accountId: 7,
    openedAtMs: 20_000n,
    openedSeq: 3n,
    legs: [{ marketId: 1, size: 3n, triggerMark: 500n, bankruptcyPrice: 480n }],
    fills: [fill("on-book", 1, -1n, 470n)],
    tier: "on-book",
    penalty: 5n,
    steps: 1,
  },
];

describe("sim summary", () => {
  const s = summarize({
    policy: "test",
    ledger,
    insuranceStart: 1_000n,
    insuranceEnd: 1_025n,
    vault: { equity: 90n, netDeposits: 100n, pnl: -10n },
    applied: { order: 3 },
    rejections: { order: { INSUFFICIENT_MARGIN: 2 } },
  });

  it("counts events, steps, volume and tiers", () => {
    assert.equal(s.liquidations, 3);
    assert.equal(s.closed, 2);
    assert.equal(s.open, 1);
    assert.equal(s.swept, 1);
    assert.equal(s.steps, 6);
    assert.equal(s.liquidatedLots, 16n);
    assert.equal(s.liquidatedNotional, 9_940n + 10_450n + 470n);
    assert.deepEqual(s.tiers, { "on-book": 1, vault: 1, adl: 1 });
    assert.deepEqual(s.tierLots, { "on-book": 9n, vault: 5n, adl: 2n });
  });

  it("measures execution against bankruptcy and the trigger mark", () => {
    assert.equal(s.atOrBetterBankruptcyShare, 14 / 16);
    assert.deepEqual(s.slippageBps, { n: 3, p50: 450, p90: 600, p99: 600 });
    assert.deepEqual(s.timeToCloseMs, { n: 2, p50: 3_000, p90: 60_000, p99: 60_000 });
  });

  it("adds up bad debt, penalties, the fund and the vault", () => {
    assert.equal(s.penalties, 55n);
    // The short bought its last 2 lots by ADL at 2_100 with the mark at 2_150: the counterparties gave
    // up 2·50 = 100 against the mark.
    assert.deepEqual(s.badDebt, {
      fromFund: 30n,
      fromVault: 20n,
      adlLoss: 100n,
      adlNotional: 4_200n,
      total: 150n,
    });
    assert.equal(s.vaultTakeoverNotional, 4_000n + 2_150n);
    assert.deepEqual(s.insuranceFund, { start: 1_000n, end: 1_025n });
    assert.equal(s.vault.pnl, -10n);
  });

  it("an empty ledger has no ratios", () => {
    const e = summarize({ policy: "x", ledger: [], insuranceStart: 0n, insuranceEnd: 0n, vault: s.vault });
    assert.equal(e.atOrBetterBankruptcyShare, null);
    assert.deepEqual(e.slippageBps, { n: 0, p50: null, p90: null, p99: null });
  });

  it("percentiles are nearest-rank and USDC is formatted exactly", () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(xs, 50), 50);
    assert.equal(percentile(xs, 99), 99);
    assert.equal(percentile([7], 99), 7);
    assert.equal(fmtUsdc(-1_234_567_890n), "-1,234.56");
    assert.equal(fmtUsdc(5n), "0.00");
  });

  it("counts the records of isolated sub-accounts apart, and shows those rows only when there are any", () => {
    assert.deepEqual(s.isolated, { accounts: 0, events: 0, deficit: 0n });
    assert.doesNotMatch(summaryTable([s]), /isolated/);
    // Accounts 6 (B: deficits 30 + 20) and 42 (no record) are isolated.
    const iso = summarize({
      policy: "iso",
      ledger,
      insuranceStart: 0n,
      insuranceEnd: 0n,
      vault: s.vault,
      isolatedAccounts: new Set([6, 42]),
    });
    assert.deepEqual(iso.isolated, { accounts: 2, events: 1, deficit: 50n });
    assert.equal(iso.liquidations, 3, "the other columns are unchanged");
    const lines = summaryTable([s, iso]).split("\n");
    assert.equal(lines[2], "| liquidation events | 3 | 3 |");
    assert.equal(lines[3], "| isolated sub-accounts opened | 0 | 2 |");
    assert.equal(lines[4], "| liquidation events of isolated sub-accounts | 0 | 1 |");
    assert.equal(lines[5], "| deficit of isolated events (USDC) | 0.00 | 0.00 |");
  });

  it("prints one column per policy and a row per rejection code", () => {
    const t = summaryTable([s, { ...s, policy: "other", rejections: {} }]);
    const lines = t.split("\n");
    assert.equal(lines[0], "| | test | other |");
    assert.ok(lines.includes("| rejected order INSUFFICIENT_MARGIN | 2 | 0 |"));
    assert.ok(
      lines.includes(
        "| slippage vs trigger mark p50/p90/p99 (bps) | 450.00 / 600.00 / 600.00 | 450.00 / 600.00 / 600.00 |",
      ),
    );
  });
});
