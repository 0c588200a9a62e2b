import { BaseError } from "../../core/errors.ts";

/**
 * Every way `Engine.apply` can refuse a transaction. Codes are stable: the HTTP API returns them and the
 * WAL replayer compares them, so never rename one.
 */
export const ENGINE_ERROR_CODES = [
  "BAD_TX",
  "UNKNOWN_ACCOUNT",
  "UNKNOWN_MARKET",
  "BAD_NONCE",
  "SIZE_OUT_OF_RANGE",
  "BAD_PRICE",
  /** No longer raised: a replayed or reordered price is ORACLE_NOT_MONOTONIC. Kept so old logs still parse. */
  "STALE_PRICE",
  /** The index is outside [receive time − oracle.maxAgeMs, receive time]. */
  "STALE_ORACLE",
  /** The index moved more than oracle.maxStepBps from the last accepted one. */
  "ORACLE_DEVIATION",
  /** The index timestamp is not newer than the last accepted one (replayed or reordered). */
  "ORACLE_NOT_MONOTONIC",
  /**
   * The market's circuit breaker is tripped and the order could add exposure. A client code: the request
   * is refused for now, like an order outside the price band; reductions are still accepted.
   */
  "BREAKER_TRIPPED",
  /** The order's signed fee cap (maxFeeBps) is below the fee the market may charge it (taker or maker). */
  "FEE_CAP",
  /** The order's signed expiry is not after engine time. */
  "ORDER_EXPIRED",
  /** The order's fills would raise the market's open interest above its oiCapLots. */
  "OI_CAP",
  "BAD_AMOUNT",
  "BAD_KEY",
  /** A withdrawal's l1Address is not a 160-bit address, or is address 0 (Rollup.sol refuses to pay it). */
  "BAD_ADDRESS",
  "BAD_DEPOSIT_INDEX",
  /** A priority request that is not the next one of the L1 queue (skipped or served twice). */
  "BAD_PRIORITY_INDEX",
  /** A transfer between accounts of different keys: transfers stay inside one owner's accounts. */
  "NOT_SAME_OWNER",
  /** A transfer to itself, or one that involves the backstop vault (its capital moves only through L1). */
  "TRANSFER_NOT_ALLOWED",
  /** An order from an isolated sub-account in a market other than its own. */
  "ISOLATED_MARKET",
  /** The owner already has the most isolated sub-accounts allowed. */
  "SUBACCOUNT_LIMIT",
  "INSUFFICIENT_MARGIN",
  "INSUFFICIENT_COLLATERAL",
  "UNKNOWN_ORDER",
  "NO_PRICE",
  "NOT_LIQUIDATABLE",
  "LIQUIDATION_NOT_DUE",
  "RANGE_OVERFLOW",
  "ACCOUNTS_FULL",
  "BATCH_CAPACITY",
  "BAD_DEBT_UNCOVERED",
  "DUPLICATE_ORDER_ID",
  "INTERNAL",
] as const;

export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

/**
 * Conditions of the system, not of the request: a full batch or tree (retry later), a loss nobody can
 * cover (an operator problem), an internal fault. Every other engine code is caused by what the client
 * sent (HTTP 4xx).
 */
const SYSTEM_CODES: ReadonlySet<EngineErrorCode> = new Set<EngineErrorCode>([
  "ACCOUNTS_FULL",
  "BATCH_CAPACITY",
  "BAD_DEBT_UNCOVERED",
  "DUPLICATE_ORDER_ID",
  "INTERNAL",
]);

export function isClientError(code: string): boolean {
  return isEngineErrorCode(code) && !SYSTEM_CODES.has(code);
}

export function isEngineErrorCode(code: string): code is EngineErrorCode {
  return (ENGINE_ERROR_CODES as readonly string[]).includes(code);
}

/** Root of the engine's errors. `apply` throws only these, and a throw means nothing changed. */
export class EngineError extends BaseError {
  override name = "EngineError";
  declare readonly code: EngineErrorCode;

  constructor(code: EngineErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, { details });
  }
}

/**
 * The transaction is wrong for the current state (HTTP 4xx). A refusal is ordinary traffic (a cancel that
 * lost the race to a fill, a stale nonce), so it carries no stack trace: capturing one costs more than
 * the rest of a refused `apply`. `stack` is then just the "name: message" line.
 */
export class TxRejectedError extends EngineError {
  override name = "TxRejectedError";

  constructor(code: EngineErrorCode, message: string, details: Record<string, unknown> = {}) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(code, message, details);
    Error.stackTraceLimit = limit;
  }
}

/**
 * The batch or the account tree has no room: the same tx may succeed in a later batch. Expected under
 * load, so like a refusal it carries no stack trace.
 */
export class CapacityError extends EngineError {
  override name = "CapacityError";

  constructor(code: EngineErrorCode, message: string, details: Record<string, unknown> = {}) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(code, message, details);
    Error.stackTraceLimit = limit;
  }
}

/** The system cannot honour the tx safely (a bad debt nobody can absorb). */
export class EngineFaultError extends EngineError {
  override name = "EngineFaultError";
}

/** Builds the subclass that matches the code, so callers can `instanceof` or switch on `code`. */
export function engineError(
  code: EngineErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): EngineError {
  if (isClientError(code)) return new TxRejectedError(code, message, details);
  if (code === "BATCH_CAPACITY" || code === "ACCOUNTS_FULL") return new CapacityError(code, message, details);
  return new EngineFaultError(code, message, details);
}
