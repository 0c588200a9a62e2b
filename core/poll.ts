import { BaseError } from "./errors.ts";

export class PollTimeoutError extends BaseError {
  override name = "PollTimeoutError";
}

/** Resolves after `ms`, or at once when `signal` aborts (a stop should not wait out a backoff). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

export interface PollUntilOptions {
  timeoutMs: number;
  /** Pause between attempts. Default 200 ms. */
  everyMs?: number;
}

/**
 * Calls `fn` until it gives a value other than undefined or false, and returns it. A throw counts as
 * "not yet" (the thing polled for is often a server still starting); the last one is kept as the cause.
 */
export async function pollUntil<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  o: PollUntilOptions,
): Promise<T> {
  const end = Date.now() + o.timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= end) break;
    await sleep(Math.min(o.everyMs ?? 200, Math.max(0, end - Date.now())));
  }
  throw new PollTimeoutError(
    "POLL_TIMEOUT",
    `timed out after ${o.timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`,
    { details: { what, timeoutMs: o.timeoutMs }, ...(last === undefined ? {} : { cause: last }) },
  );
}

export interface BackoffOptions {
  /** Pause after the first failure. */
  minMs: number;
  /** No pause is longer than this. */
  maxMs: number;
  /** Growth per consecutive failure. Default 2. */
  factor?: number;
}

/** The pause after `failures` consecutive failures (1 = the first). */
export function backoffMs(failures: number, o: BackoffOptions): number {
  return Math.min(o.minMs * (o.factor ?? 2) ** Math.max(0, failures - 1), o.maxMs);
}

export interface RetryOptions extends BackoffOptions {
  /** Aborting ends the retries: the pause is cut short and undefined is returned. */
  signal?: AbortSignal;
  /** Told about each failure before the pause, e.g. to report it. */
  onError?: (err: unknown, failures: number) => void;
}

/**
 * Calls `fn` until it resolves, pausing with exponential backoff after each throw. Resolves undefined
 * when `signal` aborts first; a failure seen after the abort is not reported (it is the stop's doing).
 */
export async function retryWithBackoff<T>(fn: () => Promise<T>, o: RetryOptions): Promise<T | undefined> {
  let failures = 0;
  while (!o.signal?.aborted) {
    try {
      return await fn();
    } catch (err) {
      if (o.signal?.aborted) break;
      failures++;
      o.onError?.(err, failures);
      await sleep(backoffMs(failures, o), o.signal);
    }
  }
  return undefined;
}
