/** Mean of a per-second count series over [from, to) (ms), per second; 0 outside the series. */
export function meanRate(perS: readonly number[], from: number, to: number): number {
  let n = 0;
  const a = Math.floor(from / 1000);
  const b = Math.floor((Math.max(from + 1, to) - 1) / 1000);
  for (let k = a; k <= b; k++) n += k >= 0 && k < perS.length ? perS[k]! : 0;
  return n / (b - a + 1);
}
