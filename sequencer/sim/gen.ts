/**
 * Seeded synthetic tapes (`npm run gen-tape`). Same shape, seed and minutes → byte-identical tape.
 * Randomness is `SeededRandom` (SHA-256 counter mode); normals are Irwin–Hall (sum of 12 uniforms − 6),
 * so only IEEE +, −, ×, ÷ touch floats and the output does not depend on the platform's Math.log.
 * The simulation steps in 1 s ticks: each tick emits the index (one price event per market), then the
 * makers' requotes, then the takers' orders at uniform times inside the tick.
 *
 * Units: prices micro-USDC per lot on tick 100 (the devnet market), sizes lots, amounts micro-USDC.
 * Every tape starts with the index at t = 0 and all deposits at t = 0, so traders can trade with up to
 * ~9x leverage under the default 10% IMF / 5% MMF.
 *
 * calm — one market at 60 USDC/lot (60,000,000):
 *   index: per-second return N(0, volBps = 5 bp); makers: 4 × 5M USDC, 3 levels per side at
 *   ±(halfSpreadBps 5 + i·levelStepBps 5), 600 lots each, requoted (cancel + new quotes) every 10 s ±2 s;
 *   takers: 20 × 200k USDC, market IOC, 0.6 orders/s in all, 1–50 lots, either side;
 *   leveraged: 12 traders, 2k–10k USDC, 3–9x, ⅔ long / ⅓ short, built with ≤ 150-lot IOC limit orders
 *   30 bp through the index every 2 s during the first 20% of the tape.
 * crash — the 11 Oct 2025 shape, calm parameters plus:
 *   lead-in: the first 40% of the tape is calm; crash window: min(180 s, 30% of the tape) in which the index
 *   falls dropPct 15% along a convex path (slow start, fast middle) with 3× the calm volatility, then an
 *   aftermath that bounces 3% with 2× volatility;
 *   order flow in the window is orderMultiplier 80× the calm order rate (makers + takers), 70% sells,
 *   1–4 lots, from 60 panic takers (300k USDC each); makers pull every quote at the crash start, stay
 *   out 5–15 s, then quote 2 levels of 150 lots at 6× the spread and requote every 2 s;
 *   leveraged: 30 traders, 5–9.5x, 85% long (the cascade).
 *   Knobs (GenOptions, `npm run gen-tape` flags): dropPct (--drop-pct, 15), gapPct (--gap-pct, 0: a
 *   further fall of the index within one tick, at gapAt (--gap-at, 0) of the window but never before
 *   the tick after the makers pull, so the most leveraged longs are bankrupt before the book can absorb
 *   them), leveraged (--leveraged, 30), maxLeverage (--max-leverage, 9.5), and for every shape the
 *   header genesis vaultCapital (--vault-capital, 20M USDC) and insurance (--insurance, 1M USDC).
 *   severity (--severity) picks a preset of all of them (CRASH_SEVERITIES): normal = the defaults;
 *   extreme = drop 30%, gap 12% at the window's first tick, 120 leveraged traders, vault 250k USDC,
 *   fund 5k USDC. Explicit options win over the preset. Defaults leave the tape byte-identical.
 * jelly — the JELLY squeeze against the vault, one thin market at 30 USDC/lot (30,000,000):
 *   makers: 2 × 500k USDC, 2 levels of 40 lots at ±(20 + i·20) bp, requoted every 10 s; takers: 4,
 *   0.3 orders/s, 1–10 lots; at 10% of the tape the attacker (105k USDC) rests a sell of shortLots
 *   28,000 lots (8x, 840k USDC) at +10 bp and two linked accounts (150k USDC each, ~2.8x) lift it. The
 *   size keeps the takeover (~920k USDC at +9%) inside the presets' 1M USDC per-minute vault capacity;
 *   a larger short is refused by the vault and goes to ADL instead. From 25%
 *   of the tape the index is pushed up squeezeRisePct 12% within 60 s (the short falls below
 *   maintenance and the waterfall hands it to the vault), then on up to peakPct +250% over the next
 *   40% of the tape, and holds there with 10 bp noise; the linked accounts keep buying small size
 *   during the push and try to take profit (market sells) near the peak.
 * isolatedShare (--isolated-share, 0; calm and crash) — that share of the leveraged traders (rounded to
 *   a whole number, picked by a separate seeded stream) deposit as before and then, at t = 0, isolate
 *   the margin their position needs into a sub-account for market 0 and build the position from it:
 *   lots · startPrice · 11% (ISOLATED_MARGIN_BPS) rounded up to whole USDC (the 10% IMF plus 1% of
 *   notional for the taker fee, the 30 bp the builder pays through the index and the index's drift
 *   while it builds), at most the deposit. The rest of the deposit stays in the cross account, which
 *   then trades nothing. Why not notional / leverage: positions are sized deposit × leverage, so that
 *   would move the whole deposit and cross and isolated would not differ. The other stream keeps every other draw, so a tape with a
 *   share differs from the one without only by its isolate events (and the header's params).
 */
