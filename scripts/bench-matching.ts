/**
 * Matching throughput on exchange-core-shaped order streams, and the risk engine's cost per mark update.
 * Not a test.
 *   npx tsx scripts/bench-matching.ts [--ops 200000] [--warmup 50000] [--repeats 3] [--seed 1]
 *                                     [--accounts 10000] [--seconds 0.5] [--only book,engine,nob,risk]
 *                                     [--streams ours,held-out] [--clock wall|cpu]
 *
 * Two seeded streams, each generated up front and run through three implementations in the same
 * process, interleaved per repeat:
 *   - "ours": 9% GTC, 3% IOC, 6% cancel, 82% move (cancel + re-place, counted as one op); about 1,000
 *     resting orders over about 750 price levels, 1,000 users, around a fixed mid; every cancel names
 *     a live order.
 *   - "held-out" (the shape of the held-out exchange-core stream the issue measured): 30% GTC (40% of
 *     them priced through the touch), 15% IOC, 15% cancel, 40% move (a quarter through the touch); a
 *     quarter of the cancels and moves name an order that is already gone (filled, IOC done, cancelled)
 *     and a few an id never seen: our engine must refuse those (UNKNOWN_ORDER; a refused move places
 *     nothing), nodejs-order-book's cancel returns undefined and its runner skips the re-place too.
 * Implementations:
 *   (a) our OrderBook + planMatch/commitPlan directly (book level: no margin, settlement or fees),
 *   (b) the full Engine.apply (accounts pre-funded by deposit txs, a price tx, generous margins; txs
 *       built in the timed loop, refusals caught and counted against the stream's),
 *   (c) the nodejs-order-book package (limit GTC/IOC, cancel; a move is cancel + limit).
 * Every repeat starts from an empty book, replays the prefill and the warm-up ops untimed, then times
 * the rest. All three end with the same book (checked), so they did the same matching work.
 * Second figure: µs per `price` tx with N accounts holding positions (every holder is checked against
 * maintenance), against a plain resting GTC order apply on the same engine.
 */
import { type LimitOrderOptions, OrderBook as NobOrderBook, Side as NobSide } from "nodejs-order-book";
import { Engine, EngineError } from "../sequencer/engine/engine.ts";
import { defaultEngineParams, type EngineParamsInput } from "../sequencer/engine/params.ts";
import type { Side } from "../sequencer/engine/types.ts";
import { commitPlan, type MakerDecision, planMatch } from "../sequencer/matching/matcher.ts";
import { OrderBook, RestingOrder } from "../sequencer/matching/order-book.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const timedOps = arg("ops", 200_000);
const warmupOps = arg("warmup", 50_000);
const repeats = arg("repeats", 3);
const seed = arg("seed", 1);
const riskAccounts = arg("accounts", 10_000);
const riskSeconds = arg("seconds", 0.5);
/**
 * `--clock cpu` times the matching runs by this process's CPU time (user + system) instead of wall
 * time: on a shared machine it leaves out the time the scheduler gave to other processes (GC helper
 * threads still count). For A/B work; the reported tables use the default, wall.
 */
