/**
 * The load lab's summary table as Markdown, one column per run (lane on | lane off with
 * `--compare-lane`): printed on the console at the end of a run and pasted into the closing note.
 */
import { formatMs } from "./format.ts";
import type { LabReport } from "./report-types.ts";
import { summaryTable } from "./summary.ts";

export function renderSummaryMarkdown(report: LabReport): string {
  const table = summaryTable(report);
  const s = report.settings;
  const lines = [
    `**Load lab: \`${cell(s.scenario)}\`, ${s.minutes} min, seed \`${cell(s.seed)}\`** ` +
      `(commit \`${report.commit.sha.slice(0, 12)}\`${report.commit.dirty ? ", dirty" : ""}; ` +
      `${cell(report.machine.cpuModel)}, ${report.machine.cores} cores)`,
    "",
    `| | ${table.columns.map(cell).join(" | ")} |`,
    `| --- |${table.columns.map(() => " ---: |").join("")}`,
  ];
  for (const row of table.rows) {
    const cells = row.cells.map((c, i) => (row.flags?.[i] ? `**${cell(c)}** ⚠` : cell(c)));
    lines.push(`| ${cell(row.label)} | ${cells.join(" | ")} |`);
  }
  const censored = report.runs.filter((r) => r.liquidations.load.censored + r.liquidations.idle.censored > 0);
  if (censored.length > 0) {
    const longest = Math.max(
      ...censored.flatMap((r) => r.liquidations.samples.map((x) => x.censoredAtMs ?? 0)),
    );
    lines.push(
      "",
      `Censored liquidations (not verified when the lab stopped waiting, up to ${formatMs(longest)}) ` +
        `in ${censored.map((r) => r.label).join(", ")}: their times are lower bounds.`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** A table cell: pipes escaped, newlines flattened. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
