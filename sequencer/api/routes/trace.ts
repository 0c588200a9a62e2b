import type { FastifyInstance } from "fastify";
import type { BatchRecord } from "../../batches/batch-record.ts";
import { toJsonSafe } from "../../codec.ts";
import { parseUrlInput } from "../params.ts";
import { traceQuery } from "../schemas.ts";
import type { ApiDeps } from "../server.ts";

/**
 * `GET /trace?fromSeq=S&limit=L`: applied txs from sequence number S on, each with its own stages
 * (received, applied, acked) and its batch's (sealed, provingStarted, proven, submitted, verified), all
 * from the sequencer's records and clock. A liquidation carries its trigger. `nextSeq` pages on; the
 * load lab reads the whole run this way.
 */
export function registerTraceRoutes(app: FastifyInstance, d: ApiDeps): void {
  const { sequencer } = d;
  app.get("/trace", async (req) => {
    const q = parseUrlInput(traceQuery, req.query, "query");
    const rows = sequencer.trace.since(q.fromSeq, q.limit);
    const batches = new Map<bigint, BatchRecord["times"] | undefined>();
    for (const r of rows) {
      if (!batches.has(r.batch)) batches.set(r.batch, (await sequencer.batches.get(r.batch))?.times);
    }
    const last = rows.at(-1);
    return toJsonSafe({
      rows: rows.map((r) => ({ ...r, batchTimes: batches.get(r.batch) ?? null })),
      nextSeq: last ? last.seq + 1n : q.fromSeq,
      traced: sequencer.trace.size,
    });
  });
}
