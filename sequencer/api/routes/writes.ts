import type { FastifyInstance } from "fastify";
import { admit, checkOne, type IntakeDeps, prepare, type WriteKind } from "../intake.ts";
import type { ApiDeps } from "../server.ts";

/**
 * `now` is the sequencer's clock (ms). A price is stamped with it on receipt so the engine judges
 * freshness at receive time and a WAL replay judges it the same way. Date.now, like the sequencer's
 * default clock, unless injected.
 */
export type WriteRouteDeps = ApiDeps;

export function intakeDeps(d: ApiDeps): IntakeDeps {
  return { sequencer: d.sequencer, keeperPubKey: d.keeperPubKey, now: d.now ?? Date.now };
}

const ROUTES: Record<string, WriteKind> = {
  "/orders": "order",
  "/cancels": "cancel",
  "/withdrawals": "withdrawal",
  // Between accounts of one key: to fund or drain an isolated sub-account (isolated margin).
  "/transfers": "transfer",
  // Oracle prices share the liquidation lane; only the keeper's key signs them.
  "/prices": "price",
};

/** One signed write per request, through the same admission path as the order-entry WebSocket. */
export function registerWriteRoutes(app: FastifyInstance, d: WriteRouteDeps): void {
  const deps = intakeDeps(d);
  const pool = d.verifyPool;
  for (const [url, kind] of Object.entries(ROUTES)) {
    app.post(url, async (req) => {
      const p = prepare(deps, kind, req.body);
      // With a pool, requests read in the same tick share one batch in the worker threads.
      return admit(deps, p, await checkOne(pool, p));
    });
  }
}
