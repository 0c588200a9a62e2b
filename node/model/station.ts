/**
 * A resource with k identical servers taking jobs first come, first served (the sequencer's main
 * thread, the signature-check workers). Calls must come in time order, which the event queue
 * guarantees. Busy time is kept per 1-second bin, so utilisation can be read over the busiest
 * window rather than averaged flat over a mostly quiet tape.
 */
export class Station {
  readonly #free: number[];
  readonly #busyMs: number[] = [];

  constructor(
    readonly name: string,
    readonly servers: number,
  ) {
    this.#free = new Array<number>(servers).fill(0);
  }

  /** Starts a job of `costMs` arriving at `t` on the first free server; returns when it ends. */
  serve(t: number, costMs: number): number {
    let k = 0;
    for (let j = 1; j < this.#free.length; j++) if (this.#free[j]! < this.#free[k]!) k = j;
    const start = Math.max(t, this.#free[k]!);
    const end = start + costMs;
    this.#free[k] = end;
    addBusy(this.#busyMs, start, end);
    return end;
  }

  get busyMs(): readonly number[] {
    return this.#busyMs;
  }
}

/** Adds the interval [start, end) to per-second bins. */
export function addBusy(bins: number[], start: number, end: number): void {
  let t = Math.max(0, start);
  while (t < end) {
    const k = Math.floor(t / 1000);
    const upTo = Math.min(end, (k + 1) * 1000);
    while (bins.length <= k) bins.push(0);
    bins[k]! += upTo - t;
    t = upTo;
  }
}

/** Highest mean utilisation over any `windowS`-second window, for `servers` in parallel (0..1+). */
export function peakUtilisation(bins: readonly number[], servers: number, windowS = 10): number {
  if (bins.length === 0) return 0;
  let sum = 0;
  let best = 0;
  for (let k = 0; k < bins.length; k++) {
    sum += bins[k]!;
    if (k >= windowS) sum -= bins[k - windowS]!;
    // Only whole windows once the series is long enough: a partial first window would overstate.
    if (k + 1 < windowS && bins.length >= windowS) continue;
    best = Math.max(best, sum / (Math.min(k + 1, windowS) * 1000 * servers));
  }
  return best;
}
