// Display helpers. Cash and prices arrive as decimal strings of micro-USDC (6 decimals), sizes as lots.

import htm from "htm";
import { h } from "preact";

export const html = htm.bind(h);

const USDC = 1_000_000n;

/** micro-USDC string → "12,345.67"; bigint-exact down to the cent. */
export function usd(s, digits = 2) {
  if (s === undefined || s === null || s === "") return "–";
  const v = BigInt(s);
  const neg = v < 0n;
  const a = neg ? -v : v;
  const whole = (a / USDC).toLocaleString("en-US");
  const frac = (a % USDC).toString().padStart(6, "0").slice(0, digits);
  return `${neg ? "−" : ""}${whole}${digits > 0 ? `.${frac}` : ""}`;
}

export function lots(s) {
  if (s === undefined || s === null) return "–";
  return BigInt(s).toLocaleString("en-US");
}

export function int(n) {
  return n === undefined || n === null ? "–" : Number(n).toLocaleString("en-US");
}

/** A duration in ms → "850 ms", "12.3 s", "4m05s". */
export function dur(ms) {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, "0")}s`;
}

export function clock(ms) {
  if (!ms) return "–";
  return new Date(ms).toISOString().slice(11, 19);
}

/** 0x1234…abcd */
export function short(hex, keep = 6) {
  if (!hex) return "–";
  return hex.length <= keep * 2 + 3 ? hex : `${hex.slice(0, keep + 2)}…${hex.slice(-keep)}`;
}

/** Funding rate in parts per 10^9 → percent with 4 decimals. */
export function ppb(s) {
  if (s === undefined) return "–";
  return `${(Number(s) / 1e7).toFixed(4)}%`;
}

/** A panel: a titled box, optionally with a right-aligned note in its header. */
export function Panel({ title, note, testid, className = "", children }) {
  return html`<section class=${`panel ${className}`} data-testid=${testid}>
    <header><h2>${title}</h2>${note ? html`<span class="note">${note}</span>` : null}</header>
    <div class="body">${children}</div>
  </section>`;
}

/** A source the server could not read shows its error in place of its numbers. */
export function Unavailable({ error }) {
  return html`<div class="unavailable" title=${error}>unavailable: ${error}</div>`;
}
