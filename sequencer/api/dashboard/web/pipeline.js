// Recent batches on their way sealed → proving → proven → verified, newest first.
import { clock, dur, html, Panel, short } from "./format.js";

const STAGES = ["sealed", "proving", "proven", "verified"];

export function Pipeline({ snap }) {
  const rows = snap?.batches ?? [];
  const counts = Object.fromEntries(STAGES.map((s) => [s, 0]));
  for (const b of rows) counts[b.stage]++;
  const note = STAGES.map((s) => html`<span class=${`chip st-${s}`}>${s} ${counts[s]}</span>`);
  return html`<${Panel} title="Batch pipeline" note=${note} testid="pipeline" className="pipeline">
    <table class="grid">
      <thead>
        <tr>
          <th>batch</th><th>lane</th><th class="r">txs</th><th>stage</th><th>sealed</th>
          <th class="r">queue</th><th class="r">prove</th><th class="r">to L1</th><th class="r">total</th>
          <th>prover</th><th>L1 tx</th>
        </tr>
      </thead>
      <tbody>
        ${rows.length === 0 ? html`<tr><td colspan="11" class="empty">no batch sealed yet</td></tr>` : null}
        ${rows.map((b) => html`<${BatchRow} key=${b.batchNumber} b=${b} now=${snap.at} />`)}
      </tbody>
    </table>
  <//>`;
}

function BatchRow({ b, now }) {
  const t = b.times;
  // A stage still running shows its time so far, in italics.
  const span = (from, to) =>
    from === undefined
      ? html`<span class="dim">–</span>`
      : to === undefined
        ? html`<i>${dur(now - from)}</i>`
        : dur(to - from);
  return html`<tr data-testid="batch-row" data-batch=${b.batchNumber} data-stage=${b.stage} data-priority=${b.priority}>
    <td class="mono b">#${b.batchNumber}</td>
    <td>${b.priority === "liquidation" ? html`<span class="tag liq">LIQ</span>` : html`<span class="tag">normal</span>`}</td>
    <td class="r">${b.txCount}</td>
    <td><${Stages} stage=${b.stage} /></td>
    <td class="mono dim">${clock(t.sealed)}</td>
    <td class="r">${span(t.sealed, t.provingStarted)}</td>
    <td class="r">${span(t.provingStarted, t.proven)}</td>
    <td class="r">${span(t.proven, t.verified)}</td>
    <td class="r b">${b.stage === "verified" ? dur(t.verified - t.sealed) : html`<i>${dur(now - t.sealed)}</i>`}</td>
    <td class="mono dim">${b.proverId ? short(b.proverId, 4) : "–"}</td>
    <td class="mono dim" title=${b.l1TxHash ?? ""}>${short(b.l1TxHash, 4)}</td>
  </tr>`;
}

function Stages({ stage }) {
  const at = STAGES.indexOf(stage);
  return html`<span class="stages" title=${stage}>
    ${STAGES.map((_s, i) => html`<span class=${`step ${i <= at ? `on st-${stage}` : ""}`}></span>`)}
    <span class=${`stage-name st-${stage}`}>${stage}</span>
  </span>`;
}
