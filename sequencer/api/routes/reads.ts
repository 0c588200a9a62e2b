import type { FastifyInstance } from "fastify";
import { toJsonSafe } from "../../codec.ts";
import { admissionView } from "../admission-view.ts";
import { NotFoundError } from "../http-errors.ts";
import { parseUrlInput } from "../params.ts";
import { batchParam, bookQuery, idParam, keyQuery, ledgerQuery } from "../schemas.ts";
import type { ApiDeps } from "../server.ts";

export function registerReadRoutes(app: FastifyInstance, d: ApiDeps): void {
  const { sequencer } = d;

  app.get("/health", async () => ({ ok: true, lanes: sequencer.lanes.size }));

  app.get("/state", async () =>
    toJsonSafe({
      // Leader or follower of the replicated log, and the leadership epoch (docs/REPLICATION.md).
      role: sequencer.role,
      epoch: sequencer.epoch,
      stateRoot: d.status.stateRoot(),
      lastSealedBatch: sequencer.lastSealed?.batchNumber ?? 0n,
      lastProvenBatch: d.status.lastProvenBatch(),
      lastVerifiedBatch: d.status.lastVerifiedBatch(),
      openBatch: sequencer.openBatchNumber,
      openBatchTxs: sequencer.openBatchTxCount,
      depositsSeen: sequencer.depositsSeen,
      lanes: sequencer.lanes.size,
      accounts: sequencer.engine.accountCount(),
      liquidationLane: sequencer.laneOn,
      // Backpressure (docs/LANE.md): the backlog, its limit, and the finality bound it gives.
      ...(sequencer.admission ? { admission: admissionView(sequencer.admission) } : {}),
    }),
  );

  // What a chaos run or an operator checks after a fault (SPEC.md "The conserved quantity"): the cash
  // total that only deposits and withdrawals move, Σ size per market, and the engine's own index check.
  app.get("/audit", async () =>
    toJsonSafe({
      role: sequencer.role,
      epoch: sequencer.epoch,
      nextSeq: sequencer.nextSeq,
      conservedTotal: sequencer.engine.conservedTotal(),
      depositsApplied: sequencer.depositsSeen,
      sizeSums: sequencer.engine.sizeSums(),
      indexProblems: sequencer.engine.selfCheck(),
    }),
  );

  // Clients know their key, not their id (ids are given out in L1 deposit order).
  app.get("/accounts", async (req) => {
    const q = parseUrlInput(keyQuery, req.query, "query");
    const id = sequencer.engine.accountIdByKey(q.pubKeyX, q.pubKeyY);
    if (id === undefined)
      throw new NotFoundError("UNKNOWN_ACCOUNT", "no account has this key; deposit on L1 first");
    return toJsonSafe({ id, leaf: sequencer.engine.account(id) });
  });

  app.get("/accounts/:id", async (req) => {
    const { id } = parseUrlInput(idParam, req.params, "path");
    if (id >= sequencer.engine.accountCount()) {
      throw new NotFoundError("UNKNOWN_ACCOUNT", `account ${id} does not exist`, { details: { id } });
    }
    return toJsonSafe({ id, leaf: sequencer.engine.account(id), ...sequencer.engine.accountView(id) });
  });

  app.get("/markets/:id/book", async (req) => {
    const { id } = parseUrlInput(idParam, req.params, "path");
    const { depth } = parseUrlInput(bookQuery, req.query, "query");
    if (id >= sequencer.engine.markets().length) {
      throw new NotFoundError("UNKNOWN_MARKET", `market ${id} does not exist`, { details: { id } });
    }
    return toJsonSafe({ ...sequencer.engine.book(id, depth), market: sequencer.engine.markets()[id] });
  });

  // The execution-quality ledger (one record per liquidation event) with the vault's and fund's state,
  // so a load-tester can watch a cascade from outside. `from` pages through it.
  app.get("/liquidations", async (req) => {
    const q = parseUrlInput(ledgerQuery, req.query, "query");
    const all = sequencer.engine.ledger();
    return toJsonSafe({
      total: all.length,
      records: all.slice(q.from, q.from + q.limit),
      open: sequencer.engine.liquidationsInProgress(),
      zombies: sequencer.engine.zombies(),
      vault: sequencer.engine.vaultReport(),
      insuranceFund: sequencer.engine.global().insuranceFund,
    });
  });

  app.get("/batches/:n", async (req) => {
    const { n } = parseUrlInput(batchParam, req.params, "path");
    const rec = await sequencer.batches.get(n);
    if (!rec)
      throw new NotFoundError("NOT_FOUND", `batch ${n} is not sealed yet`, {
        details: { batch: n.toString() },
      });
    const { input: _input, ...rest } = rec;
    return toJsonSafe(rest);
  });

  app.get("/metrics", async (_req, reply) => {
    void reply.header("content-type", d.registry.contentType);
    return d.registry.metrics();
  });
}
