/**
 * Liquidation probes: accounts the lab drives into liquidation on purpose, on a market the tape does
 * not trade (market 1), so a probe's price step never moves the tape's traders. Each probe buys from
 * the lab's maker at leverage L; an index drop below its maintenance line makes the sequencer detect
 * it and queue its liquidation, and the trace gives trigger → L1-verified.
 *
 * Idle probes run one at a time on a quiet system before the tape; load probes are opened before the
 * tape at falling leverage, so the k-th scheduled step liquidates exactly the k-th.
 */
import type { Trader } from "../client/api-client.ts";
import type { LabPlan } from "./plan.ts";
import type { Scenario } from "./scenarios.ts";

/** Initial margin 10%, maintenance 5% (the devnet's defaults), in bps. */
const MMF_BPS = 500;

export const PROBE_MARKET = 1;
export const PROBE_PRICE = 30_000_000n;
export const PROBE_DEPOSIT = 20_000n * 1_000_000n;

/** Lots a probe buys at `price` for leverage `lev` on its deposit. */
export function probeSize(lev: number, price = PROBE_PRICE, deposit = PROBE_DEPOSIT): bigint {
  return (deposit * BigInt(Math.round(lev * 100))) / 100n / price;
}

/**
 * The index (a multiple of `tick`) half a percent below where a long at leverage `lev` entered at
 * `price` reaches maintenance: equity/notional = (1/lev − d)/(1 − d) < MMF.
 */
export function liquidatingPrice(lev: number, price = PROBE_PRICE, tick = 100n): bigint {
  const m = MMF_BPS / 10_000;
  const d = (1 / lev - m) / (1 - m) + 0.005;
  const p = BigInt(Math.floor(Number(price) * (1 - d)));
  return (p / tick) * tick;
}

/** Leverage of the k-th of n load probes: 9.5 down, 1x apart, so their liquidation prices are apart. */
export function loadProbeLeverage(k: number): number {
  return 9.5 - k;
}

export async function openProbe(maker: Trader, probe: Trader, lev: number): Promise<bigint> {
  const size = probeSize(lev);
  await maker.order({
    marketId: PROBE_MARKET,
    side: "sell",
    type: "limit",
    tif: "GTC",
    price: PROBE_PRICE,
    size,
  });
  await probe.order({
    marketId: PROBE_MARKET,
    side: "buy",
    type: "limit",
    tif: "IOC",
    price: PROBE_PRICE,
    size,
  });
  return size;
}

/**
 * The load probes' index steps on market 1: the k-th of n inside the burst (or the middle 60% of the
 * tape) liquidates exactly the k-th probe. Shared by the lab and the scale-out model (node/model/).
 */
export function loadProbeSteps(
  plan: Pick<LabPlan, "durationMs">,
  scenario: Pick<Scenario, "spike">,
  n: number,
): { t: number; kind: "price"; marketId: number; price: bigint }[] {
  const span = scenario.spike ?? { fromMs: plan.durationMs * 0.2, toMs: plan.durationMs * 0.8 };
  return Array.from({ length: n }, (_, k) => ({
    t: Math.round(span.fromMs + ((k + 1) * (span.toMs - span.fromMs)) / (n + 1)),
    kind: "price" as const,
    marketId: PROBE_MARKET,
    price: liquidatingPrice(loadProbeLeverage(k)),
  }));
}
