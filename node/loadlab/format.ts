/**
 * Number formatting shared by the HTML report and the Markdown summary. `report-client.js` has a copy
 * of `formatMs` for the chart axes (it runs in the browser with no imports); keep the two in step.
 */

/** Three significant figures, in the unit that keeps the number short: 0.42 ms, 123 ms, 4.56 s, 2.5 min. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "—";
  const abs = Math.abs(ms);
  if (abs < 999.5) return `${sig3(ms)} ms`;
  if (abs < 59_950) return `${sig3(ms / 1000)} s`;
  if (abs < 3_597_000) return `${sig3(ms / 60_000)} min`;
  return `${sig3(ms / 3_600_000)} h`;
}

/** A percentage with at most two decimals: 0.5 %, 12.35 %. */
export function formatPct(pct: number | undefined): string {
  if (pct === undefined || !Number.isFinite(pct)) return "—";
  return `${round(pct, pct !== 0 && Math.abs(pct) < 1 ? 2 : 1)} %`;
}

/** An integer count with thousands separators: 12,345. */
export function formatCount(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return "—";
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A ratio such as load ÷ idle: 1.42×. */
export function formatRatio(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r)) return "—";
  return `${sig3(r)}×`;
}

function sig3(x: number): string {
  if (x === 0) return "0";
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x))));
  return round(x, Math.min(digits, 3));
}

function round(x: number, decimals: number): string {
  return Number(x.toFixed(decimals)).toString();
}
