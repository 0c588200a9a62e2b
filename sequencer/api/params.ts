/**
 * Numbers in a URL (path params and query strings). Strict on purpose: `z.coerce` read `0x1` as 1 and
 * ` ` as 0, so a typo named another batch instead of failing. Only plain decimal digits pass, and only
 * as many as the largest value can have, so no string is ever big enough to cost anything to parse.
 */
import { z } from "zod";
import { BaseError } from "../../core/errors.ts";

export class BadParamError extends BaseError {
  override name = "BadParamError";
}

const U64_MAX = (1n << 64n) - 1n;

/** A decimal integer in [min, max] from a URL string; a JS number (max is at most 2^53 − 1). */
export function decimalNumber(min = 0, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .max(String(max).length, `at most ${String(max).length} digits`)
    .regex(/^[0-9]+$/, "a decimal integer (digits only: no sign, hex or spaces)")
    .transform(Number)
    .refine((v) => v >= min && v <= max, `between ${min} and ${max}`);
}

/** A decimal integer in [0, max] from a URL string, as a bigint (batch and sequence numbers). */
export function decimalBigint(max = U64_MAX) {
  return z
    .string()
    .max(String(max).length, `at most ${String(max).length} digits`)
    .regex(/^[0-9]+$/, "a decimal integer (digits only: no sign, hex or spaces)")
    .transform((s) => BigInt(s))
    .refine((v) => v <= max, `at most ${max}`);
}

/**
 * Parses a route's params or query, or throws BAD_PARAM (400) naming each bad field. A zod error here
 * would be a BAD_REQUEST about the body; this one says the URL is what is wrong.
 */
export function parseUrlInput<T extends z.ZodTypeAny>(schema: T, input: unknown, where: "path" | "query") {
  const res = schema.safeParse(input);
  if (res.success) return res.data as z.infer<T>;
  const fields = res.error.issues.map((i) => ({ field: i.path.join("."), message: i.message }));
  throw new BadParamError(
    "BAD_PARAM",
    fields.map((f) => `${where} ${f.field || "(whole)"}: ${f.message}`).join("; "),
    { details: { where, fields } },
  );
}
