/**
 * Debian's Chromium driven by playwright-core, for the browser tests and the dashboard screenshot
 * script. No browser download: CI installs the distribution's package (`apt-get install -y chromium`).
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { BaseError } from "../../core/errors.ts";

export const CHROMIUM = "/usr/bin/chromium";

/** Flags that keep a headless run off the network (no updates, sync or QUIC probes) and off the GPU. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export class ChromiumMissingError extends BaseError {
  override name = "ChromiumMissingError";
  constructor(path: string) {
    super(
      "CHROMIUM_MISSING",
      `${path} not found: install Debian's Chromium first (sudo apt-get install -y chromium)`,
      {
        details: { path },
      },
    );
  }
}

export async function launchChromium(executablePath = CHROMIUM): Promise<Browser> {
  if (!existsSync(executablePath)) throw new ChromiumMissingError(executablePath);
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}
