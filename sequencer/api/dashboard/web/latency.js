// rollup_batch_stage_ms per stage: one bar per bucket, liquidation and normal side by side.
import { dur, html, Panel } from "./format.js";

const ORDER = ["sealed→proving", "proving→proven", "proven→verified", "sealed→verified"];

export function Latency({ snap }) {
  const hs = snap?.histograms ?? [];
  const stages = ORDER.filter((s) => hs.some((x) => x.stage === s));
  return html`<${Panel} title="Stage latency" note="rollup_batch_stage_ms · bucket counts · bounds in ms" testid="latency">
    ${stages.length === 0 ? html`<div class="empty">no batch has moved a stage yet</div>` : null}
    <div class="hists">
      ${stages.map((s) => html`<${StageHist} key=${s} stage=${s} hs=${hs.filter((x) => x.stage === s)} />`)}
    </div>
    <div class="legend"><span class="sw liq"></span>liquidation <span class="sw norm"></span>normal</div>
  <//>`;
}

function StageHist({ stage, hs }) {
  const liq = hs.find((x) => x.priority === "liquidation");
  const norm = hs.find((x) => x.priority === "normal");
  const base = liq ?? norm;
  // Only the buckets that hold something, plus one either side, so the bars are readable.
  const any = base.le.map((_, i) => (liq?.counts[i] ?? 0) + (norm?.counts[i] ?? 0) > 0);
  const lo = Math.max(0, any.indexOf(true) - 1);
  const hi = Math.min(base.le.length - 1, any.lastIndexOf(true) + 1);
  const max = Math.max(1, ...base.le.map((_, i) => Math.max(liq?.counts[i] ?? 0, norm?.counts[i] ?? 0)));
  const mean = (x) => (x && x.count > 0 ? dur(x.sumMs / x.count) : "–");
  const idx = [];
  for (let i = lo; i <= hi; i++) idx.push(i);
  // Bounds under the ends and the filled bars, never two side by side (they would run together).
  const labelled = new Set();
  let last = -2;
  for (const i of idx) {
    if ((i === lo || i === hi || any[i]) && i - last >= 2) {
      labelled.add(i);
      last = i;
    }
  }
  return html`<div class="hist" data-testid="hist" data-stage=${stage}>
    <div class="hist-title">
      <b>${stage}</b>
      <span class="dim">n=${(liq?.count ?? 0) + (norm?.count ?? 0)} · mean liq ${mean(liq)} / norm ${mean(norm)}</span>
    </div>
    <div class="bars">
      ${idx.map(
        (
          i,
        ) => html`<div class="bucket" title=${`≤ ${base.le[i] < 0 ? "+Inf" : `${base.le[i]} ms`}: liquidation ${liq?.counts[i] ?? 0}, normal ${norm?.counts[i] ?? 0}`}>
          <div class="pair">
            <div class="bar liq" style=${`height:${pct(liq?.counts[i], max)}%`}></div>
            <div class="bar norm" style=${`height:${pct(norm?.counts[i], max)}%`}></div>
          </div>
          <div class="le">${labelled.has(i) ? label(base.le[i]) : ""}</div>
        </div>`,
      )}
    </div>
  </div>`;
}

const pct = (c, max) => ((c ?? 0) / max) * 100;
// Compact bucket bounds (ms, or s from a second up): a dozen bars must fit under one chart.
const label = (le) => (le < 0 ? "∞" : le >= 1000 ? `${le / 1000}s` : `${le}`);
