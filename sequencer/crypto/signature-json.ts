/**
 * The wire form of a signature used by the HTTP API: `{ r8x, r8y, s }` as decimal strings (JSON numbers
 * lose precision past 2^53). Coordinates must be canonical field elements: note that they can exceed
 * 2^253 (p ≈ 1.5·2^253), so a bound of 2^253 - 1 would reject about half of all valid signatures.
 */
import { z } from "zod";
import { SUBGROUP_ORDER } from "./babyjub.ts";
import type { Signature } from "./eddsa.ts";
import { SignatureFormatError } from "./errors.ts";
import { FIELD_MODULUS } from "./field.ts";

export interface SignatureJson {
  r8x: string;
  r8y: string;
  s: string;
}

/** Parsed fields of a signature, as the API's zod schemas produce them. */
export interface SignatureFields {
  r8x: bigint;
  r8y: bigint;
  s: bigint;
}

const decimal = (max: bigint, what: string) =>
  z
    .string()
    .max(100)
    .regex(/^(0|[1-9][0-9]*)$/, "a non-negative integer as a decimal string")
    .transform((v) => BigInt(v))
    .refine((v) => v < max, `${what} must be below ${max}`);

/** Parses a JSON signature into bigint fields; rejects non-decimal or out-of-range values. */
export const signatureJsonSchema = z
  .object({
    r8x: decimal(FIELD_MODULUS, "r8x"),
    r8y: decimal(FIELD_MODULUS, "r8y"),
    s: decimal(SUBGROUP_ORDER, "s"),
  })
  .strict();

export function signatureToJson(sig: Signature): SignatureJson {
  return { r8x: sig.R8[0].toString(), r8y: sig.R8[1].toString(), s: sig.S.toString() };
}

/** JSON or already-parsed fields → Signature. Throws SignatureFormatError on malformed input. */
export function signatureFromJson(json: SignatureJson | SignatureFields): Signature {
  if (typeof json === "object" && json !== null && typeof json.r8x === "bigint") {
    const f = json as SignatureFields;
    if (typeof f.r8y !== "bigint" || typeof f.s !== "bigint") {
      throw new SignatureFormatError("signature fields must all be bigints or all decimal strings");
    }
    return { R8: [f.r8x, f.r8y], S: f.s };
  }
  const parsed = signatureJsonSchema.safeParse(json);
  if (!parsed.success) {
    throw new SignatureFormatError("malformed signature", {
      details: { issues: parsed.error.issues },
      cause: parsed.error,
    });
  }
  return { R8: [parsed.data.r8x, parsed.data.r8y], S: parsed.data.s };
}