import { SeededRandom } from "../../core/random.ts";
import {
  type OrderEvent,
  TAPE_FORMAT,
  TAPE_VERSION,
  type Tape,
  type TapeEvent,
  type TapeHeader,
  validateTape,
} from "./tape.ts";

export const SHAPES = ["calm", "crash", "jelly"] as const;
export type Shape = (typeof SHAPES)[number];

export const SEVERITIES = ["normal", "extreme"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The crash knobs a severity sets; explicit options override them. */
export interface CrashKnobs {
  /** Fall of the index along the crash window's smoothstep path, in % (default 15). */
  dropPct: number;
  /** A further fall of the index within one tick (the gap), in % (default 0: no gap). */
  gapPct: number;
  /** Where in the crash window the gap falls, as a fraction in [0, 1); 0 = the first tick after the
   * makers pulled their quotes (default 0). */
  gapAt: number;
  /** Number of leveraged traders (default 30). */
  leveraged: number;
  /** Leveraged traders' leverage is uniform(5, maxLeverage) (default 9.5; must be in [5, 10)). */
  maxLeverage: number;
}

/** Header genesis in whole USDC. */
export interface GenesisKnobs {
  /** Backstop vault (account 0) collateral at genesis (default 20,000,000). */
  vaultCapital: number;
  /** Insurance fund at genesis (default 1,000,000). */
  insurance: number;
}

/**
 * Crash severities. `normal` is the default crash (a long cascade the vault absorbs). `extreme` is a
 * cascade that goes all the way down the waterfall: a 4× larger, more leveraged long crowd, a 30% slide
 * with a 12% gap right after the makers pull (the 9.5x longs are bankrupt before the book can absorb
 * anything), a 250k USDC vault (its own maintenance margin and the 1M USDC/min capacity refuse most
 * takeovers) and a 5k USDC insurance fund (it runs dry, so the vault pays deficits too).
 */
export const CRASH_SEVERITIES: Readonly<Record<Severity, Readonly<CrashKnobs & GenesisKnobs>>> = {
  normal: {
    dropPct: 15,
    gapPct: 0,
    gapAt: 0,
    leveraged: 30,
    maxLeverage: 9.5,
    vaultCapital: 20_000_000,
    insurance: 1_000_000,
  },
  extreme: {
    dropPct: 30,
    gapPct: 12,
    gapAt: 0,
    leveraged: 120,
    maxLeverage: 9.5,
    vaultCapital: 250_000,
    insurance: 5_000,
  },
};

export interface GenOptions extends Partial<CrashKnobs>, Partial<GenesisKnobs> {
  shape: Shape;
  seed: string;
  minutes: number;
  /** Epoch ms of t = 0 (default 1,760,140,800,000 = 2025-10-11T00:00:00Z). */
  startMs?: bigint;
  /** crash only: the crash window's order rate as a multiple of the lead-in's (default 80). */
  orderMultiplier?: number;
  /** crash only: a preset of the crash knobs and the genesis (default "normal"); explicit options win. */
  severity?: Severity;
  /** calm and crash: share of the leveraged traders who trade from an isolated sub-account, in [0, 1]
   * (default 0). */
  isolatedShare?: number;
}

const CRASH_ONLY = ["severity", "dropPct", "gapPct", "gapAt", "leveraged", "maxLeverage"] as const;

/** Checks the options that are not the shape and the length; throws a RangeError naming the option. */
function checkOptions(opts: GenOptions): void {
  if (opts.shape !== "crash") {
    for (const k of CRASH_ONLY) {
      if (opts[k] !== undefined) throw new RangeError(`${k} is a crash option; use it with shape "crash"`);
    }
  }
  const num = (name: string, v: number | undefined, ok: (x: number) => boolean, range: string) => {
    if (v !== undefined && !(Number.isFinite(v) && ok(v))) {
      throw new RangeError(`${name} must be ${range}, got ${v}`);
    }
  };
  if (opts.severity !== undefined && !(SEVERITIES as readonly string[]).includes(opts.severity)) {
    throw new RangeError(`unknown severity "${opts.severity}"; known severities: ${SEVERITIES.join(", ")}`);
  }
  num("dropPct", opts.dropPct, (x) => x > 0 && x < 90, "a number in (0, 90)");
  num("gapPct", opts.gapPct, (x) => x >= 0 && x < 90, "a number in [0, 90)");
  num("gapAt", opts.gapAt, (x) => x >= 0 && x < 1, "a fraction in [0, 1)");
  num(
    "leveraged",
    opts.leveraged,
    (x) => Number.isInteger(x) && x >= 0 && x <= 10_000,
    "an integer in [0, 10000]",
  );
  num("maxLeverage", opts.maxLeverage, (x) => x >= 5 && x < 10, "a number in [5, 10) (the IMF is 10%)");
  num("isolatedShare", opts.isolatedShare, (x) => x >= 0 && x <= 1, "a fraction in [0, 1]");
  if (opts.shape === "jelly" && (opts.isolatedShare ?? 0) > 0) {
    throw new RangeError(
      `isolatedShare needs leveraged traders, and shape "jelly" has none; use calm or crash`,
    );
  }
  const whole = (x: number) => Number.isInteger(x) && x >= 0 && x <= 1e12;
  num("vaultCapital", opts.vaultCapital, whole, "a whole number of USDC in [0, 1e12]");
  num("insurance", opts.insurance, whole, "a whole number of USDC in [0, 1e12]");
}

const USDC = 1_000_000;
/** An isolated leveraged trader's margin, in bps of its position's notional at the start price. */
export const ISOLATED_MARGIN_BPS = 1_100;
const TICK = 100;
const TICK_MS = 1_000;
export const DEFAULT_START_MS = 1_760_140_800_000n;

/** One event under construction; cancels point at the builder id of their order. */
type Draft =
  | { n: number; ev: Exclude<TapeEvent, { kind: "cancel" }> }
  | { n: number; ev: { t: number; kind: "cancel"; trader: number }; refN: number };

class Builder {
  private readonly drafts: Draft[] = [];
  private n = 0;

  add(ev: Exclude<TapeEvent, { kind: "cancel" }>): number {
    const n = this.n++;
    this.drafts.push({ n, ev });
    return n;
  }

  cancel(t: number, trader: number, refN: number): void {
    this.drafts.push({ n: this.n++, ev: { t, kind: "cancel", trader }, refN });
  }

  /** Sorted by (t, creation order); cancel refs rewritten to final event indexes. */
  events(): TapeEvent[] {
    const sorted = [...this.drafts].sort((a, b) => a.ev.t - b.ev.t || a.n - b.n);
    const index = new Map<number, number>();
    sorted.forEach((d, i) => {
      index.set(d.n, i);
    });
    return sorted.map((d) => ("refN" in d ? { ...d.ev, ref: index.get(d.refN) as number } : d.ev));
  }
}

class Rand {
  private readonly r: SeededRandom;
  constructor(seed: string) {
    this.r = new SeededRandom(seed);
  }
  next(): number {
    return this.r.next();
  }
  uniform(a: number, b: number): number {
    return a + (b - a) * this.r.next();
  }
  int(a: number, b: number): number {
    return a + Math.floor((b - a + 1) * this.r.next());
  }
  chance(p: number): boolean {
    return this.r.next() < p;
  }
  /** Irwin–Hall approximation of N(0, 1). */
  normal(): number {
    let s = 0;
    for (let i = 0; i < 12; i++) s += this.r.next();
    return s - 6;
  }
  /** floor(rate) events plus one more with probability frac(rate). */
  count(rate: number): number {
    const whole = Math.floor(rate);
    return whole + (this.chance(rate - whole) ? 1 : 0);
  }
}

const toTick = (price: number, dir: "down" | "up" | "near"): bigint => {
  const q = price / TICK;
  const k = dir === "down" ? Math.floor(q) : dir === "up" ? Math.ceil(q) : Math.round(q);
  return BigInt(Math.max(1, k)) * BigInt(TICK);
};
const usdc = (x: number) => BigInt(Math.round(x)) * BigInt(USDC);

interface Maker {
  trader: number;
  live: number[];
  nextQuoteMs: number;
  outUntilMs: number;
}

interface Builderer {
  trader: number;
  side: "buy" | "sell";
  remaining: number;
  nextMs: number;
}

interface MakerStyle {
  levels: number;
  halfSpreadBps: number;
  levelStepBps: number;
  lots: number;
  requoteMs: number;
  requoteJitterMs: number;
}

export function generateTape(opts: GenOptions): Tape {
  if (!(SHAPES as readonly string[]).includes(opts.shape)) {
    throw new RangeError(`unknown shape "${opts.shape}"; known shapes: ${SHAPES.join(", ")}`);
  }
  if (!Number.isFinite(opts.minutes) || opts.minutes <= 0 || opts.minutes > 24 * 60) {
    throw new RangeError(`minutes must be in (0, 1440], got ${opts.minutes}`);
  }
  checkOptions(opts);
  const durationMs = Math.round(opts.minutes * 60_000);
  const rnd = new Rand(`gen-tape:${opts.shape}:${opts.seed}`);
  const b = new Builder();
  const shape = opts.shape;
  const jelly = shape === "jelly";
  const crash = shape === "crash";
  const knobs: CrashKnobs & GenesisKnobs = { ...CRASH_SEVERITIES[opts.severity ?? "normal"] };
  for (const k of Object.keys(knobs) as (keyof typeof knobs)[]) {
    const v = opts[k];
    if (v !== undefined) knobs[k] = v;
  }
  if (!crash) {
    // Only the genesis applies to the other shapes.
    knobs.vaultCapital = opts.vaultCapital ?? CRASH_SEVERITIES.normal.vaultCapital;
    knobs.insurance = opts.insurance ?? CRASH_SEVERITIES.normal.insurance;
  }

  const startPrice = jelly ? 30_000_000 : 60_000_000;
  const calmStyle: MakerStyle = jelly
    ? { levels: 2, halfSpreadBps: 20, levelStepBps: 20, lots: 40, requoteMs: 10_000, requoteJitterMs: 2_000 }
    : { levels: 3, halfSpreadBps: 5, levelStepBps: 5, lots: 600, requoteMs: 10_000, requoteJitterMs: 2_000 };
  const crashStyle: MakerStyle = {
    levels: 2,
    halfSpreadBps: 30,
    levelStepBps: 30,
    lots: 150,
    requoteMs: 2_000,
    requoteJitterMs: 500,
  };
  const volBps = 5;
  const nMakers = jelly ? 2 : 4;
  const nTakers = jelly ? 4 : 20;
  const takerRate = jelly ? 0.3 : 0.6;
  const takerMaxLots = jelly ? 10 : 50;
  const nLeveraged = jelly ? 0 : crash ? knobs.leveraged : 12;
  const nPanic = crash ? 60 : 0;

  // Crash window.
  const crashStartMs = crash ? Math.floor((durationMs * 0.4) / TICK_MS) * TICK_MS : 0;
  const crashLenMs = crash ? Math.max(TICK_MS * 10, Math.min(180_000, Math.floor(durationMs * 0.3))) : 0;
  const crashEndMs = crashStartMs + crashLenMs;
  const dropPct = knobs.dropPct;
  const gapPct = knobs.gapPct;
  // The gap's tick: at least one tick after the crash start (the makers pull at crash start + 1 ms).
  const gapMs = crash
    ? Math.min(
        crashEndMs - TICK_MS,
        crashStartMs + Math.max(TICK_MS, Math.floor((knobs.gapAt * crashLenMs) / TICK_MS) * TICK_MS),
      )
    : 0;
  const orderMultiplier = opts.orderMultiplier ?? 80;
  if (!Number.isFinite(orderMultiplier) || orderMultiplier < 1) {
    throw new RangeError(`orderMultiplier must be ≥ 1, got ${orderMultiplier}`);
  }
  const calmMakerRate = (nMakers * calmStyle.levels * 2 * 1000) / calmStyle.requoteMs;
  const crashMakerRate = (nMakers * crashStyle.levels * 2 * 1000) / crashStyle.requoteMs;
  // The calm order rate is measured on the lead-in as generated (makers, takers and the leveraged
  // builders), so the crash window's total is orderMultiplier × it for any tape length.
  let leadInOrders = 0;
  let calmOrderRate = calmMakerRate + takerRate;
  let panicRate = 0;

  // Jelly schedule.
  const attackMs = Math.floor((durationMs * 0.1) / TICK_MS) * TICK_MS;
  const squeezeMs = Math.floor((durationMs * 0.25) / TICK_MS) * TICK_MS;
  const squeezeRisePct = 12;
  const peakPct = 250;
  const peakMs = squeezeMs + 60_000 + Math.floor(durationMs * 0.4);
  const shortLots = 28_000;

  // Traders: makers, takers, leveraged, panic takers, then the jelly trio.
  let next = 0;
  const makers: Maker[] = Array.from({ length: nMakers }, () => ({
    trader: next++,
    live: [],
    nextQuoteMs: 100 + rnd.int(0, 2_000),
    outUntilMs: 0,
  }));
  const takers = Array.from({ length: nTakers }, () => next++);
  const leveraged = Array.from({ length: nLeveraged }, () => next++);
  const panic = Array.from({ length: nPanic }, () => next++);
  const attacker = jelly ? next++ : -1;
  const linked = jelly ? [next++, next++] : [];

  b.add({ t: 0, kind: "price", marketId: 0, price: toTick(startPrice, "near") });
  const deposit = (trader: number, amount: bigint) => b.add({ t: 0, kind: "deposit", trader, amount });
  for (const m of makers) deposit(m.trader, usdc(jelly ? 500_000 : 5_000_000));
  for (const tr of takers) deposit(tr, usdc(200_000));
  for (const tr of panic) deposit(tr, usdc(300_000));
  if (jelly) {
    deposit(attacker, usdc(105_000));
    for (const tr of linked) deposit(tr, usdc(150_000));
  }

  const order = (o: Omit<OrderEvent, "kind" | "marketId" | "tif" | "type"> & Partial<OrderEvent>) => {
    if (o.t < crashStartMs) leadInOrders += 1;
    return b.add({ kind: "order", marketId: 0, type: "limit", tif: "GTC", ...o } as OrderEvent);
  };
  const marketOrder = (t: number, trader: number, side: "buy" | "sell", lots: number) =>
    order({ t, trader, side, type: "market", tif: "IOC", price: 0n, size: BigInt(lots) });

  // Leveraged traders: deposit, then build the position with market orders.
  const builders: Builderer[] = [];
  const deposits = new Map<number, bigint>();
  for (const tr of leveraged) {
    const dep = rnd.uniform(2_000, 10_000);
    const lev = crash ? rnd.uniform(5, knobs.maxLeverage) : rnd.uniform(3, 9);
    const long = rnd.chance(crash ? 0.85 : 2 / 3);
    deposit(tr, usdc(dep));
    deposits.set(tr, usdc(dep));
    builders.push({
      trader: tr,
      side: long ? "buy" : "sell",
      remaining: Math.floor((dep * USDC * lev) / startPrice),
      nextMs: 1_000 + rnd.int(0, Math.max(1_000, Math.floor(durationMs * 0.2) - 10_000)),
    });
  }

  const isolatedTraders = pickIsolated(opts, builders);
  const isolating = new Set(isolatedTraders);
  for (const bl of builders) {
    if (!isolating.has(bl.trader)) continue;
    const amount = isolatedMargin(bl.remaining, startPrice, deposits.get(bl.trader) as bigint);
    if (amount > 0n) b.add({ t: 0, kind: "isolate", trader: bl.trader, marketId: 0, amount });
  }

  const quote = (m: Maker, t: number, index: number, style: MakerStyle) => {
    for (const n of m.live) b.cancel(t, m.trader, n);
    m.live = [];
    for (let i = 0; i < style.levels; i++) {
      const off = (style.halfSpreadBps + i * style.levelStepBps) / 10_000;
      const lots = BigInt(Math.max(1, Math.round(style.lots * rnd.uniform(0.7, 1.3))));
      m.live.push(
        order({
          t: t + 1,
          trader: m.trader,
          side: "buy",
          price: toTick(index * (1 - off), "down"),
          size: lots,
        }),
      );
      m.live.push(
        order({
          t: t + 1,
          trader: m.trader,
          side: "sell",
          price: toTick(index * (1 + off), "up"),
          size: lots,
        }),
      );
    }
    m.nextQuoteMs = t + style.requoteMs + rnd.int(-style.requoteJitterMs, style.requoteJitterMs);
  };

  let index = startPrice;
  let pulled = false;
  let crashFrom: number | undefined;
  let crashBottom: number | undefined;
  let jellyBase: number | undefined;
  for (let t = TICK_MS; t < durationMs; t += TICK_MS) {
    // 1. The index.
    const inCrash = crash && t >= crashStartMs && t < crashEndMs;
    if (crash && t >= crashStartMs) {
      if (inCrash) {
        // Convex path: fraction of the drop done by u is u²(3 − 2u) (smoothstep), plus 3× noise.
        const u = (t - crashStartMs) / crashLenMs;
        crashFrom ??= index;
        // The gap (if any) multiplies the rest of the path from its tick on.
        const gap = gapPct > 0 && t >= gapMs ? 1 - gapPct / 100 : 1;
        const target = crashFrom * gap * (1 - (dropPct / 100) * u * u * (3 - 2 * u));
        index = target * (1 + (3 * volBps * rnd.normal()) / 10_000);
      } else {
        const bottom = crashBottom ?? index;
        crashBottom = bottom;
        const u = Math.min(1, (t - crashEndMs) / Math.max(TICK_MS, durationMs - crashEndMs));
        index = bottom * (1 + 0.03 * u) * (1 + (2 * volBps * rnd.normal()) / 10_000);
      }
    } else if (jelly && t >= squeezeMs) {
      const riseEnd = squeezeMs + 60_000;
      const base = jellyBase ?? index;
      jellyBase = base;
      let target: number;
      if (t <= riseEnd) target = base * (1 + (squeezeRisePct / 100) * ((t - squeezeMs) / 60_000));
      else if (t <= peakMs) {
        const u = (t - riseEnd) / Math.max(TICK_MS, peakMs - riseEnd);
        const from = 1 + squeezeRisePct / 100;
        const to = 1 + peakPct / 100;
        target = base * (from + (to - from) * u);
      } else target = base * (1 + peakPct / 100);
      index = target * (1 + (10 * rnd.normal()) / 10_000);
    } else {
      index *= 1 + (volBps * rnd.normal()) / 10_000;
    }
    b.add({ t, kind: "price", marketId: 0, price: toTick(index, "near") });

    // 2. Makers.
    const style = crash && t >= crashStartMs ? crashStyle : calmStyle;
    if (crash && t >= crashStartMs && !pulled) {
      pulled = true;
      calmOrderRate = leadInOrders / (crashStartMs / 1_000);
      panicRate = Math.max(0, orderMultiplier * calmOrderRate - crashMakerRate - takerRate);
      for (const m of makers) {
        for (const n of m.live) b.cancel(t + 1, m.trader, n);
        m.live = [];
        m.outUntilMs = t + rnd.int(5_000, 15_000);
        m.nextQuoteMs = m.outUntilMs;
      }
    }
    for (const m of makers) if (t >= m.nextQuoteMs && t >= m.outUntilMs) quote(m, t, index, style);

    // 3. Takers (and the panic in the crash window).
    const inTick = () => t + 2 + rnd.int(0, TICK_MS - 3);
    for (let k = rnd.count(takerRate); k > 0; k--) {
      const tr = takers[rnd.int(0, takers.length - 1)] as number;
      marketOrder(inTick(), tr, rnd.chance(0.5) ? "buy" : "sell", rnd.int(1, takerMaxLots));
    }
    if (inCrash) {
      for (let k = rnd.count(panicRate); k > 0; k--) {
        const tr = panic[rnd.int(0, panic.length - 1)] as number;
        marketOrder(inTick(), tr, rnd.chance(0.7) ? "sell" : "buy", rnd.int(1, 4));
      }
    }

    // 4. Leveraged position builders.
    for (const bl of builders) {
      if (bl.remaining <= 0 || t < bl.nextMs) continue;
      const lots = Math.min(150, bl.remaining);
      // IOC limit 30 bp through the index, not a market order: the engine margins a market order at
      // its band edge (5% from the mark), which would cap leverage near 6.6x.
      const through = bl.side === "buy" ? 1.003 : 0.997;
      const price = toTick(index * through, bl.side === "buy" ? "down" : "up");
      order({ t: inTick(), trader: bl.trader, side: bl.side, tif: "IOC", price, size: BigInt(lots) });
      bl.remaining -= lots;
      bl.nextMs = t + 2_000;
    }

    // 5. The jelly trio.
    if (jelly) {
      if (t === attackMs) {
        const p = toTick(index * 1.001, "up");
        order({ t: t + 10, trader: attacker, side: "sell", price: p, size: BigInt(shortLots) });
        for (const tr of linked) {
          order({ t: t + 20, trader: tr, side: "buy", price: p, size: BigInt(shortLots / linked.length) });
        }
      }
      if (t > squeezeMs && t <= squeezeMs + 60_000 && rnd.chance(0.2)) {
        marketOrder(inTick(), linked[rnd.int(0, linked.length - 1)] as number, "buy", rnd.int(1, 10));
      }
      if (t > peakMs && t <= peakMs + 60_000 && rnd.chance(0.3)) {
        marketOrder(inTick(), linked[rnd.int(0, linked.length - 1)] as number, "sell", rnd.int(20, 200));
      }
    }
  }

  const params: Record<string, unknown> = {
    tickMs: TICK_MS,
    startPrice,
    volBps,
    makers: { count: nMakers, ...calmStyle },
    takers: { count: nTakers, ratePerSec: takerRate, maxLots: takerMaxLots },
    leveraged: nLeveraged,
  };
  // Only with a share, so that default tapes stay byte-identical.
  if ((opts.isolatedShare ?? 0) > 0) {
    Object.assign(params, {
      isolatedShare: opts.isolatedShare,
      isolatedMarginBps: ISOLATED_MARGIN_BPS,
      isolatedTraders,
    });
  }
  if (crash) {
    Object.assign(params, {
      crashStartMs,
      crashEndMs,
      dropPct,
      orderMultiplier,
      calmOrderRatePerSec: calmOrderRate,
      panicRatePerSec: panicRate,
      panicTakers: nPanic,
      crashMakers: crashStyle,
    });
    // Only what differs from the default crash, so that default tapes stay byte-identical.
    if (opts.severity !== undefined) params.severity = opts.severity;
    const def = CRASH_SEVERITIES.normal;
    if (gapPct !== def.gapPct) Object.assign(params, { gapPct, gapMs });
    if (knobs.maxLeverage !== def.maxLeverage) params.maxLeverage = knobs.maxLeverage;
  }
  if (jelly) {
    Object.assign(params, {
      attacker,
      linked,
      attackMs,
      shortLots,
      squeezeMs,
      squeezeRisePct,
      peakPct,
      peakMs,
    });
  }
  const header: TapeHeader = {
    format: TAPE_FORMAT,
    version: TAPE_VERSION,
    seed: opts.seed,
    shape,
    markets: 1,
    startMs: opts.startMs ?? DEFAULT_START_MS,
    durationMs,
    traders: next,
    initialPrices: [toTick(startPrice, "near")],
    genesis: { insuranceFund: usdc(knobs.insurance), backstopCollateral: usdc(knobs.vaultCapital) },
    params,
    description: crash ? crashDescription(dropPct, gapPct, orderMultiplier) : DESCRIPTIONS[shape],
  };
  const tape = { header, events: b.events() };
  validateTape(tape);
  return tape;
}

/**
 * The leveraged traders who isolate: round(share · n) of them, by a partial Fisher–Yates shuffle on a
 * stream of their own, so the main stream (and with it the whole market) is the same for every share.
 * Ascending trader ids.
 */
function pickIsolated(opts: GenOptions, builders: readonly Builderer[]): number[] {
  const share = opts.isolatedShare ?? 0;
  const k = Math.round(share * builders.length);
  if (k === 0) return [];
  const rnd = new Rand(`gen-tape:isolated:${opts.shape}:${opts.seed}`);
  const ids = builders.map((bl) => bl.trader);
  for (let i = 0; i < k; i++) {
    const j = rnd.int(i, ids.length - 1);
    [ids[i], ids[j]] = [ids[j] as number, ids[i] as number];
  }
  return ids.slice(0, k).sort((a, b) => a - b);
}

/** ⌈lots · price · ISOLATED_MARGIN_BPS / 10⁴⌉ rounded up to whole USDC, at most the deposit. */
function isolatedMargin(lots: number, price: number, deposit: bigint): bigint {
  const micro = (BigInt(lots) * BigInt(price) * BigInt(ISOLATED_MARGIN_BPS) + 9_999n) / 10_000n;
  const unit = BigInt(USDC);
  const whole = ((micro + unit - 1n) / unit) * unit;
  return whole < deposit ? whole : deposit;
}

function crashDescription(dropPct: number, gapPct: number, orderMultiplier: number): string {
  const def = CRASH_SEVERITIES.normal;
  if (dropPct === def.dropPct && gapPct === def.gapPct) return DESCRIPTIONS.crash; // byte-identical default
  const gap = gapPct > 0 ? ` with a ${gapPct}% one-tick gap` : "";
  return `calm lead-in, index −${dropPct}%${gap} within minutes, order flow ×${orderMultiplier}, makers pull and widen, long cascade`;
}

const DESCRIPTIONS: Record<Shape, string> = {
  calm: "random-walk index, makers quoting both sides, takers crossing, a few leveraged traders",
  crash: "calm lead-in, index −15% within minutes, order flow ×80, makers pull and widen, long cascade",
  jelly: "thin market; a large short handed to the vault, then squeezed by a rising index (linked longs)",
};
