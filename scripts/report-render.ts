/**
 * `tsx scripts/report-render.ts <report.json> [out.html]`: (re)renders a load-lab report.json as the
 * self-contained HTML report (default: report.html beside the JSON) and prints the summary table as
 * Markdown. For a report written by an older build, or after a change to the report's look.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { renderSummaryMarkdown } from "../node/loadlab/markdown.ts";
import { renderReportHtml } from "../node/loadlab/report-html.ts";
import type { LabReport } from "../node/loadlab/report-types.ts";

function fail(message: string): never {
  console.error(`report-render: ${message}`);
  process.exit(2);
}

const [jsonArg, outArg] = process.argv.slice(2);
if (!jsonArg) fail("usage: tsx scripts/report-render.ts <report.json> [out.html]");
const json = resolve(jsonArg);
let report: LabReport;
try {
  report = JSON.parse(readFileSync(json, "utf8")) as LabReport;
} catch (err) {
  fail(`cannot read ${json}: ${(err as Error).message}`);
}
if (report.version !== 1 || !Array.isArray(report.runs)) {
  fail(`${json} is not a load-lab report (version 1 with runs[]); got version ${String(report.version)}`);
}
const out = outArg ? resolve(outArg) : join(dirname(json), "report.html");
writeFileSync(out, renderReportHtml(report));
console.log(renderSummaryMarkdown(report));
console.log(`report-render: ${out}`);
