/**
 * Writes a load-lab report: report.json (the data, the machine, the commit, the settings),
 * report.html (self-contained, charts inlined) and summary.md (the table for notes and the console).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { arch, cpus, hostname, loadavg, platform, totalmem } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../core/repo-root.ts";
import { renderSummaryMarkdown } from "./markdown.ts";
import { renderReportHtml } from "./report-html.ts";
import type { LabReport, LabRun } from "./report-types.ts";

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" }).trim();
  } catch {
    return "";
  }
}

export function machineInfo(): LabReport["machine"] {
  return {
    hostname: hostname(),
    platform: platform(),
    arch: arch(),
    cpuModel: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export function commitInfo(): LabReport["commit"] {
  return { sha: git(["rev-parse", "HEAD"]) || "unknown", dirty: git(["status", "--porcelain"]) !== "" };
}

export function buildReport(settings: LabReport["settings"], runs: LabRun[]): LabReport {
  return {
    version: 1,
    createdAt: new Date().toISOString(),
    machine: machineInfo(),
    commit: commitInfo(),
    settings,
    runs,
  };
}

/** Returns the Markdown summary it wrote. */
export function writeReport(dir: string, report: LabReport): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "report.json"),
    `${JSON.stringify(report, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`,
  );
  writeFileSync(join(dir, "report.html"), renderReportHtml(report));
  const md = renderSummaryMarkdown(report);
  writeFileSync(join(dir, "summary.md"), md);
  return md;
}
