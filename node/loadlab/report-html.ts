/**
 * The load lab's report as one self-contained HTML file: the header (machine, commit, settings), the
 * summary table, and uPlot charts of the runs side by side (lane on against lane off with
 * `--compare-lane`). It loads nothing from the network: uPlot's JS and CSS are read from node_modules
 * at render time and inlined, the charts' code (`report-client.js`) too, and the report itself is
 * embedded as JSON in a <script type="application/json"> tag, with every `<` escaped so no string in
 * it can close the tag.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { formatCount, formatMs } from "./format.ts";
import type { LabReport, LabRun } from "./report-types.ts";
import { summaryTable } from "./summary.ts";

const require = createRequire(import.meta.url);

export interface ReportAssets {
  uplotJs: string;
  uplotCss: string;
  clientJs: string;
}

/** uPlot's minified IIFE build and stylesheet, and the report's chart code, read from disk. */
export function readReportAssets(): ReportAssets {
  const read = (path: string | URL) => readFileSync(path, "utf8");
  return {
    uplotJs: read(require.resolve("uplot/dist/uPlot.iife.min.js")),
    uplotCss: read(require.resolve("uplot/dist/uPlot.min.css")),
    clientJs: read(new URL("./report-client.js", import.meta.url)),
  };
}

export function renderReportHtml(report: LabReport, assets: ReportAssets = readReportAssets()): string {
  const s = report.settings;
  const title = `Load lab: ${s.scenario}, ${s.minutes} min, ${report.runs.map((r) => r.label).join(" vs ")}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${inlineCss(assets.uplotCss)}</style>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
<p class="sub">Written ${esc(report.createdAt)} · commit <code>${esc(report.commit.sha.slice(0, 12))}</code>${
    report.commit.dirty ? ' <span class="flag">(dirty work tree)</span>' : ""
  }</p>
</header>
<section class="meta">
${metaTables(report)}
</section>
<section class="top">
<div>
<h2>Summary</h2>
${summaryHtml(report)}
</div>
<div>
<h2>Liquidations</h2>
<div class="charts one" id="chart-liq"></div>
</div>
</section>
<section>
<h2>Latency from received to each stage, per lane</h2>
<p class="note">CDFs on a log axis: solid for the liquidation lane, dashed for the normal lane; one colour per run.</p>
<div class="charts three" id="chart-stages"></div>
</section>
<section>
<h2>Backlog, proof queue and shed rate</h2>
<div class="charts three" id="chart-backlog"></div>
</section>
<section>
<h2>Throughput</h2>
<div class="charts two" id="chart-throughput"></div>
</section>
<section>
<h2>Stage latencies</h2>
${stageTable(report.runs)}
</section>
<footer>Charts drawn with uPlot, inlined. The report's data is embedded below as JSON (the same as report.json).</footer>
<script type="application/json" id="lab-data">${embedJson(report)}</script>
<script>${inlineJs(assets.uplotJs)}</script>
<script>${inlineJs(assets.clientJs)}</script>
</body>
</html>
`;
}

