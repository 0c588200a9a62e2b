import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cachedFor } from "../../../core/cached.ts";

describe("cachedFor", () => {
  it("answers from the cache within the ttl, shares a call in flight, and reads again after", async () => {
    let t = 0;
    let calls = 0;
    const get = cachedFor(
      1_000,
      async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 5));
        return calls;
      },
      () => t,
    );
    assert.deepEqual(await Promise.all([get(), get(), get()]), [1, 1, 1]);
    t = 999;
    assert.equal(await get(), 1);
    t = 1_000;
    assert.equal(await get(), 2);
    assert.equal(calls, 2);
  });

  it("does not cache a failure", async () => {
    let fail = true;
    const get = cachedFor(10_000, async () => {
      if (fail) throw new Error("down");
      return "up";
    });
    await assert.rejects(get(), /down/);
    fail = false;
    assert.equal(await get(), "up");
  });
});
