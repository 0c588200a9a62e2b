import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { engineError } from "../../../sequencer/engine/errors.ts";
import {
  CapacityError,
  ENGINE_ERROR_CODES,
  EngineError,
  EngineFaultError,
  isClientError,
  TxRejectedError,
} from "../../../sequencer/engine/index.ts";
import { BaseError } from "../../../sequencer/errors.ts";
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
});
