/**
 * The simulator's tape: a market scenario as JSON Lines, replayable under any risk policy.
 *
 * Line 1 is the header; every later line is one event, sorted by `t` (ms since the tape's start, a JSON
 * number). Amounts, prices and sizes are decimal strings (bigint-safe); a plain JSON integer within
 * Number.MAX_SAFE_INTEGER is accepted too. Prices are micro-USDC per lot, sizes lots, amounts micro-USDC.
 *
 *   {"format":"zk-perps-tape","version":1,"seed":"7","shape":"calm","markets":1,"startMs":"1760000000000",
 *    "durationMs":600000,"traders":40,"initialPrices":["60000000"],
 *    "genesis":{"insuranceFund":"1000000000000","backstopCollateral":"20000000000000"}}
 *   {"t":0,"kind":"price","marketId":0,"price":"60000000"}
 *   {"t":0,"kind":"deposit","trader":3,"amount":"100000000000"}
 *   {"t":0,"kind":"isolate","trader":3,"marketId":0,"amount":"1100000000"}
 *   {"t":250,"kind":"order","trader":3,"marketId":0,"side":"buy","type":"limit","tif":"GTC","price":"59990000","size":"20"}
 *   {"t":900,"kind":"cancel","trader":3,"ref":3}
 *
 * - trader: a small integer; the runner maps it to an engine account (see run.ts `traderKey`).
 * - cancel.ref: the 0-based index (among event lines, the header excluded) of an earlier order event of
 *   the same trader. The runner maps it to the engine order id that order got, if it rested.
 * - price events of one market must have strictly increasing `t` (the engine refuses a stale price).
 * - type "market" orders carry price "0".
 * - isolate: trader N moves `amount` from its main (cross) account into a sub-account isolated to
 *   `marketId` (dYdX v4 isolated margin; engine tx `transfer`), and from then on its orders in that
 *   market go from the sub-account, whose liquidation can lose only what was moved into it. A second
 *   isolate for the same market adds `amount` to the same sub-account. Version 1 still: a tape without
 *   isolate events reads and replays exactly as before.
 */
import { z } from "zod";
import { BaseError } from "../../core/errors.ts";

export const TAPE_FORMAT = "zk-perps-tape";
export const TAPE_VERSION = 1;

export class TapeError extends BaseError {
  override name = "TapeError";
  declare readonly code: "BAD_TAPE";
  /** 1-based line number of the offending line (0: the tape as a whole). */
  readonly line: number;
  constructor(line: number, message: string) {
    super("BAD_TAPE", line > 0 ? `tape line ${line}: ${message}` : `tape: ${message}`, { details: { line } });
    this.line = line;
  }
}

const big = z
  .union([z.string().regex(/^-?\d+$/, "expected a decimal integer string"), z.number().int().safe()])
  .transform((v) => BigInt(v));
const nonNegBig = big.refine((v) => v >= 0n, "must be ≥ 0");
const posBig = big.refine((v) => v > 0n, "must be > 0");
const trader = z.number().int().min(0).max(1_000_000);
const marketId = z.number().int().min(0).max(3);
const t = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const tapeHeaderSchema = z.strictObject({
  format: z.literal(TAPE_FORMAT),
  version: z.literal(TAPE_VERSION),
  seed: z.string(),
  shape: z.string().min(1),
  markets: z.number().int().min(1).max(4),
  /** Absolute epoch ms of t = 0: engine time is startMs + t. */
  startMs: nonNegBig,
  durationMs: t,
  traders: z.number().int().min(0),
  initialPrices: z.array(posBig).min(1).max(4),
  genesis: z
    .strictObject({ insuranceFund: nonNegBig.optional(), backstopCollateral: nonNegBig.optional() })
    .optional(),
  /** The generator's parameters, free-form (documentation only). */
  params: z.record(z.string(), z.unknown()).optional(),
  description: z.string().optional(),
});

const priceEvent = z.strictObject({ t, kind: z.literal("price"), marketId, price: posBig });
const orderEvent = z.strictObject({
  t,
  kind: z.literal("order"),
  trader,
  marketId,
  side: z.enum(["buy", "sell"]),
  type: z.enum(["limit", "market"]),
  tif: z.enum(["GTC", "IOC"]),
  price: nonNegBig,
  size: posBig,
});
const cancelEvent = z.strictObject({ t, kind: z.literal("cancel"), trader, ref: z.number().int().min(0) });
const depositEvent = z.strictObject({ t, kind: z.literal("deposit"), trader, amount: posBig });
const isolateEvent = z.strictObject({ t, kind: z.literal("isolate"), trader, marketId, amount: posBig });

