import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BaseError } from "../../../core/errors.ts";
import { engineError } from "../../../sequencer/engine/errors.ts";
import {
  CapacityError,
  ENGINE_ERROR_CODES,
  EngineError,
  EngineFaultError,
  isClientError,
  TxRejectedError,
} from "../../../sequencer/engine/index.ts";
import { Driver } from "./helpers.ts";

describe("engine errors", () => {
  it("maps client mistakes to 4xx and system conditions to other statuses", () => {
    for (const c of ["BAD_NONCE", "INSUFFICIENT_MARGIN", "UNKNOWN_ORDER", "BAD_PRICE", "NO_PRICE"])
      assert.equal(isClientError(c), true, c);
    for (const c of ["BATCH_CAPACITY", "ACCOUNTS_FULL", "BAD_DEBT_UNCOVERED", "INTERNAL", "NOT_A_CODE"])
      assert.equal(isClientError(c), false, c);
  });

  it("builds the subclass that matches the code, all rooted in BaseError", () => {
    for (const code of ENGINE_ERROR_CODES) {
      const err = engineError(code, "x", { a: 1 });
      assert.ok(err instanceof EngineError && err instanceof BaseError);
      assert.equal(err.code, code);
      assert.deepEqual(err.details, { a: 1 });
      const cls = isClientError(code)
        ? TxRejectedError
        : code === "BATCH_CAPACITY" || code === "ACCOUNTS_FULL"
          ? CapacityError
          : EngineFaultError;
      assert.ok(err instanceof cls, code);
    }
  });

  it("rejects malformed txs with BAD_TX", () => {
    const d = Driver.create();
    const a = d.fund(1_000n);
    d.price(0, 1_000n);
    assert.throws(
      () =>
        d.apply({
          kind: "order",
          accountId: a,
          nonce: 1n,
          marketId: 0,
          side: "up" as "buy",
          type: "limit",
          tif: "GTC",
          price: 1_000n,
          size: 1n,
        }),
      (e: unknown) => e instanceof EngineError && e.code === "BAD_TX",
    );
    assert.throws(
      () => d.apply({ kind: "nope" } as never),
      (e: unknown) => e instanceof EngineError && e.code === "BAD_TX",
    );
  });

  it("gives refusals and capacity errors no stack trace, and faults keep theirs", () => {
    const limit = Error.stackTraceLimit;
    for (const code of ENGINE_ERROR_CODES) {
      const err = engineError(code, "why", { a: 1 });
      const frames = (err.stack ?? "").split("\n").filter((l) => l.trimStart().startsWith("at "));
      if (err instanceof TxRejectedError || err instanceof CapacityError)
        assert.equal(frames.length, 0, `${code} has no frames`);
      else assert.ok(frames.length > 0, `${code} keeps its stack`);
      assert.equal(err.message, "why");
      assert.ok(Object.isFrozen(err.details));
      assert.equal(Error.stackTraceLimit, limit, "the limit is restored");
    }
  });

  it("refuses a cancel of a filled order with UNKNOWN_ORDER and leaves the nonce alone", () => {
    const d = Driver.create();
    const maker = d.fund(10n ** 12n);
    const taker = d.fund(10n ** 12n);
    d.price(0, 1_000n);
    const placed = d.order({ accountId: maker, marketId: 0, side: "sell", price: 1_000n, size: 1n });
    d.order({ accountId: taker, marketId: 0, side: "buy", price: 1_000n, size: 1n, tif: "IOC" });
    const nonce = d.engine.account(maker)?.nonce;
    assert.throws(
      () => d.cancel(maker, 0, placed.orderId as bigint),
      (e: unknown) => e instanceof TxRejectedError && e.code === "UNKNOWN_ORDER",
    );
    assert.equal(d.engine.account(maker)?.nonce, nonce);
  });
});
