import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import type { Level } from "level";
import { Registry } from "prom-client";
import { peerView } from "../../../node/sequencer/dashboard-sources.ts";
import { ASSETS } from "../../../sequencer/api/dashboard/assets.ts";
import type { DashboardSnapshot, DashboardSources } from "../../../sequencer/api/dashboard/types.ts";
import { buildServer } from "../../../sequencer/api/server.ts";
import type { Sequencer } from "../../../sequencer/sequencer.ts";
import { openSequencer, tempDirs, UNIT_KEEPER } from "../sequencer/open-sequencer.ts";

const dir = tempDirs(after);

describe("dashboard routes", () => {
  let seq: Sequencer;
  let db: Level<string, Buffer>;
  let app: FastifyInstance;
  let url: string;
  /** Snapshots built so far: each build reads L1 once. */
  let builds = 0;
  const sources: DashboardSources = {
    provers: async () => [],
    proofQueue: async () => ({ states: {}, pending: { liquidation: 0, normal: 0 } }),
    l1: async () => {
      builds++;
      return { stateRoot: "0x00", lastVerifiedBatch: "0", blockNumber: "1" };
    },
    leadership: () => ({ mode: "single", nodeId: "n", url: "u", leaderUrl: "u" }),
    peers: async () => [],
  };

  before(async () => {
    ({ seq, db } = await openSequencer(dir("dash-routes-")));
    await seq.start();
    app = buildServer({
      sequencer: seq,
      keeperPubKey: UNIT_KEEPER.pubKey,
      registry: new Registry(),
      status: { stateRoot: () => 7n, lastProvenBatch: () => 0n, lastVerifiedBatch: () => 0n },
      dashboard: sources,
      dashboardEveryMs: 50,
    });
    url = await app.listen({ host: "127.0.0.1", port: 0 });
  });
  after(async () => {
    await app.close();
    await seq.stop();
    await db.close();
  });

  it("serves the page, which loads its modules only from /dashboard/assets", async () => {
    const res = await app.inject({ url: "/dashboard" });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers["content-type"] as string, /^text\/html/);
    const srcs = [...res.body.matchAll(/(?:src|href)="([^"]+)"/g), ...res.body.matchAll(/": "([^"]+)"/g)].map(
      (m) => m[1]!,
    );
    assert.ok(srcs.length >= 5);
    for (const s of srcs) {
      // An inline data: URL (the empty favicon) fetches nothing.
      if (s.startsWith("data:")) continue;
      assert.match(s, /^\/dashboard\/assets\/[\w.-]+$/, `${s} is local`);
      const name = s.slice("/dashboard/assets/".length);
      assert.ok(Object.hasOwn(ASSETS, name), `${name} is on the allow-list`);
    }
  });

  it("serves every allow-listed asset with its type, and ES modules for the libraries", async () => {
    for (const name of Object.keys(ASSETS)) {
      const res = await app.inject({ url: `/dashboard/assets/${name}` });
      assert.equal(res.statusCode, 200, name);
      assert.match(
        res.headers["content-type"] as string,
        name.endsWith(".css") ? /^text\/css/ : /^text\/javascript/,
      );
      assert.ok(res.body.length > 0, name);
    }
    for (const name of ["preact.mjs", "preact-hooks.mjs", "htm.mjs", "uplot.mjs"]) {
      const body = (await app.inject({ url: `/dashboard/assets/${name}` })).body;
      assert.match(body, /export\s*\{|export default/, `${name} is an ES module`);
    }
  });

  it("answers an unknown or path-traversing asset name with 404 {code, message}", async () => {
    const unknown = await app.inject({ url: "/dashboard/assets/nope.js" });
    assert.equal(unknown.statusCode, 404);
    assert.equal((unknown.json() as { code: string }).code, "UNKNOWN_ASSET");
    for (const path of [
      "/dashboard/assets/nope.js",
      "/dashboard/assets/..%2F..%2Fpackage.json",
      "/dashboard/assets/%2e%2e%2fserver.ts",
      "/dashboard/assets/../../package.json",
      "/dashboard/assets/index.html",
      "/dashboard/assets/constructor",
      "/dashboard/assets/__proto__",
    ]) {
      const res = await fetch(`${url}${path}`);
      assert.equal(res.status, 404, path);
      const body = (await res.json()) as { code: string; message: string };
      assert.ok(body.code === "UNKNOWN_ASSET" || body.code === "NOT_FOUND", `${path}: ${body.code}`);
      assert.equal(typeof body.message, "string");
    }
  });

  it("returns the snapshot as JSON", async () => {
    const res = await app.inject({ url: "/dashboard/snapshot" });
    assert.equal(res.statusCode, 200);
    const snap = res.json() as DashboardSnapshot;
    assert.equal(snap.chain.stateRoot, `0x${"7".padStart(64, "0")}`);
    assert.equal(snap.node.leadership?.nodeId, "n");
    assert.equal(snap.markets.length, 2);
  });

  it("streams a snapshot at once and then every tick, and stops building once the client leaves", async () => {
    const ac = new AbortController();
    const res = await fetch(`${url}/dashboard/events`, { signal: ac.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let text = "";
    const events = () => [...text.matchAll(/event: snapshot\ndata: (.*)\n\n/g)].map((m) => JSON.parse(m[1]!));
    while (events().length < 3) text += dec.decode((await reader.read()).value);
    assert.match(text, /^retry: \d+\n\n/);
    const [first, , third] = events() as DashboardSnapshot[];
    assert.ok(third!.at >= first!.at);
    assert.equal(first!.chain.lastSealedBatch, "0");
    ac.abort();
    await reader.cancel().catch(() => {});
    await new Promise((r) => setTimeout(r, 100));
    const settled = builds;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(builds, settled, "no snapshot built with nobody listening");
  });

  it("reads a peer's role and epoch from its /state, and says why when it cannot", async () => {
    assert.deepEqual(await peerView(url), { url, role: "leader", epoch: 0, error: undefined });
    const gone = await peerView("http://127.0.0.1:1");
    assert.equal(gone.role, undefined);
    assert.ok(gone.error && gone.error.length > 0);
    const notApi = await peerView(`${url}/nope`);
    assert.equal(notApi.error, "HTTP 404");
  });

  it("ends open streams when the server closes, so close() does not hang", async () => {
    const other = buildServer({
      sequencer: seq,
      keeperPubKey: UNIT_KEEPER.pubKey,
      registry: new Registry(),
      status: { stateRoot: () => 0n, lastProvenBatch: () => 0n, lastVerifiedBatch: () => 0n },
      dashboardEveryMs: 50,
    });
    const u = await other.listen({ host: "127.0.0.1", port: 0 });
    const res = await fetch(`${u}/dashboard/events`);
    const reader = res.body!.getReader();
    await reader.read();
    const closed = await Promise.race([
      other.close().then(() => "closed"),
      new Promise((r) => setTimeout(() => r("hung"), 3_000)),
    ]);
    assert.equal(closed, "closed");
    // The stream ended: the client sees its end.
    for (;;) if ((await reader.read()).done) break;
  });
});