/** JSON for a <script type="application/json"> tag: `<` (so `</script>` and `<!--`) and U+2028/9 escaped. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function inlineJs(code: string): string {
  return code.replace(/<\/(script)/gi, "<\\/$1");
}

function inlineCss(css: string): string {
  return css.replace(/<\/(style)/gi, "<\\/$1");
}

function metaTables(report: LabReport): string {
  const m = report.machine;
  const s = report.settings;
  const machine: [string, string][] = [
    ["host", m.hostname],
    ["os", `${m.platform} ${m.arch}`],
    ["cpu", `${m.cpuModel}, ${m.cores} cores`],
    ["memory", `${m.memGiB} GiB`],
    ["node", m.node],
    ["load average", m.loadavg.map((x) => x.toFixed(2)).join(" ")],
  ];
  const settings: [string, string][] = [
    ["scenario", s.scenario],
    ["minutes", String(s.minutes)],
    ["seed", s.seed],
    ...(s.tape === undefined ? [] : ([["tape", s.tape]] as [string, string][])),
    ["max accounts", formatCount(s.maxAccounts)],
    ["compare lane", String(s.compareLane)],
    ["commit", `${report.commit.sha}${report.commit.dirty ? " (dirty)" : ""}`],
  ];
  const devnet = Object.entries(s.devnet).map(([k, v]): [string, string] => [k, String(v)]);
  const runs = report.runs.map((r): [string, string] => [
    r.label,
    `lane ${r.laneOn ? "on" : "off"}, started ${new Date(r.startedAt).toISOString()}, ${formatMs(r.durationMs)}`,
  ]);
  return [
    kvTable("Machine", machine),
    kvTable("Settings", settings),
    kvTable("Devnet", devnet.length > 0 ? devnet : [["", "(none recorded)"]]),
    kvTable("Runs", runs.length > 0 ? runs : [["", "(no runs)"]]),
  ].join("\n");
}

function kvTable(caption: string, rows: [string, string][]): string {
  const body = rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("");
  return `<table class="kv"><caption>${esc(caption)}</caption><tbody>${body}</tbody></table>`;
}

function summaryHtml(report: LabReport): string {
  const table = summaryTable(report);
  const head = `<tr><th></th>${table.columns.map((c) => `<th>${esc(c)}</th>`).join("")}</tr>`;
  const body = table.rows
    .map((row) => {
      const group = row.group
        ? `<tr class="group"><th colspan="${table.columns.length + 1}">${esc(row.group)}</th></tr>`
        : "";
      const cells = row.cells
        .map((c, i) => `<td${row.flags?.[i] ? ' class="flag"' : ""}>${esc(c)}</td>`)
        .join("");
      return `${group}<tr><th>${esc(row.label)}</th>${cells}</tr>`;
    })
    .join("\n");
  const censored = report.runs.some((r) => r.liquidations.idle.censored + r.liquidations.load.censored > 0);
  const note = censored
    ? '<p class="note">Some liquidations were censored (not verified when the lab stopped waiting): ' +
      "their percentiles are over the verified ones only, so the real ones are higher.</p>"
    : "";
  return `<table class="summary"><thead>${head}</thead><tbody>\n${body}\n</tbody></table>${note}`;
}

function stageTable(runs: LabRun[]): string {
  const rows = runs.flatMap((run) =>
    run.stages.map(
      (s) =>
        `<tr><td>${esc(run.label)}</td><td>${esc(s.lane)}</td><td>received → ${esc(s.stage)}</td>` +
        `<td>${formatCount(s.n)}</td><td>${formatMs(s.p50)}</td><td>${formatMs(s.p90)}</td>` +
        `<td>${formatMs(s.p99)}</td><td>${formatMs(s.max)}</td></tr>`,
    ),
  );
  if (rows.length === 0) return '<p class="empty">No stage latencies.</p>';
  return (
    '<table class="stages"><thead><tr><th>run</th><th>lane</th><th>stage</th><th>n</th><th>p50</th>' +
    `<th>p90</th><th>p99</th><th>max</th></tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table>`
  );
}

function esc(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1b1b; margin: 24px 32px; max-width: 1400px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.sub, .note, footer { color: #555; }
.note { font-size: 12.5px; margin: 4px 0; }
code { font: 12.5px ui-monospace, monospace; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 10px; text-align: left; border-bottom: 1px solid #eee; vertical-align: top; }
.top { display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 0 32px; align-items: start; }
@media (max-width: 1100px) { .top { grid-template-columns: minmax(0, 1fr); } }
.top .note { max-width: 44em; }
.u-legend { font-size: 12px; }
.meta { display: flex; flex-wrap: wrap; gap: 12px 28px; align-items: flex-start; }
.kv caption { text-align: left; font-weight: 600; padding: 4px 0; }
.kv th { color: #555; font-weight: normal; white-space: nowrap; }
.summary th { font-weight: normal; }
.summary thead th { font-weight: 600; text-align: right; border-bottom: 2px solid #bbb; }
.summary td, .stages td:nth-child(n+4) { text-align: right; }
.summary tr.group th { font-weight: 600; padding-top: 10px; border-bottom: 1px solid #ccc; }
.flag { color: #b00020; font-weight: 600; }
.charts { display: grid; gap: 16px 20px; }
.charts.one { grid-template-columns: 1fr; }
.charts.two { grid-template-columns: repeat(2, minmax(0, 1fr)); }
.charts.three { grid-template-columns: repeat(3, minmax(0, 1fr)); }
figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.empty { color: #888; font-style: italic; }
footer { margin-top: 32px; font-size: 12px; }
`;
