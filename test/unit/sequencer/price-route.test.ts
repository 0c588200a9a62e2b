import assert from "node:assert/strict";
import { describe, it } from "node:test";
import Fastify from "fastify";
import { toHttpError } from "../../../sequencer/api/http-errors.ts";
import { registerWriteRoutes } from "../../../sequencer/api/routes/writes.ts";
import type { ApiDeps } from "../../../sequencer/api/server.ts";
import { devKey, signMessage } from "../../../sequencer/crypto/keys.ts";
import { priceMessage } from "../../../sequencer/crypto/messages.ts";
import type { EngineTx } from "../../../sequencer/engine/types.ts";

/** POST /prices against a stub sequencer that records what it was asked to apply. */
function app(now: () => number) {
  const submitted: { lane: string; tx: EngineTx }[] = [];
  const keeper = devKey("keeper-test");
  const sequencer = {
    // The leader: a follower refuses writes before the route looks at them.
    assertLeader: () => {},
    submit: async (lane: string, tx: EngineTx) => {
      submitted.push({ lane, tx });
      return { touched: [], fills: [], liquidationsDetected: [] };
    },
  } as unknown as ApiDeps["sequencer"];
  const f = Fastify();
  f.setErrorHandler((err, _req, reply) => {
    const { status, body } = toHttpError(err);
    void reply.status(status).send(body);
  });
  registerWriteRoutes(f, {
    sequencer,
    keeperPubKey: keeper.pubKey,
    registry: undefined as unknown as ApiDeps["registry"],
    status: undefined as unknown as ApiDeps["status"],
    now,
  });
  return { f, submitted, keeper };
}

const body = (prv: Uint8Array, timestampMs: bigint, extra: Record<string, unknown> = {}) => ({
  marketId: 0,
  price: "1000",
  timestampMs: timestampMs.toString(),
  signature: signMessage(prv, priceMessage({ marketId: 0, price: 1_000n, timestampMs })),
  ...extra,
});

describe("POST /prices", () => {
  it("stamps the sequencer's receive time as nowMs on a keeper-signed price", async () => {
    const { f, submitted, keeper } = app(() => 5_000.7);
    const res = await f.inject({ method: "POST", url: "/prices", payload: body(keeper.prv, 4_000n) });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(submitted, [
      {
        lane: "liquidation",
        tx: { kind: "price", marketId: 0, price: 1_000n, timestampMs: 4_000n, nowMs: 5_000n },
      },
    ]);
  });

  it("refuses a price not signed by the keeper, and a client-supplied nowMs", async () => {
    const { f, submitted } = app(() => 5_000);
    const other = devKey("not-the-keeper");
    const bad = await f.inject({ method: "POST", url: "/prices", payload: body(other.prv, 4_000n) });
    assert.equal(bad.json().code, "BAD_SIGNATURE");
    assert.ok(bad.statusCode === 401 || bad.statusCode === 403, `status ${bad.statusCode}`);
    const keeper = devKey("keeper-test");
    const forged = await f.inject({
      method: "POST",
      url: "/prices",
      payload: body(keeper.prv, 4_000n, { nowMs: "4000" }),
    });
    assert.equal(forged.statusCode, 400);
    assert.deepEqual(submitted, []);
  });
});
