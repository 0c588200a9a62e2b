import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { Registry } from "prom-client";
import { z } from "zod";
import { BaseError } from "../../../core/errors.ts";
import { toHttpError } from "../../../sequencer/api/http-errors.ts";
import { buildServer } from "../../../sequencer/api/server.ts";
import { OverloadedError } from "../../../sequencer/mempool/lanes.ts";
import type { Sequencer } from "../../../sequencer/sequencer.ts";
import { openSequencer, UNIT_KEEPER } from "./open-sequencer.ts";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function serve(extra: Parameters<typeof openSequencer>[4] = {}) {
  const dir = mkdtempSync(join(tmpdir(), "seq-bad-input-"));
  dirs.push(dir);
  const { db, seq } = await openSequencer(dir, 60_000, undefined, 1, extra);
  await seq.start();
  const app = buildServer({
    sequencer: seq,
    keeperPubKey: UNIT_KEEPER.pubKey,
    registry: new Registry(),
    status: { stateRoot: () => 0n, lastProvenBatch: () => 0n, lastVerifiedBatch: () => 0n },
    now: () => 1_000,
  });
  return {
    app,
    seq,
    close: async () => {
      await app.close();
      await seq.stop();
      await db.close();
    },
  };
}

type ErrBody = { code: string; message: string; details?: unknown };

describe("URL numbers are strict decimal", () => {
  let s: { app: FastifyInstance; seq: Sequencer; close(): Promise<void> };
  before(async () => {
    s = await serve();
  });
  after(() => s.close());

  const bad = [
    "/batches/-1",
    "/batches/0x1",
    "/batches/%20",
    "/batches/%201",
    "/batches/+1",
    "/batches/1e3",
    "/batches/1.0",
    `/batches/${"9".repeat(21)}`,
    "/batches/18446744073709551616",
    "/accounts/0x1",
    "/accounts/-1",
    "/accounts/%20",
    "/markets/0x0/book",
    "/markets/0/book?depth=abc",
    "/markets/0/book?depth=0x10",
    "/markets/0/book?depth=0",
    "/liquidations?from=-1",
    "/liquidations?limit=0x10",
    "/liquidations?from=1&from=2",
    "/trace?fromSeq=%20",
    "/trace?fromSeq=-5",
    "/trace?limit=1e2",
    "/accounts?pubKeyX=0x1&pubKeyY=1",
  ];
  for (const url of bad) {
    it(`answers 400 BAD_PARAM as {code, message, details} JSON for ${url}`, async () => {
      const res = await s.app.inject({ method: "GET", url });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(String(res.headers["content-type"]), /application\/json/);
      const body = res.json() as ErrBody;
      assert.equal(body.code, "BAD_PARAM", res.body);
      assert.equal(typeof body.message, "string");
      assert.ok(body.details && typeof body.details === "object");
    });
  }

  it("still reads plain decimals: a batch not sealed yet is 404, a book depth is honoured", async () => {
    const missing = await s.app.inject({ method: "GET", url: "/batches/7" });
    assert.equal(missing.statusCode, 404, missing.body);
    assert.equal((missing.json() as ErrBody).code, "NOT_FOUND");
    assert.equal((await s.app.inject({ method: "GET", url: "/markets/0/book?depth=3" })).statusCode, 200);
    assert.equal((await s.app.inject({ method: "GET", url: "/markets/0/book" })).statusCode, 200);
    assert.equal(
      (await s.app.inject({ method: "GET", url: "/liquidations?from=0&limit=5" })).statusCode,
      200,
    );
    assert.equal((await s.app.inject({ method: "GET", url: "/trace?fromSeq=0&limit=10" })).statusCode, 200);
    assert.equal((await s.app.inject({ method: "GET", url: "/accounts/0" })).statusCode, 200);
  });
});

describe("error bodies are JSON whatever the details hold", () => {
  it("turns bigints in a BaseError's details into decimal strings", () => {
    const { status, body } = toHttpError(
      new BaseError("BAD_NONCE", "nonce used", { details: { nonce: 5n, nested: { at: [1n, 2] } } }),
    );
    assert.equal(status, 409);
    assert.deepEqual(body.details, { nonce: "5", nested: { at: ["1", 2] } });
    assert.doesNotThrow(() => JSON.stringify(body));
  });

  it("turns bigints in zod issues (a bigint bound) into strings", () => {
    const err = z.object({ n: z.bigint().max(5n) }).safeParse({ n: 10n }).error;
    const { status, body } = toHttpError(err);
    assert.equal(status, 400);
    assert.equal(body.code, "BAD_REQUEST");
    assert.match(JSON.stringify(body.details), /"maximum":"5"/);
  });

  it("drops details JSON cannot hold rather than the reply", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const { body } = toHttpError(new BaseError("INTERNAL", "x", { details: { cyclic } }));
    assert.doesNotThrow(() => JSON.stringify(body));
  });
});

describe("a 503 OVERLOADED says when to retry", () => {
  it("sends Retry-After: 1 for a full normal lane, through the server's one error handler", async () => {
    const s = await serve();
    after(() => s.close());
    // Any route that throws the lane's error: the header comes from the handler, not the route.
    s.app.post("/test-full-lane", async () => {
      throw new OverloadedError(5, 5);
    });
    const res = await s.app.inject({ method: "POST", url: "/test-full-lane" });
    assert.equal(res.statusCode, 503, res.body);
    const body = res.json() as ErrBody;
    assert.equal(body.code, "OVERLOADED");
    assert.deepEqual(body.details, { queued: 5, limit: 5 });
    assert.equal(res.headers["retry-after"], "1");
  });
});
