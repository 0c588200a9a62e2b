/**
 * `fn` behind a short-lived cache: calls within `ttlMs` of the last answer get it again, and calls
 * while one is in flight share it. For reads of slow shared systems (Redis, an L1 node) that many
 * clients poll, so N watchers cost one read per ttl, not N. A failure is not cached.
 */
export function cachedFor<T>(
  ttlMs: number,
  fn: () => Promise<T>,
  now: () => number = Date.now,
): () => Promise<T> {
  let value: { at: number; v: T } | undefined;
  let inFlight: Promise<T> | undefined;
  return () => {
    if (value && now() - value.at < ttlMs) return Promise.resolve(value.v);
    if (inFlight) return inFlight;
    inFlight = fn().then(
      (v) => {
        value = { at: now(), v };
        inFlight = undefined;
        return v;
      },
      (err: unknown) => {
        inFlight = undefined;
        throw err;
      },
    );
    return inFlight;
  };
}
