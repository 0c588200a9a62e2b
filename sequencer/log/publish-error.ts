import { ErrorCode, NatsError } from "nats";
import { LogFencedError, LogUnavailableError } from "./errors.ts";

/** JetStream's API error code for a failed Nats-Expected-Last-Sequence check. */
export const JS_WRONG_LAST_SEQUENCE = 10071;

/**
 * Sorts a failed publish into the two outcomes a writer must tell apart: refused (definitely not
 * stored: someone else holds the position) or unknown (maybe stored, retry the same group).
 */
export function classifyPublishError(
  err: unknown,
  ctx: { op: string; epoch: number; expectedLastSeq: number; timeoutMs: number },
): LogFencedError | LogUnavailableError {
  if (err instanceof NatsError) {
    const api = err.api_error;
    if (api?.err_code === JS_WRONG_LAST_SEQUENCE) {
      return new LogFencedError(
        { epoch: ctx.epoch, expectedLastSeq: ctx.expectedLastSeq, reason: api.description },
        err,
      );
    }
    const reason =
      err.code === ErrorCode.Timeout
        ? "no ack before the timeout"
        : err.code === ErrorCode.NoResponders
          ? "no stream leader answered"
          : (api?.description ?? err.message);
    return new LogUnavailableError({ op: ctx.op, timeoutMs: ctx.timeoutMs, reason }, err);
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new LogUnavailableError({ op: ctx.op, timeoutMs: ctx.timeoutMs, reason }, err);
}
