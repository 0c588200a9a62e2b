/**
 * What the model replays: the requests the load lab would send for a scenario (the same fold of
 * traders onto accounts, the same load-probe steps), open-loop at their tape times, plus the
 * engine's liquidation decisions from the calibration (which price made how many accounts
 * liquidatable). The model does not run the matching or risk engine.
 */
import { planTape, withExtra } from "../loadlab/plan.ts";
import { loadProbeSteps } from "../loadlab/probes.ts";
import type { Scenario } from "../loadlab/scenarios.ts";

export type Arrival =
  | { i: number; t: number; kind: "order" }
  /** `ref`: the arrival index of the order it cancels; skipped (never sent) when that order was shed. */
  | { i: number; t: number; kind: "cancel"; ref: number }
  /** `liquidates`: accounts this price makes liquidatable (from the measured run). */
  | { i: number; t: number; kind: "price"; marketId: number; price: bigint; liquidates: number };

export interface Workload {
  arrivals: Arrival[];
  durationMs: number;
  /** Trigger groups no price arrival was near (the calibration's tape differs from this one). */
  unmatchedTriggers: number;
}

export function buildWorkload(
  scenario: Scenario,
  o: {
    maxAccounts: number;
    loadProbes: number;
    triggers: readonly { atMs: number; count: number; marketId?: number }[];
  },
): Workload {
  let plan = planTape(scenario.tape, o.maxAccounts);
  plan = withExtra(plan, loadProbeSteps(plan, scenario, o.loadProbes));
  const arrivals: Arrival[] = plan.requests.map((r) =>
    r.kind === "order"
      ? { i: r.i, t: r.t, kind: "order" }
      : r.kind === "cancel"
        ? { i: r.i, t: r.t, kind: "cancel", ref: r.ref }
        : { i: r.i, t: r.t, kind: "price", marketId: r.marketId, price: r.price, liquidates: 0 },
  );
  const prices = arrivals.filter((a): a is Extract<Arrival, { kind: "price" }> => a.kind === "price");
  let unmatched = 0;
  for (const g of o.triggers) {
    // The trigger is when the sequencer received the price; the lab sends it at its tape time or a
    // little late, so the price at or just before the trigger is the one that made it.
    // Without the trigger's market (older reports), a tie at the same time goes to the market that is
    // not the tape's (0): the probes' market moves only at their steps.
    let best: (typeof prices)[number] | undefined;
    for (const p of prices) {
      if (p.t > g.atMs + 50 || (g.marketId !== undefined && p.marketId !== g.marketId)) continue;
      if (!best || p.t > best.t || (p.t === best.t && best.marketId === 0)) best = p;
    }
    if (!best || g.atMs - best.t > 5_000) unmatched++;
    else best.liquidates += g.count;
  }
  return { arrivals, durationMs: plan.durationMs, unmatchedTriggers: unmatched };
}

/**
 * The same requests at the times they were actually sent. The lab's client shares the devnet's box
 * and sends each account's requests one at a time, so under a burst it falls behind its schedule
 * (docs/LOADLAB.md, "late sends"); to compare the model with that run, orders and cancels are moved
 * to the per-second send counts the run recorded (`series.sent`), in schedule order, spread evenly
 * within each second. Prices are never held back by the lab, so they keep their tape times.
 */
export function asDelivered(w: Workload, sentPerS: readonly number[]): Workload {
  const cum: number[] = [];
  let total = 0;
  for (const n of sentPerS) {
    total += n;
    cum.push(total);
  }
  const priceCount = w.arrivals.filter((a) => a.kind === "price").length;
  // The recorded counts include the prices; scale them to the orders and cancels alone.
  const scale = total > 0 ? Math.max(0, total - priceCount) / total : 0;
  let j = 0;
  let k = 0;
  let last = 0;
  const moved = w.arrivals.map((a) => {
    if (a.kind === "price" || total === 0) return a;
    const target = j++ / Math.max(scale, 1e-9);
    while (k < cum.length - 1 && cum[k]! <= target) k++;
    const before = k > 0 ? cum[k - 1]! : 0;
    const inBin = sentPerS[k]! > 0 ? (target - before) / sentPerS[k]! : 0;
    const t = Math.max(last, a.t, k * 1000 + Math.min(999, 1000 * inBin));
    last = t;
    return { ...a, t };
  });
  moved.sort((x, y) => x.t - y.t || x.i - y.i);
  return { ...w, arrivals: moved, durationMs: Math.max(w.durationMs, last) };
}
