import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { formatMs } from "../../../node/loadlab/format.ts";
import { renderSummaryMarkdown } from "../../../node/loadlab/markdown.ts";
import { embedJson, renderReportHtml } from "../../../node/loadlab/report-html.ts";
import type { LabReport } from "../../../node/loadlab/report-types.ts";
import { summaryTable } from "../../../node/loadlab/summary.ts";
import { fixtureReport } from "./fixture.ts";

const CHROMIUM = "/usr/bin/chromium";

const require = createRequire(import.meta.url);

/** The text of <script type="application/json" id="lab-data">, parsed as a browser would. */
function embedded(html: string): unknown {
  const m = /<script type="application\/json" id="lab-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, "the report embeds its data");
  return JSON.parse(m[1]!);
}

describe("renderReportHtml", () => {
  const report = fixtureReport();
  const html = renderReportHtml(report);

  it("loads nothing from the network", () => {
    assert.doesNotMatch(html, /\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    assert.doesNotMatch(html, /<link\b/i);
    assert.doesNotMatch(html, /<script[^>]*\bsrc=/i);
  });

  it("inlines uPlot's code and stylesheet", () => {
    const lib = readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8");
    const css = readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8");
    assert.ok(html.includes(lib.slice(0, 2000)), "the start of uPlot's IIFE build is in the page");
    assert.ok(html.includes(lib.slice(-2000)), "and its end");
    assert.ok(html.includes(css.slice(0, 500)), "uPlot's CSS is in the page");
  });

  it("embeds the report as JSON that parses back to the same report", () => {
    assert.deepEqual(embedded(html), report);
  });

  it("puts both runs' numbers in the summary table", () => {
    const summary = /<table class="summary">([\s\S]*?)<\/table>/.exec(html)?.[1];
    assert.ok(summary, "there is a summary table");
    for (const run of report.runs) {
      assert.ok(summary.includes(`<th>${run.label}</th>`), `a column for ${run.label}`);
      for (const ms of [
        run.liquidations.load.p50,
        run.liquidations.load.p99,
        run.liquidations.idle.p50,
        run.liquidations.idle.p99,
        run.normalVerified.p50,
        run.normalVerified.p99,
      ]) {
        assert.ok(summary.includes(`<td>${formatMs(ms)}</td>`), `${run.label}: ${formatMs(ms)}`);
      }
      assert.ok(summary.includes(`<td>${(run.clientCpuShare).toFixed(2)}</td>`));
    }
    const [on, off] = report.runs;
    assert.notEqual(formatMs(on!.liquidations.load.p99), formatMs(off!.liquidations.load.p99));
  });

  it("lists every rejection code, the timeouts and the unanswered count", () => {
    const table = summaryTable(report);
    const labels = table.rows.map((r) => r.label);
    for (const code of ["OVERLOADED", "INSUFFICIENT_MARGIN", "BAD_NONCE", "PRICE_BAND"]) {
      assert.ok(labels.includes(`rejected ${code}`), code);
    }
    const row = (prefix: string) => table.rows.find((r) => r.label.startsWith(prefix))!;
    assert.deepEqual(row("timed out").cells, ["3", "211"]);
    assert.deepEqual(row("unanswered").cells, ["0", "0"]);
    // The lane-off run has no BAD_NONCE: its cell is 0, not missing.
    assert.deepEqual(row("rejected BAD_NONCE").cells, ["4", "0"]);
  });

  it("records the machine, the commit and the devnet's settings in the header", () => {
    assert.ok(html.includes(report.machine.cpuModel));
    assert.ok(html.includes(report.commit.sha));
    for (const [k, v] of Object.entries(report.settings.devnet)) {
      assert.ok(html.includes(`<tr><th>${k}</th><td>${v}</td></tr>`), `devnet ${k}`);
    }
  });

  it("renders a report with one run", () => {
    const one = fixtureReport({ runs: 1 });
    const out = renderReportHtml(one);
    assert.equal(summaryTable(one).columns.length, 1);
    assert.deepEqual(embedded(out), one);
  });

  it("renders a report with censored liquidations and says they are lower bounds", () => {
    const censored = fixtureReport({ censored: true });
    const off = censored.runs[1]!;
    assert.ok(off.liquidations.load.censored > 0, "the fixture has censored samples");
    assert.ok(
      off.liquidations.samples.some((s) => s.verifiedMs === undefined && s.censoredAtMs !== undefined),
    );
    const out = renderReportHtml(censored);
    assert.match(out, /censored/);
    assert.deepEqual(embedded(out), censored);
  });

  it("renders a report with no samples, no stages and empty series", () => {
    const bare = fixtureReport({ runs: 1 });
    const run = bare.runs[0]!;
    run.stages = [];
    run.liquidations = {
      samples: [],
      idle: { n: 0, verified: 0, censored: 0 },
      load: { n: 0, verified: 0, censored: 0 },
    };
    run.normalVerified = { n: 0 };
    for (const k of Object.keys(run.series) as (keyof typeof run.series)[]) run.series[k] = [];
    const out = renderReportHtml(bare);
    assert.match(out, /No stage latencies/);
    assert.ok(
      summaryTable(bare).rows.some((r) => r.cells[0] === "—"),
      "missing percentiles show as —",
    );
  });

  it("escapes </script> and HTML in string fields", () => {
    const evil: LabReport = fixtureReport();
    const payload = "</script><script>alert(1)</script><!--";
    evil.settings.scenario = payload;
    evil.runs[0]!.label = payload;
    evil.settings.devnet.note = payload;
    const out = renderReportHtml(evil);
    assert.ok(!out.includes(payload), "the payload appears nowhere verbatim");
    assert.ok(!out.includes("<script>alert"), "no script tag of the payload's");
    assert.ok(!out.includes("<!--"), "no comment opener to upset the script parser");
    assert.equal(out.match(/<script\b/gi)?.length, 3, "only the data, uPlot and the charts' scripts");
    assert.equal(out.match(/<\/script>/gi)?.length, 3);
    assert.deepEqual(embedded(out), evil);
    assert.ok(!embedJson({ s: "</script>" }).includes("<"));
  });
});

describe("the report in Chromium", { skip: !existsSync(CHROMIUM) && "no /usr/bin/chromium" }, () => {
  /** Loads the page headless, offline; returns the DOM after the scripts ran and the console log. */
  function load(report: LabReport) {
    const dir = mkdtempSync(join(tmpdir(), "loadlab-report-"));
    try {
      const file = join(dir, "report.html");
      writeFileSync(file, renderReportHtml(report));
      const res = spawnSync(
        CHROMIUM,
        [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--enable-logging=stderr",
          "--v=0",
          "--virtual-time-budget=3000",
          "--dump-dom",
          `file://${file}`,
        ],
        { encoding: "utf8", timeout: 60_000 },
      );
      assert.equal(res.status, 0, res.stderr);
      return { dom: res.stdout, log: res.stderr.split("\n").filter((l) => l.includes(":CONSOLE")) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("draws every chart of a two-run report with censored samples, without a script error", () => {
    const { dom, log } = load(fixtureReport({ censored: true }));
    assert.deepEqual(log, []);
    // 1 liquidation CDF + 6 stage CDFs + backlog, queue depth, shed + 2 throughput charts.
    assert.equal(dom.match(/class="uplot/g)?.length, 12);
  });

  it("draws a one-run report and says when there is nothing to draw", () => {
    assert.equal(load(fixtureReport({ runs: 1 })).dom.match(/class="uplot/g)?.length, 11);
    const bare = fixtureReport({ runs: 1 });
    bare.runs[0]!.stages = [];
    bare.runs[0]!.liquidations.samples = [];
    const { dom, log } = load(bare);
    assert.deepEqual(log, []);
    assert.match(dom, /No liquidation samples/);
  });
});

describe("renderSummaryMarkdown", () => {
  it("has one column per run and both runs' numbers", () => {
    const report = fixtureReport();
    const md = renderSummaryMarkdown(report);
    const lines = md.split("\n");
    assert.ok(lines.includes("| | lane on | lane off |"), "lane on | lane off columns");
    assert.ok(lines.includes("| --- | ---: | ---: |"));
    const [on, off] = report.runs;
    const p99 = lines.find((l) => l.startsWith("| liquidation trigger→verified p99, load |"));
    assert.equal(
      p99,
      `| liquidation trigger→verified p99, load | ${formatMs(on!.liquidations.load.p99)} | ${formatMs(off!.liquidations.load.p99)} |`,
    );
    for (const label of [
      "normal lane received→verified p50",
      "normal lane received→verified p99",
      "max backlog",
    ]) {
      assert.ok(
        lines.some((l) => l.startsWith(`| ${label}`)),
        label,
      );
    }
    const shed = lines.find((l) => l.startsWith("| shed"))!;
    assert.ok(shed.includes(`${Number(on!.requests.shedPct.toFixed(1))} %`), shed);
    // Every table row has the same number of cells.
    const rows = lines.filter((l) => l.startsWith("|"));
    for (const row of rows) assert.equal(row.split(/(?<!\\)\|/).length, 5, row);
  });

  it("flags a missed goal, notes censored samples and escapes pipes", () => {
    const report = fixtureReport({ censored: true });
    report.runs[0]!.liquidations.p99Ratio = 3.5;
    report.runs[1]!.label = "lane | off";
    const md = renderSummaryMarkdown(report);
    assert.match(md, /\| \*\*3\.5×\*\* ⚠ \|/);
    assert.match(md, /lower bounds/);
    assert.ok(md.includes("| | lane on | lane \\| off |"));
  });

  it("renders one run", () => {
    const md = renderSummaryMarkdown(fixtureReport({ runs: 1 }));
    assert.ok(md.split("\n").includes("| | lane on |"));
  });
});

describe("formatMs", () => {
  it("picks ms, s, min or h and keeps three significant figures", () => {
    assert.equal(formatMs(0.4234), "0.423 ms");
    assert.equal(formatMs(12.34), "12.3 ms");
    assert.equal(formatMs(999.7), "1 s");
    assert.equal(formatMs(4560), "4.56 s");
    assert.equal(formatMs(150_000), "2.5 min");
    assert.equal(formatMs(7_200_000), "2 h");
    assert.equal(formatMs(undefined), "—");
  });
});
