import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import Fastify from "fastify";
import { ApiClient, ApiError } from "../../../node/client/api-client.ts";
import { freePort } from "../../../node/l1/anvil.ts";

// Two small HTTP servers stand in for a follower (answers writes with NOT_LEADER, naming the leader)
// and a leader; a third URL has nothing listening (a dead sequencer). The client is what is tested.
const apps: ReturnType<typeof Fastify>[] = [];
after(async () => {
  for (const a of apps) await a.close();
});

async function server(handler: (hits: { n: number }) => { status: number; body: unknown }) {
  const app = Fastify();
  const hits = { n: 0 };
  app.post("/orders", async (_req, reply) => {
    hits.n++;
    const r = handler(hits);
    return reply.status(r.status).send(r.body);
  });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  apps.push(app);
  return { url, hits };
}

describe("ApiClient over several endpoints", () => {
  it("moves past a dead endpoint and a follower to the leader the follower names", async () => {
    const leader = await server(() => ({ status: 200, body: { ok: true } }));
    const follower = await server(() => ({
      status: 503,
      body: { code: "NOT_LEADER", message: "follower", details: { leaderUrl: leader.url } },
    }));
    const dead = `http://127.0.0.1:${await freePort()}`;
    const api = new ApiClient([dead, follower.url, leader.url]);
    assert.deepEqual(await api.post("/orders", {}), { ok: true });
    assert.equal(api.baseUrl, leader.url);
    assert.deepEqual(
      api.moves.map((m) => m.to),
      [follower.url, leader.url],
    );
    assert.equal(follower.hits.n, 1);
    assert.equal(leader.hits.n, 1, "sent once to the leader");
  });

  it("does not resend a request that reached a leader and was refused", async () => {
    const leader = await server(() => ({ status: 409, body: { code: "BAD_NONCE", message: "used" } }));
    const other = await server(() => ({ status: 200, body: {} }));
    const api = new ApiClient(`${leader.url},${other.url}`);
    await assert.rejects(
      api.post("/orders", {}),
      (e: unknown) => e instanceof ApiError && e.code === "BAD_NONCE",
    );
    assert.equal(leader.hits.n, 1);
    assert.equal(other.hits.n, 0);
  });

  it("gives up after failoverMs when no endpoint leads", async () => {
    const follower = await server(() => ({
      status: 503,
      body: { code: "NOT_LEADER", message: "f", details: {} },
    }));
    const api = new ApiClient([follower.url], { failoverMs: 300 });
    const t0 = Date.now();
    await assert.rejects(api.post("/orders", {}), { code: "NOT_LEADER" });
    assert.ok(Date.now() - t0 >= 300);
    assert.ok(follower.hits.n >= 2, "kept asking while the takeover could still happen");
  });

  it("rejects an empty endpoint list with a clear error", () => {
    assert.throws(() => new ApiClient(" , "), /at least one endpoint/);
  });
});
