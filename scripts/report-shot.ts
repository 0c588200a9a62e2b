/**
 * `tsx scripts/report-shot.ts <report.html> <out.png> [--width 1400] [--height 3000]
 * [--chromium /usr/bin/chromium]`: a headless
 * screenshot of a load-lab report with Debian's chromium, for docs/img/. The report is self-contained,
 * so this needs no network. Exits 1 with the install command when chromium is missing.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Command } from "commander";

function fail(message: string): never {
  console.error(`report-shot: ${message}`);
  process.exit(1);
}

const program = new Command()
  .name("report-shot")
  .argument("<report.html>", "the load lab's HTML report")
  .argument("<out.png>", "where to write the screenshot")
  .option("--width <px>", "window width", "1400")
  .option("--height <px>", "window height (the picture is cut there)", "3000")
  .option("--chromium <path>", "the browser to run", "/usr/bin/chromium")
  .parse();

const [htmlArg, outArg] = program.args as [string, string];
const opts = program.opts<{ width: string; height: string; chromium: string }>();
const width = Number(opts.width);
const height = Number(opts.height);
if (!Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0) {
  fail(`--width and --height take whole pixels, got ${opts.width} × ${opts.height}`);
}

if (!existsSync(opts.chromium)) {
  fail(`${opts.chromium} not found. Install Debian's chromium first: apt-get install -y chromium`);
}
const html = resolve(htmlArg);
if (!existsSync(html)) fail(`no such report: ${html}`);
const out = resolve(outArg);
mkdirSync(dirname(out), { recursive: true });

const res = spawnSync(
  opts.chromium,
  [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
    // Gives the charts' script time to run before the picture is taken.
    "--virtual-time-budget=5000",
    `--window-size=${width},${height}`,
    `--screenshot=${out}`,
    pathToFileURL(html).href,
  ],
  { encoding: "utf8", timeout: 120_000 },
);
if (res.error) fail(`chromium did not run: ${res.error.message}`);
if (res.status !== 0 || !existsSync(out) || statSync(out).size === 0) {
  fail(`chromium exited with ${res.status ?? res.signal} and wrote no picture:\n${res.stderr}`);
}
console.log(`report-shot: ${out} (${width}×${height})`);
