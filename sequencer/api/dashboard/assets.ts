/**
 * The dashboard's static files: a fixed allow-list of names, each mapped to one file on disk (the
 * page's own, or an ESM build from node_modules). Nothing is fetched from a CDN, and a request can
 * only name an entry of this list, so no path from the URL ever reaches the file system.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const web = (name: string) => fileURLToPath(new URL(`./web/${name}`, import.meta.url));

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

export interface Asset {
  path: string;
  contentType: string;
}

/** name in /dashboard/assets/<name> → file and type. The import map in index.html uses these names. */
export const ASSETS: Readonly<Record<string, Asset>> = Object.freeze({
  ...Object.fromEntries(
    [
      "app.js",
      "format.js",
      "header.js",
      "pipeline.js",
      "backlog.js",
      "latency.js",
      "books.js",
      "risk.js",
    ].map((n) => [n, { path: web(n), contentType: JS }]),
  ),
  "style.css": { path: web("style.css"), contentType: CSS },
  "preact.mjs": { path: require.resolve("preact"), contentType: JS },
  "preact-hooks.mjs": { path: require.resolve("preact/hooks"), contentType: JS },
  // htm's `require` entry is CommonJS; its ES module build (the `browser` entry) sits beside it, and
  // its exports map has no subpath Node still honours.
  "htm.mjs": { path: join(dirname(require.resolve("htm")), "htm.module.js"), contentType: JS },
  "uplot.mjs": { path: require.resolve("uplot/dist/uPlot.esm.js"), contentType: JS },
  "uplot.css": { path: require.resolve("uplot/dist/uPlot.min.css"), contentType: CSS },
});

export const INDEX_HTML = web("index.html");

/**
 * The asset's bytes and type, or undefined for a name not on the list. Read on every request, not
 * cached: the files are small, a page loads them once, and an edited app.js shows on the next reload.
 */
export async function readAsset(name: string): Promise<{ body: Buffer; contentType: string } | undefined> {
  if (!Object.hasOwn(ASSETS, name)) return undefined;
  const a = ASSETS[name] as Asset;
  return { body: await readFile(a.path), contentType: a.contentType };
}

export function readIndex(): Promise<Buffer> {
  return readFile(INDEX_HTML);
}
