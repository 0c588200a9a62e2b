// The liquidation ledger with its waterfall tiers, and the cash that backs it (fund, fees, vault).
import { html, int, lots, Panel, usd } from "./format.js";

const TIERS = ["on-book", "vault", "adl"];
const TIER_LABEL = { "on-book": "on-book", vault: "backstop vault", adl: "ADL" };

export function Ledger({ snap }) {
  const l = snap?.liquidations;
  const note = l ? `${int(l.total)} events · ${l.open.length} open · ${l.zombies.length} zombies` : "";
  return html`<${Panel} title="Liquidation ledger" note=${note} testid="ledger" className="ledger">
    <table class="grid">
      <thead>
        <tr>
          <th>#</th><th>account</th><th>tier</th><th>policy</th>
          ${TIERS.map((t) => html`<th class="r">${TIER_LABEL[t]} lots</th>`)}
          <th class="r">equity @trigger</th><th class="r">maint.</th><th class="r">penalty</th>
          <th class="r">from fund</th><th class="r">from vault</th><th class="r">steps</th><th>status</th>
        </tr>
      </thead>
      <tbody>
        ${!l || l.records.length === 0 ? html`<tr><td colspan="14" class="empty">no liquidation yet</td></tr>` : null}
        ${(l?.records ?? []).map(
          (r) => html`<tr key=${r.id} data-testid="liq-row" data-tier=${r.tier} data-account=${r.accountId}>
            <td class="mono">${r.id}</td>
            <td class="mono b">${r.accountId}</td>
            <td><span class=${`tag tier-${r.tier}`}>${TIER_LABEL[r.tier]}</span></td>
            <td class="dim">${r.policy}</td>
            ${TIERS.map((t) => html`<td class=${`r mono ${r.lotsByTier[t] === "0" ? "dim" : ""}`}>${lots(r.lotsByTier[t])}</td>`)}
            <td class=${`r mono ${BigInt(r.equityAtTrigger) < 0n ? "bad" : ""}`}>${usd(r.equityAtTrigger)}</td>
            <td class="r mono dim">${usd(r.maintenanceAtTrigger)}</td>
            <td class="r mono">${usd(r.penalty)}</td>
            <td class=${`r mono ${r.deficitFromFund === "0" ? "dim" : "bad"}`}>${usd(r.deficitFromFund)}</td>
            <td class=${`r mono ${r.deficitFromVault === "0" ? "dim" : "bad"}`}>${usd(r.deficitFromVault)}</td>
            <td class="r">${r.steps}</td>
            <td>${r.closedAtMs === undefined ? html`<span class="tag liq">open</span>` : r.swept ? html`<span class="tag">swept</span>` : html`<span class="tag ok">closed</span>`}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  <//>`;
}

export function Funds({ snap }) {
  const f = snap?.funds;
  const pnl = f ? BigInt(f.vault.pnl) : 0n;
  return html`<${Panel} title="Fund & vault" note=${f ? `vault: account ${f.vault.accountId}` : ""} testid="funds">
    <div class="funds">
      <div class="fund big" data-testid="insurance-fund"><span class="l">insurance fund</span><b>${usd(f?.insuranceFund)}</b><span class="u">USDC</span></div>
      <div class="fund"><span class="l">fee pool</span><b>${usd(f?.feePool)}</b></div>
      <div class="fund" data-testid="vault-equity"><span class="l">vault equity</span><b>${usd(f?.vault.equity)}</b></div>
      <div class="fund"><span class="l">vault net deposits</span><b>${usd(f?.vault.netDeposits)}</b></div>
      <div class="fund"><span class="l">vault PnL</span><b class=${pnl < 0n ? "bad" : pnl > 0n ? "ok" : ""}>${usd(f?.vault.pnl)}</b></div>
    </div>
  <//>`;
}
