/**
 * The chaos report: `FILE` (JSON: settings, per fault its kind, injection time, recovery and the
 * invariants checked, the totals) and `FILE` with .html (the same as tables, plus a timeline of
 * acknowledged orders a second with each fault marked). Self-contained like the load lab's report:
 * uPlot is inlined from node_modules, nothing loads from the network.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { readReportAssets } from "../loadlab/report-html.ts";
import type { ChaosResult } from "./run.ts";

export interface ChaosReport extends ChaosResult {
  settings: Record<string, unknown>;
  commit: string;
  machine: string;
}

export function writeChaosReport(file: string, r: ChaosReport): { json: string; html: string } {
  mkdirSync(dirname(file), { recursive: true });
  const json = file.endsWith(".json") ? file : `${file}.json`;
  const html = json.replace(/\.json$/, ".html");
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(html, renderChaosHtml(r));
  return { json, html };
}

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
const sec = (ms: number | undefined) => (ms === undefined ? "—" : `${(ms / 1000).toFixed(1)} s`);
const mark = (ok: boolean) => (ok ? "✓" : "✗");

export function renderChaosHtml(r: ChaosReport): string {
  const a = readReportAssets();
  const rows = r.faults
    .map(
      (f) => `<tr><td>${esc(f.kind)}</td><td>${sec(f.injectedMs)}</td><td>${esc(f.what || f.error || "")}</td>
<td>${sec(f.leaderBackMs)}</td><td>${sec(f.recoveredMs)}</td>
<td>${f.invariants.map((i) => `<span class="${i.ok ? "ok" : "bad"}" title="${esc(i.detail)}">${mark(i.ok)} ${esc(i.name)}</span>`).join("<br>")}</td></tr>`,
    )
    .join("\n");
  const final = r.final
    .map(
      (i) =>
        `<tr><td class="${i.ok ? "ok" : "bad"}">${mark(i.ok)}</td><td>${esc(i.name)}</td><td>${esc(i.detail)}</td></tr>`,
    )
    .join("\n");
  const data = JSON.stringify({
    acked: r.ackedPerS,
    faults: r.faults.map((f) => ({
      kind: f.kind,
      at: f.injectedMs / 1000,
      back: (f.injectedMs + (f.recoveredMs ?? 0)) / 1000,
    })),
  }).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Chaos run ${esc(r.startedAt)}</title>
<style>${a.uplotCss}</style>
<style>body{font:14px system-ui,sans-serif;margin:24px;max-width:1200px}table{border-collapse:collapse;margin:8px 0 20px}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}.ok{color:#17803d}.bad{color:#b42318;font-weight:600}
code{background:#f3f3f3;padding:1px 4px}</style></head><body>
<h1>Chaos run</h1>
<p>Started ${esc(r.startedAt)} · ${sec(r.runMs)} · commit <code>${esc(r.commit)}</code> · ${esc(r.machine)}</p>
<p>Settings: <code>${esc(JSON.stringify(r.settings))}</code></p>
<h2>Totals</h2>
<table><tr><th>acked orders</th><th>lost acked orders</th><th>sent</th><th>refused (by code)</th><th>no answer</th><th>takeover times</th></tr>
<tr><td>${r.ackedTotal}</td><td class="${r.lostTotal === 0 ? "ok" : "bad"}">${r.lostTotal}</td><td>${r.counts.sent}</td>
<td>${esc(JSON.stringify(r.counts.refused))}</td><td>${r.counts.lost}</td><td>${r.takeoverMs.map((t) => sec(t)).join(", ") || "—"}</td></tr></table>
<h2>Timeline</h2><div id="timeline"></div>
<h2>Faults</h2>
<table><tr><th>fault</th><th>injected at</th><th>what</th><th>leader back after</th><th>recovered after (next batch on L1)</th><th>invariants after recovery</th></tr>
${rows}</table>
<h2>At the end</h2><table>${final}</table>
<script>${a.uplotJs}</script>
<script type="application/json" id="data">${data}</script>
<script>
const d = JSON.parse(document.getElementById("data").textContent);
const xs = d.acked.map((_, i) => i);
const bands = {
  hooks: { draw: [(u) => {
    const c = u.ctx; c.save();
    for (const f of d.faults) {
      const x0 = u.valToPos(f.at, "x", true), x1 = u.valToPos(Math.max(f.back, f.at + 0.5), "x", true);
      c.fillStyle = "rgba(220,38,38,0.12)"; c.fillRect(x0, u.bbox.top, Math.max(2, x1 - x0), u.bbox.height);
      c.fillStyle = "#b42318"; c.font = "11px sans-serif"; c.fillText(f.kind, x0 + 3, u.bbox.top + 12);
    }
    c.restore();
  }] },
};
new uPlot({ width: 1100, height: 320, plugins: [bands],
  scales: { x: { time: false } },
  axes: [{ label: "seconds since the load started" }, { label: "acknowledged orders / s" }],
  series: [{}, { label: "acked / s", stroke: "#2563eb", width: 1.5 }] },
  [xs, d.acked], document.getElementById("timeline"));
</script></body></html>
`;
}
