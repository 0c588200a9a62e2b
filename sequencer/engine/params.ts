import { z } from "zod";
import { FIELD_MODULUS, MARK_PRICE_LIMIT, SIZE_LIMIT } from "./ranges.ts";
import { riskParamsSchema } from "./risk-params.ts";

const bps = z.number().int().min(0).max(10_000);

const marketParamsSchema = z
  .object({
    name: z.string().min(1),
    /** Prices must be a multiple of this (micro-USDC per lot). */
    tickSize: z.bigint().positive(),
    minOrderSize: z.bigint().positive(),
    maxOrderSize: z.bigint().positive().lt(SIZE_LIMIT),
    /** Highest order price; below 2^40 so a mark built from it stays in SPEC's markPrice range. */
    maxPrice: z.bigint().positive().lt(MARK_PRICE_LIMIT),
    imfBps: bps.min(1),
    mmfBps: bps.min(1),
    takerFeeBps: bps,
    makerFeeBps: bps,
    /** Open-interest cap in lots (long side); an order that would raise OI above it is refused. 0 = none. */
    oiCapLots: z.bigint().nonnegative().default(0n),
    /**
     * dYdX v4 OI-scaled initial margin (x/perpetuals `GetInitialMarginQuoteQuantums`): below lowerCap the
     * IMF is imfBps; between the caps it rises linearly to 100%; above upperCap it is 100%. Notionals are
     * open interest × mark, micro-USDC.
     */
    imfOiScaling: z
      .object({ lowerCapNotional: z.bigint().nonnegative(), upperCapNotional: z.bigint().positive() })
      .refine((s) => s.lowerCapNotional < s.upperCapNotional, { message: "lowerCap must be below upperCap" })
      .optional(),
  })
  .refine((m) => m.mmfBps <= m.imfBps, { message: "mmfBps must not exceed imfBps" })
  .refine((m) => m.minOrderSize <= m.maxOrderSize, { message: "minOrderSize must not exceed maxOrderSize" });

export const engineParamsSchema = z
  .object({
    markets: z.array(marketParamsSchema).min(1).max(4),
    /** 2^D, the number of leaves of the account tree. */
    maxAccounts: z
      .number()
      .int()
      .min(2)
      .max(2 ** 32)
      .refine((n) => Number.isInteger(Math.log2(n)), { message: "maxAccounts must be a power of two" }),
    liquidationPenaltyBps: bps,
    /** Bounds the work (and the account updates) one order can cause. */
    maxMakersPerOrder: z.number().int().min(1),
    /** Market orders fill no further than this from the mark. */
    marketOrderBandBps: bps.min(1),
    /** Liquidation closes on the book no further than this from the mark; the backstop takes the rest at the mark. */
    liquidationBandBps: bps,
    backstopAccountId: z.literal(0),
    backstopPubKeyX: z.bigint().nonnegative().lt(FIELD_MODULUS),
    backstopPubKeyY: z.bigint().nonnegative().lt(FIELD_MODULUS),
    /**
     * Each account's order-fill tree in the proof has 2^orderSlotBits slots, one per nonce mod
     * 2^orderSlotBits (docs/PROOF.md, ProofRules.orderBits). An order landing on the slot of an older
     * resting order of the same account cancels it: the proof could never fill it again.
     */
    orderSlotBits: z.number().int().min(1).max(32).default(8),
    risk: riskParamsSchema.prefault({}),
  })
  .refine((p) => p.backstopPubKeyX !== 0n || p.backstopPubKeyY !== 0n, {
    message: "backstop key must not be empty",
  });

export type MarketParams = Readonly<z.infer<typeof marketParamsSchema>>;
export type EngineParams = Readonly<
  Omit<z.infer<typeof engineParamsSchema>, "markets"> & { markets: readonly MarketParams[] }
>;
export type EngineParamsInput = z.input<typeof engineParamsSchema>;

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === "object") for (const x of Object.values(v)) deepFreeze(x);
  return Object.freeze(v);
}

/** Validates and deep-freezes; the engine keeps only the frozen copy. */
export function parseEngineParams(input: EngineParamsInput): EngineParams {
  const parsed = engineParamsSchema.parse(input);
  const markets = Object.freeze(parsed.markets.map((m) => deepFreeze({ ...m })));
  return Object.freeze({ ...parsed, markets, risk: deepFreeze(parsed.risk) });
}

const DEFAULT_MARKET_NAMES = ["BTC-PERP", "ETH-PERP", "SOL-PERP", "DOGE-PERP"] as const;

/**
 * Defaults for M markets (1..4). A lot is a small unit of the base asset; prices are micro-USDC per lot,
 * so tick 100 is 0.0001 USDC per lot. 10% initial / 5% maintenance margin (10x), 5/2 bps taker/maker.
 * The backstop key is a placeholder; the devnet overrides it with the operator's key.
 */
export function defaultEngineParams(m = 2): EngineParams {
  if (!Number.isInteger(m) || m < 1 || m > 4) throw new RangeError(`market count must be 1..4, got ${m}`);
  return parseEngineParams({
    markets: DEFAULT_MARKET_NAMES.slice(0, m).map((name) => ({
      name,
      tickSize: 100n,
      minOrderSize: 1n,
      maxOrderSize: 1_000_000_000n,
      maxPrice: (1n << 40n) - 1n,
      imfBps: 1_000,
      mmfBps: 500,
      takerFeeBps: 5,
      makerFeeBps: 2,
    })),
    maxAccounts: 2 ** 16,
    liquidationPenaltyBps: 100,
    maxMakersPerOrder: 32,
    marketOrderBandBps: 500,
    liquidationBandBps: 500,
    backstopAccountId: 0,
    backstopPubKeyX: 1n,
    backstopPubKeyY: 1n,
  });
}
