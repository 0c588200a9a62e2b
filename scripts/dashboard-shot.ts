/**
 * `tsx scripts/dashboard-shot.ts [--url URL | --dir DEVNET_DIR] [--out docs/img/dashboard.png]
 * [--liquidation] [--width 1600] [--height 1000] [--timeout-s 300] [--settle-ms 3000]
 * [--chromium /usr/bin/chromium]`: opens a running devnet's dashboard in headless Chromium
 * (playwright-core) and saves a full-page PNG once at least one batch is verified (and, with
 * --liquidation, once the ledger shows one). Exits 1 with what to do when the browser or the
 * devnet is missing or the wait times out.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Command } from "commander";
import { z } from "zod";
import { CHROMIUM, launchChromium } from "../node/browser/chromium.ts";
import { DEFAULT_DEVNET_DIR, type DevnetInfo } from "../node/devnet/devnet.ts";

const program = new Command()
  .name("dashboard-shot")
  .option("--url <url>", "the sequencer API's base URL (default: the devnet's in --dir)")
  .option("--dir <dir>", "the devnet's directory (its devnet.json names the API)", DEFAULT_DEVNET_DIR)
  .option("--out <file>", "where to write the PNG", "docs/img/dashboard.png")
  .option("--liquidation", "also wait for a row in the liquidation ledger", false)
  .option("--width <px>", "viewport width", "1600")
  .option("--height <px>", "viewport height (the picture is the full page)", "800")
  .option("--timeout-s <s>", "give up waiting after this long", "300")
  .option("--settle-ms <ms>", "after the wait, let the charts gather this many ms of samples", "3000")
  .option("--chromium <path>", "the browser to run", CHROMIUM)
  .parse();

const px = z.coerce.number().int().positive();
const Opts = z.object({
  url: z.string().url().optional(),
  dir: z.string(),
  out: z.string(),
  liquidation: z.boolean(),
  width: px,
  height: px,
  timeoutS: px,
  settleMs: z.coerce.number().int().nonnegative(),
  chromium: z.string(),
});

function fail(message: string): never {
  console.error(`dashboard-shot: ${message}`);
  process.exit(1);
}

const parsed = Opts.safeParse(program.opts());
if (!parsed.success) fail(parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; "));
const o = parsed.data;

function apiUrl(): string {
  if (o.url) return o.url.replace(/\/+$/, "");
  const info = join(o.dir, "devnet.json");
  if (!existsSync(info)) fail(`no devnet in ${o.dir} (${info} is missing): start one, or pass --url`);
  return (JSON.parse(readFileSync(info, "utf8")) as DevnetInfo).apiUrl;
}

const url = `${apiUrl()}/dashboard`;
const out = resolve(o.out);
const browser = await launchChromium(o.chromium).catch((err: unknown) =>
  fail(String((err as Error).message)),
);
try {
  const page = await browser.newPage({ viewport: { width: o.width, height: o.height } });
  const deadline = Date.now() + o.timeoutS * 1000;
  const left = () => Math.max(1, deadline - Date.now());
  await page.goto(url).catch((err: unknown) => fail(`cannot open ${url}: ${(err as Error).message}`));
  const wait = async (selector: string, what: string) => {
    console.log(`dashboard-shot: waiting for ${what}`);
    await page
      .waitForSelector(selector, { timeout: left() })
      .catch(() => fail(`timed out waiting for ${what}`));
  };
  await wait('[data-testid="conn"][data-state="live"]', "the live feed");
  await wait('[data-testid="batch-row"][data-stage="verified"]', "a verified batch");
  if (o.liquidation) await wait('[data-testid="liq-row"]', "a liquidation in the ledger");
  await page.waitForTimeout(o.settleMs);
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`dashboard-shot: ${out}`);
} finally {
  await browser.close();
}