const clockArg = process.argv.indexOf("--clock");
const cpuClock = clockArg >= 0 && process.argv[clockArg + 1] === "cpu";
const clockMs = (): number => {
  if (!cpuClock) return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** `--only book,engine,nob,risk` runs a subset (for profiling with `node --cpu-prof`). */
const onlyArg = process.argv.indexOf("--only");
const only = new Set(
  onlyArg >= 0 ? (process.argv[onlyArg + 1] ?? "").split(",") : ["book", "engine", "nob", "risk"],
);

// ---------------------------------------------------------------------------------------------------
// Stream
// ---------------------------------------------------------------------------------------------------

const GTC = 0;
const IOC = 1;
const CANCEL = 2;
const MOVE = 3;
const USERS = 1_000;
const TARGET_RESTING = 1_000;
/** Below this many resting orders the held-out stream's GTC orders and moves stay passive (refill). */
const REFILL_BELOW = 0.9 * TARGET_RESTING;
const MID = 100_000; // ticks
const TICK = 100n; // the engine's default tick (micro-USDC per lot)
const SPREAD_SCALE = 450; // mean distance of a passive order from the mid, in ticks (→ ~750 levels)
const MARKET = 0;

/** xorshift128+ seeded through splitmix64; returns floats in [0, 1). Deterministic per seed. */
function rng(seedValue: number): () => number {
  const mask = (1n << 64n) - 1n;
  let x = BigInt(seedValue) & mask;
  const splitmix = () => {
    x = (x + 0x9e3779b97f4a7c15n) & mask;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
    return z ^ (z >> 31n);
  };
  // 32-bit xorshift128 state from the 64-bit seeds: plain numbers keep generation fast.
  const s = new Uint32Array(4);
  for (let i = 0; i < 4; i++) s[i] = Number(splitmix() & 0xffffffffn);
  if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1;
  return () => {
    let t = s[3]!;
    const u = s[0]!;
    s[3] = s[2]!;
    s[2] = s[1]!;
    s[1] = u;
    t ^= t << 11;
    t ^= t >>> 8;
    s[0] = t ^ u ^ (u >>> 19);
    return s[0]! / 2 ** 32;
  };
}

/**
 * The shape of a stream. Thresholds are cumulative over one uniform draw: GTC below `gtc`, IOC below
 * `ioc`, cancel below `cancel`, move above it. A zero probability draws nothing, so the project's stream
 * (`OURS`) is the same sequence it always was.
 */
interface Mix {
  name: string;
  gtc: number;
  ioc: number;
  cancel: number;
  /** Share of GTC orders priced through the touch (they take liquidity, then rest what is left). */
  aggressiveGtc: number;
  /** Share of moves re-priced through the touch. */
  aggressiveMove: number;
  /** Share of cancels and moves that name an order no longer live (filled, IOC done, cancelled). */
  deadTarget: number;
  /** Share of cancels and moves that name an id that never was an order. */
  unknownTarget: number;
}

/** The project's own stream: exchange-core's order mix around a fixed mid, every cancel names a live order. */
const OURS: Mix = {
  name: "ours",
  gtc: 0.09,
  ioc: 0.12,
  cancel: 0.18,
  aggressiveGtc: 0,
  aggressiveMove: 0,
  deadTarget: 0,
  unknownTarget: 0,
};

/**
 * Held-out-shaped: more crossing (IOC, and GTC and moves priced through the touch), and a quarter of the
 * cancels and moves race a fill and name an order that is gone (plus a few never-seen ids). Our engine
 * refuses those with UNKNOWN_ORDER (and a refused move places nothing); nodejs-order-book's `cancel`
 * returns undefined, and its runner then skips the re-place too.
 */
const HELDOUT: Mix = {
  name: "held-out",
  gtc: 0.3,
  ioc: 0.45,
  cancel: 0.6,
  aggressiveGtc: 0.4,
  aggressiveMove: 0.25,
  deadTarget: 0.25,
  unknownTarget: 0.05,
};

interface Stream {
  mix: Mix;
  n: number;
  prefill: number;
  kind: Uint8Array;
  user: Int32Array;
  side: Uint8Array; // 0 buy, 1 sell
  price: Int32Array; // ticks
  size: Int32Array;
  /** Stream id of the order a cancel or move removes; -1 otherwise. */
  target: Int32Array;
  /** Stream id of the order this op places (GTC, IOC, move); -1 for a cancel. */
  id: Int32Array;
  ids: number;
  levelsSeen: number[];
  restingSeen: number[];
  /** Maker fills per op index (what the matching did, for the report). */
  fills: Uint16Array;
  /** 1 for a cancel or move that names no live order of its user: the engine must refuse it. */
  refused: Uint8Array;
}

/** `target` of a cancel or move that names an id no order ever had. */
const NEVER = -2;

/**
 * Generates the stream by simulating it on our own book (so cancels and moves always name a live order),
 * re-rolling the taker (or, for a move, pulling the price back to the touch) whenever an order would
 * trade with its own account, so no implementation's self-trade rule comes into play.
 */
function generate(total: number, seedValue: number, mix: Mix): Stream {
  const r = rng(seedValue);
  const int = (n: number) => Math.floor(r() * n);
  const book = new OrderBook(MARKET);
  const live: number[] = [];
  const livePos = new Int32Array(total + 1).fill(-1);
  const liveAdd = (id: number) => {
    livePos[id] = live.length;
    live.push(id);
  };
  const liveDel = (id: number) => {
    const p = livePos[id]!;
    const last = live.pop()!;
    if (last !== id) {
      live[p] = last;
      livePos[last] = p;
    }
    livePos[id] = -1;
  };
  const s: Stream = {
    mix,
    n: 0,
    prefill: 0,
    kind: new Uint8Array(total),
    user: new Int32Array(total),
    side: new Uint8Array(total),
    price: new Int32Array(total),
    size: new Int32Array(total),
    target: new Int32Array(total).fill(-1),
    id: new Int32Array(total).fill(-1),
    ids: 0,
    levelsSeen: [],
    restingSeen: [],
    fills: new Uint16Array(total),
    refused: new Uint8Array(total),
  };
  /** Owner of each placed id, and a ring of recently dead ids (filled, IOC done, cancelled). */
  const owner: number[] = [];
  const dead = new Int32Array(4096);
  let deadCount = 0;
  const died = (id: number) => {
    dead[deadCount++ % dead.length] = id;
  };
  const passive = (side: number) => {
    const d = Math.floor(-Math.log(1 - r()) * SPREAD_SCALE);
    return side === 0 ? MID - 1 - d : MID + 1 + d;
  };
  const sideName = (side: number): Side => (side === 0 ? "buy" : "sell");
  const bestOpposite = (side: number): number | undefined => {
    const l = (side === 0 ? book.asks : book.bids).best();
    return l ? Number(l.price / TICK) : undefined;
  };
  /** Would an order of `user` at this price trade with one of the user's own resting orders? */
  const selfTrades = (user: number, side: number, price: number, size: number): boolean => {
    let hit = false;
    planMatch(book, sideName(side), BigInt(price) * TICK, BigInt(size), (o, wanted) => {
      if (o.accountId === user) {
        hit = true;
        return { kind: "stop" };
      }
      return { kind: "fill", size: wanted < o.remaining ? wanted : o.remaining };
    });
    return hit;
  };
  const place = (i: number, tif: number) => {
    const id = s.ids++;
    s.id[i] = id;
    const side = sideName(s.side[i]!);
    const size = BigInt(s.size[i]!);
    const price = BigInt(s.price[i]!) * TICK;
    const plan = planMatch(book, side, price, size, (o, wanted) => ({
      kind: "fill",
      size: wanted < o.remaining ? wanted : o.remaining,
    }));
    s.fills[i] = plan.fills.length;
    owner[id] = s.user[i]!;
    for (const f of plan.fills)
      if (f.size === f.order.remaining) {
        liveDel(Number(f.order.id));
        died(Number(f.order.id));
      }
    commitPlan(book, plan);
    const rest = size - plan.filled;
    if (tif === GTC && rest > 0n) {
      book.add(new RestingOrder(BigInt(id), s.user[i]!, MARKET, side, price, size, rest));
      liveAdd(id);
    } else died(id);
  };
  const roll = (p: number) => p > 0 && r() < p;
  const newOrder = (i: number, tif: number, aggressive: boolean) => {
    const side = int(2);
    const size = tif === IOC ? 1 + int(150) : 1 + int(100);
    const opp = bestOpposite(side);
    let price: number;
    if (aggressive && opp !== undefined) price = side === 0 ? opp + int(3) : opp - int(3);
    else price = passive(side);
    let user = int(USERS);
    while (selfTrades(user, side, price, size)) user = int(USERS);
    s.kind[i] = tif;
    s.side[i] = side;
    s.price[i] = price;
    s.size[i] = size;
    s.user[i] = user;
    place(i, tif);
  };

  const prefill = TARGET_RESTING;
  for (let i = 0; i < total; i++) {
    const u = r();
    if (i < prefill || live.length === 0) newOrder(i, GTC, false);
    else if (u < mix.gtc)
      newOrder(
        i,
        GTC,
        live.length > TARGET_RESTING || (live.length > REFILL_BELOW && roll(mix.aggressiveGtc)),
      );
    else if (u < mix.ioc) newOrder(i, IOC, true);
    else if (
      mix.deadTarget + mix.unknownTarget > 0 &&
      deadCount > 0 &&
      roll(mix.deadTarget + mix.unknownTarget)
    ) {
      // A cancel or move that lost the race: the order it names is gone (or never was).
      s.kind[i] = u < mix.cancel ? CANCEL : MOVE;
      s.refused[i] = 1;
      if (r() < mix.unknownTarget / (mix.deadTarget + mix.unknownTarget)) {
        s.target[i] = NEVER;
        s.user[i] = int(USERS);
      } else {
        const target = dead[int(Math.min(deadCount, dead.length))]!;
        s.target[i] = target;
        s.user[i] = owner[target]!;
      }
    } else {
      const target = live[int(live.length)]!;
      const o = book.get(BigInt(target))!;
      s.target[i] = target;
      book.remove(o.id);
      liveDel(target);
      died(target);
      s.user[i] = o.accountId;
      if (u < mix.cancel) {
        s.kind[i] = CANCEL;
      } else {
        s.kind[i] = MOVE;
        const side = o.side === "buy" ? 0 : 1;
        const opp = live.length > REFILL_BELOW && roll(mix.aggressiveMove) ? bestOpposite(side) : undefined;
        let price = opp === undefined ? passive(side) : side === 0 ? opp + int(3) : opp - int(3);
        if (selfTrades(o.accountId, side, price, Number(o.remaining))) {
          const touch = bestOpposite(side)!; // something crosses, so the other side is not empty
          price = side === 0 ? touch - 1 : touch + 1;
        }
        s.side[i] = side;
        s.user[i] = o.accountId;
        s.price[i] = price;
        s.size[i] = Number(o.remaining);
        place(i, GTC);
      }
    }
    if (i >= prefill && i % 1000 === 0) {
      s.levelsSeen.push(book.bids.levelCount + book.asks.levelCount);
      s.restingSeen.push(book.size);
    }
  }
  s.n = total;
  s.prefill = prefill;
  return s;
}

// ---------------------------------------------------------------------------------------------------
// Runners: each builds its state, replays [0, start) untimed, times [start, end) and returns ops/s.
// ---------------------------------------------------------------------------------------------------

const BOOK = "ours: OrderBook + matcher";
const NOB = "nodejs-order-book";
const ENGINE = "ours: Engine.apply (full)";

interface Runner {
  name: string;
  setup(): void;
  run(from: number, to: number): void;
  /** Resting levels as "side price size" lines, to check all implementations agree. */
  fingerprint(): string;
}

function ourBookRunner(s: Stream): Runner {
  const idBig = Array.from({ length: s.ids }, (_, i) => BigInt(i));
  const priceBig = Array.from(s.price, (p) => BigInt(p) * TICK);
  const sizeBig = Array.from(s.size, (z) => BigInt(z));
  let book = new OrderBook(MARKET);
  const place = (i: number, gtc: boolean) => {
    const taker = s.user[i]!;
    const side: Side = s.side[i] === 0 ? "buy" : "sell";
    const price = priceBig[i]!;
    const size = sizeBig[i]!;
    const plan = planMatch(book, side, price, size, (o, wanted): MakerDecision => {
      if (o.accountId === taker) return { kind: "cancel" };
      return { kind: "fill", size: wanted < o.remaining ? wanted : o.remaining };
    });
    commitPlan(book, plan);
    const rest = size - plan.filled;
    if (gtc && rest > 0n)
      book.add(new RestingOrder(idBig[s.id[i]!]!, taker, MARKET, side, price, size, rest));
  };
  return {
    name: BOOK,
    setup() {
      book = new OrderBook(MARKET);
    },
    run(from, to) {
      for (let i = from; i < to; i++) {
        switch (s.kind[i]) {
          case GTC:
            place(i, true);
            break;
          case IOC:
            place(i, false);
            break;
          case CANCEL:
            book.remove(idBig[s.target[i]!] ?? -1n);
            break;
          default:
            if (book.remove(idBig[s.target[i]!] ?? -1n)) place(i, true);
        }
      }
    },
    fingerprint() {
      const lines: string[] = [];
      for (const [name, side] of [
        ["buy", book.bids],
        ["sell", book.asks],
      ] as const)
        for (const l of side.depth(1e9)) lines.push(`${name} ${l.price / TICK} ${l.size}`);
      return lines.join("\n");
    },
  };
}

const DEPOSIT = 10n ** 13n; // 10M USDC per account: margin never binds in this stream

function engineParams(): EngineParamsInput {
  const d = defaultEngineParams(1);
  // A taker here never meets more than a handful of makers; lift the cap so it never cuts an order short.
  return { ...d, markets: d.markets.map((m) => ({ ...m })), maxMakersPerOrder: 10_000 };
}

/** A funded engine with `users` accounts (ids 1..users) and a mark at the mid. */
function fundedEngine(users: number): { engine: Engine; seq: bigint } {
  const engine = new Engine(engineParams());
  let seq = 0n;
  for (let u = 0; u < users; u++) {
    engine.apply(
      { kind: "deposit", depositIndex: BigInt(u), pubKeyX: BigInt(u + 2), pubKeyY: 7n, amount: DEPOSIT },
      seq++,
    );
  }
  engine.apply({ kind: "price", marketId: MARKET, price: BigInt(MID) * TICK, timestampMs: 1n }, seq++);
  return { engine, seq };
}

function engineRunner(s: Stream): Runner {
  // Txs are built inside the timed loop from the stream's arrays, as the nodejs-order-book runner builds
  // its order objects: a sequencer applies a tx it has just parsed, not one from a 100 MB array built
  // up front (whose every first touch is a cache miss). Prices and sizes come from small BigInt tables;
  // nonces and seqs are counted as the engine answers, so a refused cancel consumes no nonce and a
  // refused move places nothing, without the runner knowing the outcome in advance.
  let minPrice = Number.POSITIVE_INFINITY;
  let maxPrice = Number.NEGATIVE_INFINITY;
  let maxSize = 0;
  for (let i = 0; i < s.n; i++) {
    if (s.kind[i] === CANCEL || s.refused[i] === 1) continue;
    minPrice = Math.min(minPrice, s.price[i]!);
    maxPrice = Math.max(maxPrice, s.price[i]!);
    maxSize = Math.max(maxSize, s.size[i]!);
  }
  const priceOf = Array.from({ length: maxPrice - minPrice + 1 }, (_, k) => BigInt(minPrice + k) * TICK);
  const sizeOf = Array.from({ length: maxSize + 1 }, (_, z) => BigInt(z));
  const refusedUpTo = new Int32Array(s.n + 1); // refusals expected in ops [0, i)
  for (let i = 0; i < s.n; i++) refusedUpTo[i + 1] = refusedUpTo[i]! + s.refused[i]!;
  const NEVER_ID = 3n; // the seq of a deposit: never an order id
  let engine = fundedEngine(USERS).engine;
  let nonce: bigint[] = [];
  let engineId: bigint[] = [];
  let seq = 0n;
  const reset = () => {
    engine = fundedEngine(USERS).engine;
    nonce = new Array<bigint>(USERS).fill(0n);
    engineId = new Array<bigint>(s.ids).fill(-1n);
    seq = BigInt(USERS + 1); // after the deposits and the price tx of fundedEngine
  };
  reset();
  return {
    name: ENGINE,
    setup: reset,
    run(from, to) {
      let refusals = 0;
      for (let i = from; i < to; i++) {
        const k = s.kind[i]!;
        const user = s.user[i]!; // the sender: for a cancel or move, the owner of the order it names
        const accountId = user + 1; // id 0 is the backstop
        if (k === CANCEL || k === MOVE) {
          const target = s.target[i]!;
          const next = nonce[user]! + 1n;
          let accepted = true;
          try {
            engine.apply(
              {
                kind: "cancel",
                accountId,
                nonce: next,
                marketId: MARKET,
                orderId: target === NEVER ? NEVER_ID : engineId[target]!,
              },
              seq,
            );
            nonce[user] = next;
          } catch (e) {
            if (!(e instanceof EngineError) || e.code !== "UNKNOWN_ORDER") throw e;
            refusals++;
            accepted = false;
          }
          seq += 1n;
          if (k === CANCEL || !accepted) continue; // a refused move places nothing
        }
        const next = nonce[user]! + 1n;
        engineId[s.id[i]!] = seq;
        engine.apply(
          {
            kind: "order",
            accountId,
            nonce: next,
            marketId: MARKET,
            side: s.side[i] === 0 ? "buy" : "sell",
            type: "limit",
            tif: k === IOC ? "IOC" : "GTC",
            price: priceOf[s.price[i]! - minPrice]!,
            size: sizeOf[s.size[i]!]!,
          },
          seq,
        );
        nonce[user] = next;
        seq += 1n;
      }
      const expected = refusedUpTo[to]! - refusedUpTo[from]!;
      if (refusals !== expected)
        throw new Error(`engine refused ${refusals} txs in ops [${from}, ${to}), the stream has ${expected}`);
    },
    fingerprint() {
      const b = engine.book(MARKET, 1e9);
      const lines: string[] = [];
      for (const l of b.bids) lines.push(`buy ${l.price / TICK} ${l.size}`);
      for (const l of b.asks) lines.push(`sell ${l.price / TICK} ${l.size}`);
      return lines.join("\n");
    },
  };
}

function nobRunner(s: Stream): Runner {
  const idStr = Array.from({ length: s.ids }, (_, i) => String(i));
  const ioc = "IOC" as LimitOrderOptions["timeInForce"];
  let ob = new NobOrderBook();
  const place = (i: number, gtc: boolean) => {
    const side = s.side[i] === 0 ? NobSide.BUY : NobSide.SELL;
    const id = idStr[s.id[i]!]!;
    if (gtc) ob.limit({ side, id, size: s.size[i]!, price: s.price[i]! });
    else ob.limit({ side, id, size: s.size[i]!, price: s.price[i]!, timeInForce: ioc });
  };
  return {
    name: NOB,
    setup() {
      ob = new NobOrderBook();
    },
    run(from, to) {
      for (let i = from; i < to; i++) {
        switch (s.kind[i]) {
          case GTC:
            place(i, true);
            break;
          case IOC:
            place(i, false);
            break;
          case CANCEL:
            ob.cancel(idStr[s.target[i]!] ?? "never");
            break;
          default:
            // A move of an order that is gone places nothing, as in our engine and exchange-core.
            if (ob.cancel(idStr[s.target[i]!] ?? "never")) place(i, true);
        }
      }
    },
    fingerprint() {
      const [asks, bids] = ob.depth();
      const lines: string[] = [];
      for (const [p, z] of bids) lines.push(`buy ${p} ${z}`);
      for (const [p, z] of [...asks].sort((a, b) => a[0] - b[0])) lines.push(`sell ${p} ${z}`);
      return lines.join("\n");
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Matching benchmark
// ---------------------------------------------------------------------------------------------------

const median = (xs: number[]) => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 ? a[(a.length - 1) / 2]! : (a[a.length / 2 - 1]! + a[a.length / 2]!) / 2;
};

function matchingBench(mix: Mix): void {
  const tGen = performance.now();
  const total = TARGET_RESTING + warmupOps + timedOps;
  const stream = generate(total, seed, mix);
  const genMs = performance.now() - tGen;

  const start = stream.prefill + warmupOps;
  const counts = [0, 0, 0, 0];
  let fills = 0;
  let refused = 0;
  for (let i = start; i < stream.n; i++) {
    counts[stream.kind[i]!]!++;
    fills += stream.fills[i]!;
    refused += stream.refused[i]!;
  }
  const pct = (k: number) => `${((100 * counts[k]!) / timedOps).toFixed(1)}%`;
  console.log(
    `\n--- stream "${mix.name}" --- node ${process.version}; ${cpuClock ? "CPU" : "wall"} clock; seed ${seed}; ${timedOps} timed ops after ${stream.prefill} prefill + ${warmupOps} warm-up ops; ` +
      `${repeats} repeats (median); stream generated in ${(genMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `mix (timed): GTC ${pct(GTC)}, IOC ${pct(IOC)}, cancel ${pct(CANCEL)}, move ${pct(MOVE)}; ` +
      `refused (cancel/move of a gone or unknown order) ${((100 * refused) / timedOps).toFixed(1)}%; ` +
      `resting orders avg ${Math.round(median(stream.restingSeen))}, price levels avg ${Math.round(median(stream.levelsSeen))}, ` +
      `${USERS} users; ${fills} maker fills (${((100 * fills) / timedOps).toFixed(1)} per 100 ops)`,
  );

  const runners = [
    ...(only.has("book") ? [ourBookRunner(stream)] : []),
    ...(only.has("engine") ? [engineRunner(stream)] : []),
    ...(only.has("nob") ? [nobRunner(stream)] : []),
  ];
  const results = runners.map(() => [] as number[]);
  let reference: string | undefined;
  for (let rep = 0; rep < repeats; rep++) {
    runners.forEach((runner, k) => {
      runner.setup();
      runner.run(0, start);
      const t0 = clockMs();
      runner.run(start, stream.n);
      const ms = clockMs() - t0;
      results[k]!.push((timedOps * 1000) / ms);
      const fp = runner.fingerprint();
      reference ??= fp;
      if (fp !== reference)
        throw new Error(`${runner.name} ended with a different book than ${runners[0]!.name}`);
    });
  }

  const rateOf = (name: string) => {
    const k = runners.findIndex((r) => r.name === name);
    return k < 0 ? Number.NaN : median(results[k]!);
  };
  const nobRate = rateOf(NOB);
  const fmtRate = (x: number) => Math.round(x).toLocaleString("en-US");
  console.log(
    "\nimplementation                 ops/s (median)   runs (ops/s)                      ÷ nodejs-order-book",
  );
  runners.forEach((runner, k) => {
    const m = median(results[k]!);
    console.log(
      `${runner.name.padEnd(30)} ${fmtRate(m).padStart(14)}   ${results[k]!.map(fmtRate).join(", ").padEnd(33)} ${(m / nobRate).toFixed(2)}x`,
    );
  });
  const bookRate = rateOf(BOOK);
  const engineRate = rateOf(ENGINE);
  if (runners.length > 0) {
    console.log(
      `\ntarget (matching layer): ≥ 1,000,000 ops/s → ${bookRate >= 1e6 ? "MET" : "MISSED"} (${fmtRate(bookRate)}); ` +
        `≥ 3x nodejs-order-book → ${bookRate >= 3 * nobRate ? "MET" : "MISSED"} (${(bookRate / nobRate).toFixed(2)}x)`,
    );
    console.log(
      `target (full engine): ≥ 3x nodejs-order-book → ${engineRate >= 3 * nobRate ? "MET" : "MISSED"} (${(engineRate / nobRate).toFixed(2)}x)`,
    );
    console.log(`all ${runners.length} implementations ended with the same book: yes`);
  }
}

const streamsArg = process.argv.indexOf("--streams");
const streams = streamsArg >= 0 ? (process.argv[streamsArg + 1] ?? "").split(",") : ["ours", "held-out"];
for (const mix of [OURS, HELDOUT]) if (streams.includes(mix.name)) matchingBench(mix);

// ---------------------------------------------------------------------------------------------------
// Risk engine: µs per price tx with N position holders, against a plain order apply
// ---------------------------------------------------------------------------------------------------

function riskBench(accounts: number): void {
  const { engine } = fundedEngine(accounts);
  let seq = BigInt(accounts + 1);
  const nonce = new Array<bigint>(accounts + 1).fill(0n);
  const order = (id: number, side: Side, tif: "GTC" | "IOC", priceTicks: number, size: bigint) => {
    nonce[id] = nonce[id]! + 1n;
    const s = seq++;
    engine.apply(
      {
        kind: "order",
        accountId: id,
        nonce: nonce[id]!,
        marketId: MARKET,
        side,
        type: "limit",
        tif,
        price: BigInt(priceTicks) * TICK,
        size,
      },
      s,
    );
    return s;
  };
  // Pairs open positions against each other at the mid: every account ends up a holder.
  for (let id = 1; id + 1 <= accounts; id += 2) {
    const size = BigInt(1 + (id % 50));
    order(id, "sell", "GTC", MID, size);
    order(id + 1, "buy", "IOC", MID, size);
  }
  const holders = engine.positionHolders(MARKET).length;
  let ts = 2n;
  let flip = 0;
  const priceTx = () => {
    const price = BigInt(MID + (flip++ % 2 === 0 ? 5 : -5)) * TICK;
    const r = engine.apply({ kind: "price", marketId: MARKET, price, timestampMs: ts++ }, seq++);
    if (r.liquidationsDetected.length) throw new Error("risk bench: a liquidation was detected");
  };
  const timeLoop = (fn: () => void, minIters: number) => {
    for (let i = 0; i < Math.min(minIters, 5); i++) fn();
    const t0 = performance.now();
    let n = 0;
    while (n < minIters || performance.now() - t0 < riskSeconds * 1000) {
      fn();
      n++;
    }
    return ((performance.now() - t0) * 1000) / n;
  };
  // A plain order: a passive GTC that rests (no fill), and its cancel; a fixed count of each per repeat.
  const K = 5_000;
  const placed: { id: number; orderId: bigint }[] = [];
  const place = (k: number) => {
    const id = 1 + (k % accounts);
    placed.push({ id, orderId: order(id, "buy", "GTC", MID - 100 - (k % 500), 1n) });
  };
  const cancel = (p: { id: number; orderId: bigint }) => {
    nonce[p.id] = nonce[p.id]! + 1n;
    engine.apply(
      { kind: "cancel", accountId: p.id, nonce: nonce[p.id]!, marketId: MARKET, orderId: p.orderId },
      seq++,
    );
  };
  const priceUs: number[] = [];
  const placeUs: number[] = [];
  const cancelUs: number[] = [];
  for (let rep = 0; rep < repeats; rep++) {
    priceUs.push(timeLoop(priceTx, 10));
    let t0 = performance.now();
    for (let k = 0; k < K; k++) place(k);
    placeUs.push(((performance.now() - t0) * 1000) / K);
    t0 = performance.now();
    for (const p of placed) cancel(p);
    cancelUs.push(((performance.now() - t0) * 1000) / K);
    placed.length = 0;
  }
  const p = median(priceUs);
  const o = median(placeUs);
  const c = median(cancelUs);
  const fmt = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);
  console.log(
    `\nrisk engine: ${holders} accounts holding positions in market ${MARKET}; ${repeats} repeats (median)`,
  );
  console.log("operation                                   per apply    ÷ resting GTC order");
  console.log(`price tx (mark update + maintenance scan)   ${fmt(p).padEnd(12)} ${(p / o).toFixed(0)}x`);
  console.log(
    `  per holder                                ${`${((p * 1000) / holders).toFixed(0)} ns`.padEnd(12)}`,
  );
  console.log(`GTC limit order that rests                  ${fmt(o).padEnd(12)} 1x`);
  console.log(`cancel                                      ${fmt(c).padEnd(12)} ${(c / o).toFixed(2)}x`);
}

if (only.has("risk")) riskBench(riskAccounts);
