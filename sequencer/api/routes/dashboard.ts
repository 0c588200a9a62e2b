/**
 * The live ops dashboard (docs/DASHBOARD.md):
 * - `GET /dashboard`: the page (preact + htm, no build step);
 * - `GET /dashboard/assets/<name>`: its files, from a fixed allow-list (assets.ts), all local;
 * - `GET /dashboard/snapshot`: the snapshot as JSON;
 * - `GET /dashboard/events`: server-sent events, one `snapshot` on connect and one per tick after.
 */
import type { FastifyInstance } from "fastify";
import { readAsset, readIndex } from "../dashboard/assets.ts";
import { DashboardFeed } from "../dashboard/feed.ts";
import { buildSnapshot } from "../dashboard/snapshot.ts";
import { NotFoundError } from "../http-errors.ts";
import type { ApiDeps } from "../server.ts";

/** Tells EventSource how long to wait before it reconnects after the stream drops. */
const RETRY_MS = 1_000;
/**
 * A client that stopped reading (a suspended laptop, a stuck proxy) would have every snapshot buffered
 * for it forever; past this much unsent, its stream is ended and its browser reconnects when it can.
 */
const MAX_UNSENT_BYTES = 4 * 1024 * 1024;

export function registerDashboardRoutes(app: FastifyInstance, d: ApiDeps): void {
  const build = () =>
    buildSnapshot({
      sequencer: d.sequencer,
      status: d.status,
      registry: d.registry,
      sources: d.dashboard,
      ...(d.now ? { now: d.now } : {}),
    });
  const feed = new DashboardFeed({ build, everyMs: d.dashboardEveryMs ?? 750 });
  const streams = new Set<() => void>();

  app.get("/dashboard", async (_req, reply) => {
    void reply.header("content-type", "text/html; charset=utf-8").header("cache-control", "no-cache");
    return readIndex();
  });

  app.get<{ Params: { name: string } }>("/dashboard/assets/:name", async (req, reply) => {
    const a = await readAsset(req.params.name);
    if (!a)
      throw new NotFoundError(
        "UNKNOWN_ASSET",
        `the dashboard has no asset named ${JSON.stringify(req.params.name)}`,
        {
          details: { name: req.params.name },
        },
      );
    void reply.header("content-type", a.contentType).header("cache-control", "no-cache");
    return a.body;
  });

  app.get("/dashboard/snapshot", async () => build());

  app.get("/dashboard/events", (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      // A proxy in front must not buffer the stream.
      "x-accel-buffering": "no",
    });
    res.write(`retry: ${RETRY_MS}\n\n`);
    const unsubscribe = feed.subscribe((json) => {
      if (res.writableLength > MAX_UNSENT_BYTES) end();
      else res.write(`event: snapshot\ndata: ${json}\n\n`);
    });
    function end() {
      unsubscribe();
      streams.delete(end);
      if (!res.writableEnded) res.end();
    }
    streams.add(end);
    req.raw.on("close", end);
  });

  // Open streams would keep app.close() waiting forever: end them first (the page reconnects).
  app.addHook("preClose", async () => {
    for (const end of [...streams]) end();
    feed.stop();
  });
}
