import { ZodError } from "zod";
import { BaseError } from "../../core/errors.ts";
import { isClientError, isEngineErrorCode } from "../engine/errors.ts";

export class BadSignatureError extends BaseError {
  override name = "BadSignatureError";
  constructor() {
    super("BAD_SIGNATURE", "the signature does not verify for this account's key and request");
  }
}

export class NotFoundError extends BaseError {
  override name = "NotFoundError";
}

/** Stable code → HTTP status. Anything unlisted from the engine is a client error (422). */
const STATUS: Record<string, number> = {
  BAD_REQUEST: 400,
  BAD_PARAM: 400,
  MALFORMED_JSON: 400,
  BAD_SIGNATURE: 401,
  UNKNOWN_ACCOUNT: 404,
  UNKNOWN_MARKET: 404,
  UNKNOWN_ORDER: 404,
  UNKNOWN_ASSET: 404,
  NOT_FOUND: 404,
  BAD_NONCE: 409,
  NOT_SAME_OWNER: 403,
  OVERLOADED: 503,
  // A follower takes no writes; details.leaderUrl says where to go (docs/REPLICATION.md).
  NOT_LEADER: 503,
  INTERNAL: 500,
};

export interface HttpError {
  status: number;
  body: { code: string; message: string; details?: unknown };
}

/** The one place an error becomes a reply: whatever it held, the body is `{code, message, details?}` JSON. */
export function toHttpError(err: unknown): HttpError {
  const { status, body } = classify(err);
  if (body.details === undefined) return { status, body };
  return { status, body: { ...body, details: jsonSafe(body.details) } };
}

function classify(err: unknown): HttpError {
  if (err instanceof ZodError) {
    const message = err.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
    return { status: 400, body: { code: "BAD_REQUEST", message, details: err.issues } };
  }
  if (err instanceof BaseError) {
    const status = STATUS[err.code] ?? statusOfUnlisted(err.code);
    return { status, body: { code: err.code, message: err.message, details: err.details } };
  }
  const e = err as { statusCode?: number; code?: string; message?: string };
  if (e.statusCode === 400 && (e.code === "FST_ERR_CTP_INVALID_JSON_BODY" || e instanceof SyntaxError)) {
    return { status: 400, body: { code: "MALFORMED_JSON", message: "the request body is not valid JSON" } };
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return {
      status: e.statusCode,
      body: { code: e.code ?? "BAD_REQUEST", message: e.message ?? "bad request" },
    };
  }
  return { status: 500, body: { code: "INTERNAL", message: "internal error" } };
}

/**
 * Details hold engine values, and those are bigints (a zod issue about a bigint param carries the bound
 * as one): JSON.stringify throws on them, and fastify then answered with its own body instead of ours.
 * Anything else JSON cannot hold (a cycle) drops the details rather than the reply.
 */
export function jsonSafe(v: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)) ?? "null");
  } catch {
    return { unserialisable: true };
  }
}

/**
 * Engine codes the client caused are 422; the engine's own conditions (a full tree, a loss nobody can
 * cover) are 503 so clients retry rather than fix their request; anything else is ours (500).
 */
function statusOfUnlisted(code: string): number {
  if (isEngineErrorCode(code)) return isClientError(code) ? 422 : 503;
  return 500;
}
