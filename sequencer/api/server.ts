import Fastify, { type FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import type { VerifyPool } from "../crypto/verify-pool.ts";
import type { Sequencer } from "../sequencer.ts";
import type { DashboardSources } from "./dashboard/types.ts";
import { toHttpError } from "./http-errors.ts";
import { retryAfterS } from "./retry-after.ts";
import { registerDashboardRoutes } from "./routes/dashboard.ts";
import { registerOrderStream } from "./routes/order-stream.ts";
import { registerReadRoutes } from "./routes/reads.ts";
import { registerTraceRoutes } from "./routes/trace.ts";
import { registerWriteRoutes } from "./routes/writes.ts";

export interface PipelineStatus {
  stateRoot: () => bigint;
  lastProvenBatch: () => bigint;
  lastVerifiedBatch: () => bigint;
}

export interface ApiDeps {
  sequencer: Sequencer;
  keeperPubKey: readonly [bigint, bigint];
  registry: Registry;
  status: PipelineStatus;
  /** The sequencer's clock (ms): stamps receive times on prices. Default Date.now. */
  now?: () => number;
  /** Signature checks in worker threads; unset = in the request's thread (verifyMessage). */
  verifyPool?: VerifyPool;
  /** What the dashboard shows beyond the sequencer: provers, proof queue, L1, leadership. Unset: shown as not wired. */
  dashboard?: DashboardSources;
  /** How often GET /dashboard/events sends a snapshot (ms). Default 750. */
  dashboardEveryMs?: number;
}

/** The sequencer's HTTP API, and the order-entry WebSocket at /ws/orders. Every error leaves as `{code, message, details}` with a 4xx/5xx. */
export function buildServer(deps: ApiDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.setErrorHandler((err, _req, reply) => {
    const { status, body } = toHttpError(err);
    // A shed request says when to come back: the provers' estimate, or a second for a full queue.
    if (body.code === "OVERLOADED") void reply.header("retry-after", String(retryAfterS(err)));
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ code: "NOT_FOUND", message: `no route ${req.method} ${req.url}` });
  });
  registerReadRoutes(app, deps);
  registerTraceRoutes(app, deps);
  registerWriteRoutes(app, deps);
  registerOrderStream(app, deps);
  registerDashboardRoutes(app, deps);
  return app;
}
