import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ErrorCode, NatsError } from "nats";
import { classifyPublishError, JS_WRONG_LAST_SEQUENCE } from "../../../../sequencer/log/publish-error.ts";

const ctx = { op: "append", epoch: 4, expectedLastSeq: 10, timeoutMs: 5000 };

function apiError(code: number, err_code: number, description: string): NatsError {
  const e = new NatsError(description, String(code));
  e.api_error = { code, err_code, description };
  return e;
}

describe("classifying a failed publish", () => {
  it("calls a wrong last sequence a fence: definitely not stored", () => {
    const e = classifyPublishError(apiError(400, JS_WRONG_LAST_SEQUENCE, "wrong last sequence: 11"), ctx);
    assert.equal(e.code, "LOG_FENCED");
    assert.deepEqual(e.details, { epoch: 4, expectedLastSeq: 10, reason: "wrong last sequence: 11" });
  });

  it("calls a timeout, no responders or any other failure unavailable: the outcome is unknown", () => {
    const cases = [
      new NatsError("timeout", ErrorCode.Timeout),
      new NatsError("no responders", ErrorCode.NoResponders),
      apiError(503, 10008, "JetStream system temporarily unavailable"),
      new Error("connection closed"),
    ];
    for (const err of cases) {
      const e = classifyPublishError(err, ctx);
      assert.equal(e.code, "LOG_UNAVAILABLE", String(err));
      assert.equal(e.cause, err);
    }
  });
});