export const tapeEventSchema = z.discriminatedUnion("kind", [
  priceEvent,
  orderEvent,
  cancelEvent,
  depositEvent,
  isolateEvent,
]);

export type TapeHeader = z.output<typeof tapeHeaderSchema>;
export type TapeEvent = z.output<typeof tapeEventSchema>;
export type PriceEvent = Extract<TapeEvent, { kind: "price" }>;
export type OrderEvent = Extract<TapeEvent, { kind: "order" }>;
export type CancelEvent = Extract<TapeEvent, { kind: "cancel" }>;
export type DepositEvent = Extract<TapeEvent, { kind: "deposit" }>;
export type IsolateEvent = Extract<TapeEvent, { kind: "isolate" }>;

export interface Tape {
  header: TapeHeader;
  events: TapeEvent[];
}

function issues(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "(line)"}: ${i.message}`).join("; ");
}

/** Cross-event rules zod cannot see: sorted times, per-market price times, cancel refs, market ids. */
export function validateTape(tape: Tape): void {
  const h = tape.header;
  if (h.initialPrices.length !== h.markets) {
    throw new TapeError(
      1,
      `initialPrices has ${h.initialPrices.length} entries, expected markets = ${h.markets}`,
    );
  }
  let lastT = 0;
  const lastPriceT = new Map<number, number>();
  tape.events.forEach((ev, i) => {
    const line = i + 2;
    if (ev.t < lastT) throw new TapeError(line, `t ${ev.t} is before the previous event's t ${lastT}`);
    lastT = ev.t;
    if ((ev.kind === "price" || ev.kind === "order" || ev.kind === "isolate") && ev.marketId >= h.markets) {
      throw new TapeError(line, `marketId ${ev.marketId} but the header has ${h.markets} market(s)`);
    }
    if (ev.kind === "price") {
      const prev = lastPriceT.get(ev.marketId);
      if (prev !== undefined && ev.t <= prev) {
        throw new TapeError(
          line,
          `price of market ${ev.marketId} at t ${ev.t} is not after the previous one (${prev})`,
        );
      }
      lastPriceT.set(ev.marketId, ev.t);
    }
    if (ev.kind === "order" && ev.type === "limit" && ev.price === 0n) {
      throw new TapeError(line, "a limit order needs a price > 0");
    }
    if (ev.kind === "cancel") {
      const target = ev.ref < i ? tape.events[ev.ref] : undefined;
      if (target?.kind !== "order" || target.trader !== ev.trader) {
        throw new TapeError(
          line,
          `cancel ref ${ev.ref} is not an earlier order event of trader ${ev.trader}`,
        );
      }
    }
  });
}

/** Parses and validates a whole tape; a problem throws `TapeError` naming the line. */
export function parseTape(text: string): Tape {
  const lines = text.split("\n");
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === "") lines.pop();
  if (lines.length === 0) throw new TapeError(0, "empty tape (expected a header line)");
  const parseJson = (s: string, line: number): unknown => {
    try {
      return JSON.parse(s);
    } catch (e) {
      throw new TapeError(line, `not JSON (${(e as Error).message})`);
    }
  };
  const h = tapeHeaderSchema.safeParse(parseJson(lines[0] as string, 1));
  if (!h.success) throw new TapeError(1, `bad header: ${issues(h.error)}`);
  const events: TapeEvent[] = [];
  for (let i = 1; i < lines.length; i++) {
    const s = lines[i] as string;
    if (s.trim() === "") throw new TapeError(i + 1, "empty line");
    const r = tapeEventSchema.safeParse(parseJson(s, i + 1));
    if (!r.success) throw new TapeError(i + 1, `bad event: ${issues(r.error)}`);
    events.push(r.data);
  }
  const tape = { header: h.data, events };
  validateTape(tape);
  return tape;
}

/** JSON with bigints as decimal strings (keys in insertion order, so output is deterministic). */
export function bigJson(v: unknown, space?: number): string {
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x), space);
}

/** The tape as JSON Lines (one trailing newline). `parseTape(serializeTape(t))` gives `t` back. */
export function serializeTape(tape: Tape): string {
  const out = [bigJson(tape.header)];
  for (const ev of tape.events) out.push(bigJson(ev));
  return `${out.join("\n")}\n`;
}
