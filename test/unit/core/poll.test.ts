import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backoffMs, PollTimeoutError, pollUntil, retryWithBackoff, sleep } from "../../../core/poll.ts";

describe("pollUntil", () => {
  it("returns the first value that is not undefined or false, treating throws as not yet", async () => {
    let calls = 0;
    const v = await pollUntil(
      "the third call",
      () => {
        calls++;
        if (calls === 1) throw new Error("not up yet");
        return calls === 3 ? 0n : false;
      },
      { timeoutMs: 1_000, everyMs: 1 },
    );
    assert.equal(v, 0n);
    assert.equal(calls, 3);
  });

  it("throws a typed POLL_TIMEOUT naming what it waited for, with the last error as cause", async () => {
    const boom = new Error("connection refused");
    await assert.rejects(
      pollUntil(
        "the server",
        () => {
          throw boom;
        },
        { timeoutMs: 30, everyMs: 5 },
      ),
      (e: unknown) => {
        assert.ok(e instanceof PollTimeoutError);
        assert.equal(e.code, "POLL_TIMEOUT");
        assert.match(e.message, /the server: Error: connection refused/);
        assert.equal(e.cause, boom);
        return true;
      },
    );
  });
});

describe("retryWithBackoff", () => {
  it("grows the pause by the factor up to maxMs", () => {
    const o = { minMs: 10, maxMs: 100, factor: 3 };
    assert.deepEqual(
      [1, 2, 3, 4].map((f) => backoffMs(f, o)),
      [10, 30, 90, 100],
    );
  });

  it("retries until fn resolves and reports each failure with its count", async () => {
    const seen: number[] = [];
    let n = 0;
    const v = await retryWithBackoff(
      async () => {
        if (++n < 3) throw new Error(`fail ${n}`);
        return "ok";
      },
      { minMs: 1, maxMs: 2, onError: (_e, failures) => seen.push(failures) },
    );
    assert.equal(v, "ok");
    assert.deepEqual(seen, [1, 2]);
  });

  it("stops at once when the signal aborts during a pause, and returns undefined", async () => {
    const stop = new AbortController();
    const t0 = Date.now();
    const run = retryWithBackoff(
      async () => {
        throw new Error("down");
      },
      { minMs: 10_000, maxMs: 10_000, signal: stop.signal },
    );
    await sleep(5);
    stop.abort();
    assert.equal(await run, undefined);
    assert.ok(Date.now() - t0 < 1_000);
  });
});
