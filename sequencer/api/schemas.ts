import { z } from "zod";
import { FIELD_MODULUS } from "../crypto/field.ts";
import { signatureJsonSchema } from "../crypto/signature-json.ts";
import { decimalBigint, decimalNumber } from "./params.ts";

const MAX_U80 = (1n << 80n) - 1n;
/** The engine's NO_EXPIRY_MS: the proof range-checks expiries to 48 bits. */
const MAX_EXPIRY_MS = (1n << 48n) - 1n;

/** Decimal string → bigint; JSON numbers lose precision past 2^53, so amounts travel as strings. */
export const uint = (max: bigint = FIELD_MODULUS - 1n) =>
  z
    .string()
    // Bounded before BigInt: a megabyte of digits would otherwise be parsed just to be refused.
    .max(String(max).length, `at most ${String(max).length} digits`)
    .regex(/^(0|[1-9][0-9]*)$/, "a non-negative integer as a decimal string")
    .transform((s) => BigInt(s))
    .refine((v) => v <= max, `at most ${max}`);

const id = z.number().int().nonnegative();
// Coordinates go up to p − 1 (about 1.5·2^253): a tighter bound would refuse valid signatures.
export const signatureSchema = signatureJsonSchema;

export const orderBody = z
  .object({
    accountId: id,
    nonce: uint(MAX_U80),
    marketId: id,
    side: z.enum(["buy", "sell"]),
    type: z.enum(["limit", "market"]),
    tif: z.enum(["GTC", "IOC"]).default("GTC"),
    price: uint(MAX_U80).optional(),
    size: uint(MAX_U80),
    /** Signed (v2): the most fee the owner pays, bps of each fill's notional. */
    maxFeeBps: z.number().int().min(0).max(10_000).default(10_000),
    /** Signed (v2): the order fills only in batches whose proven time is before this (ms). */
    expiryMs: uint(MAX_EXPIRY_MS).default(MAX_EXPIRY_MS),
    signature: signatureSchema,
  })
  .strict();

export const cancelBody = z
  .object({ accountId: id, nonce: uint(MAX_U80), marketId: id, orderId: uint(), signature: signatureSchema })
  .strict();

export const withdrawalBody = z
  .object({
    accountId: id,
    nonce: uint(MAX_U80),
    amount: uint(MAX_U80),
    l1Address: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "a 20-byte hex address"),
    signature: signatureSchema,
  })
  .strict();

export const transferBody = z
  .object({
    accountId: id,
    nonce: uint(MAX_U80),
    amount: uint(MAX_U80),
    to: id.optional(),
    isolatedMarket: id.optional(),
    signature: signatureSchema,
  })
  .strict()
  .refine((b) => (b.to === undefined) !== (b.isolatedMarket === undefined), {
    message: "give exactly one of `to` (an account of the same key) or `isolatedMarket` (open a sub-account)",
  });

export const priceBody = z
  .object({ marketId: id, price: uint(MAX_U80), timestampMs: uint(1n << 63n), signature: signatureSchema })
  .strict();

// URL numbers: strict decimal (params.ts), parsed with parseUrlInput so a bad one is BAD_PARAM.
export const idParam = z.object({ id: decimalNumber(0, 0xffff_ffff) });
export const batchParam = z.object({ n: decimalBigint() });
export const keyQuery = z.object({ pubKeyX: uint(), pubKeyY: uint() });

export const bookQuery = z.object({ depth: decimalNumber(1, 500).default(50) });

export const ledgerQuery = z.object({
  from: decimalNumber(0).default(0),
  limit: decimalNumber(1, 1_000).default(100),
});

export const traceQuery = z.object({
  fromSeq: decimalBigint().default(0n),
  limit: decimalNumber(1, 20_000).default(5_000),
});
