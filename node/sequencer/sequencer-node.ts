import { Level } from "level";
import type { Logger } from "pino";
import { loadInstance } from "../../circuits/compile.ts";
import { ConfigError } from "../../core/config.ts";
import { loadArtifacts } from "../../prover/artifacts.ts";
import { ProofQueue } from "../../prover/queue.ts";
import { buildServer } from "../../sequencer/api/server.ts";
import { warmUpCrypto } from "../../sequencer/crypto/keys.ts";
import { VerifyPool } from "../../sequencer/crypto/verify-pool.ts";
import { ProvingCapacity } from "../../sequencer/mempool/admission.ts";
import { Sequencer } from "../../sequencer/sequencer.ts";
import { sequencerGenesis } from "../genesis.ts";
import { createL1Clients } from "../l1/clients.ts";
import { checkDeployedGenesis } from "../l1/genesis-check.ts";
import { rollupAbi } from "../l1/rollup-abi.ts";
import { BatchPipeline } from "./batch-pipeline.ts";
import type { SequencerConfig } from "./config.ts";
import { dashboardSources } from "./dashboard-sources.ts";
import { createMetrics } from "./metrics.ts";
import { PriorityWatcher } from "./priority-watcher.ts";
import { connectProofJobs } from "./proof-jobs.ts";
import { ProofReconciler } from "./proof-reconciler.ts";
import { defaultLogName, ReplicatedRole } from "./replication.ts";
import { seedFromL1 } from "./seed-from-l1.ts";
import { L1Submitter } from "./submitter.ts";
import { DepositWatcher } from "./watcher.ts";

export interface SequencerNode {
  url: string;
  sequencer: Sequencer;
  /**
   * Resolves (with why) when this process must not go on: its sequencer stopped for good, or, on the
   * replicated log, it lost the lease or was fenced. The entry point exits; the supervisor restarts it.
   */
  ended: Promise<string>;
  stop(): Promise<void>;
}

/**
 * Wires one sequencer process: WAL replay → engine and tree, HTTP API, the deposit and priority
 * watchers feeding L1 deposits and forced requests in, sealed batches out to the prove queue, proofs back in, and the L1 submitter.
 */
export async function startSequencerNode(cfg: SequencerConfig, log: Logger): Promise<SequencerNode> {
  const inst = loadInstance(cfg.CIRCUIT_INSTANCE);
  if (inst.circuit !== "batch2")
    throw new ConfigError(
      "CONFIG_V1_INSTANCE",
      `instance "${inst.name}" is a v1 circuit instance, kept for the v1 circuit tests; the sequencer proves Batch2 (tiny, trace, default)`,
      { details: { instance: inst.name } },
    );
  const artifacts = loadArtifacts(inst.name, { buildRoot: cfg.BUILD_ROOT });
  const metrics = createMetrics();
  const cryptoBackend = warmUpCrypto({ backend: cfg.CRYPTO, nativeKeyTables: cfg.SIG_KEY_TABLES });
  // After warmUpCrypto: the workers use the addon this thread loaded and set up.
  const verifyPool = new VerifyPool(cfg.VERIFY_THREADS === undefined ? {} : { threads: cfg.VERIFY_THREADS });

  const db = new Level<string, Buffer>(cfg.DATA_DIR, { valueEncoding: "buffer" });
  await db.open();
  // The proof's state is derived data: the sequencer rebuilds it from the WAL at start.
  const { genesis, keeperPubKey } = sequencerGenesis(inst, {
    backstopSeed: cfg.BACKSTOP_SEED,
    keeperSeed: cfg.KEEPER_SEED,
    reservedForLiquidations: cfg.LIQ_RESERVED_SLOTS,
    riskPolicy: cfg.RISK_POLICY,
  });

  // Before the WAL is replayed or anything is queued: this config must describe the deployed genesis.
  try {
    await verifyPool.ready();
    await checkDeployedGenesis({
      rpcUrl: cfg.L1_RPC_URL,
      rollupAddress: cfg.ROLLUP_ADDRESS as `0x${string}`,
      genesisRoot: genesis.root,
      accountsDepth: inst.D,
      markets: inst.M,
      keeperPubKey,
    });
  } catch (err) {
    await verifyPool.close();
    await db.close();
    throw err;
  }

  if (cfg.FROM_L1 === "on") {
    await seedFromL1({
      rpcUrl: cfg.L1_RPC_URL,
      rollup: cfg.ROLLUP_ADDRESS as `0x${string}`,
      instance: inst.name,
      db,
      engine: genesis.engine,
      chain: genesis.chain,
      fingerprint: genesis.fingerprint,
      log,
    });
  }

  // One clock for the sequencer and the API, so batch timers and price receive times agree.
  const clock = Date.now;
  const laneOn = cfg.LIQUIDATION_LANE === "on";
  const admissionSettings = {
    targetMs: cfg.LIQ_TARGET_MS,
    sealWaitMs: cfg.BATCH_MAX_WAIT_MS,
    initialProofMs: cfg.PROOF_MS_ESTIMATE,
    initialL1Ms: cfg.L1_MS_ESTIMATE,
    initialTxPerBatch: Math.max(1, inst.T - cfg.LIQ_RESERVED_SLOTS),
  };
  const capacity = new ProvingCapacity(admissionSettings);
  // Needs the sequencer's batch store, so it is made just after; admission reads it only once started.
  let pipeline!: BatchPipeline;
  const publicUrl = cfg.PUBLIC_URL ?? `http://${cfg.API_HOST}:${cfg.API_PORT}`;
  const replication =
    cfg.REPLICATION === "jetstream"
      ? await ReplicatedRole.open(
          {
            natsUrls: cfg.NATS_URLS.split(",").map((u) => u.trim()),
            name: cfg.LOG_NAME ?? defaultLogName(cfg.ROLLUP_ADDRESS),
            replicas: cfg.LOG_REPLICAS,
            leaseTtlMs: cfg.LEASE_TTL_MS,
            nodeId: cfg.NODE_ID ?? `node-${cfg.API_PORT}`,
            url: publicUrl,
            log,
          },
          db,
        )
      : undefined;
  const sequencer = new Sequencer({
    db,
    ...(replication ? { replica: replication.replica } : {}),
    engine: genesis.engine,
    chain: genesis.chain,
    instance: inst,
    reservedForLiquidations: cfg.LIQ_RESERVED_SLOTS,
    fingerprint: genesis.fingerprint,
    maxBatchWaitMs: cfg.BATCH_MAX_WAIT_MS,
    maxPriceOnlyWaitMs: cfg.PRICE_BATCH_WAIT_MS,
    urgentPriceMoveBps: cfg.URGENT_PRICE_MOVE_BPS,
    maxNormalQueue: cfg.MAX_NORMAL_QUEUE,
    treeDeferMs: cfg.TREE_DEFER_MS,
    sweepIntervalMs: cfg.SWEEP_INTERVAL_MS,
    snapshotEveryBatches: cfg.SNAPSHOT_EVERY_BATCHES,
    liquidationLane: laneOn,
    ...(cfg.BACKPRESSURE === "on"
      ? { backpressure: { settings: admissionSettings, capacity, provenThrough: () => pipeline.lastProven } }
      : {}),
    clock,
    log,
  });
  const proofs = new ProofQueue({
    redisUrl: cfg.REDIS_URL,
    queueName: cfg.PROVE_QUEUE,
    instance: inst.name,
    circuitHash: artifacts.manifest.hash,
    samePriority: !laneOn,
  });

  pipeline = new BatchPipeline({ batches: sequencer.batches, metrics, capacity, log });
  sequencer.on("sealed", connectProofJobs(proofs, pipeline, log));
  sequencer.on("applied", ({ tx, lane, queuedMs }) => {
    metrics.txs.inc({ kind: tx.kind, lane, result: "ok", code: "" });
    metrics.laneWait.observe({ lane }, queuedMs);
  });
  sequencer.on("rejected", ({ tx, lane, code }) =>
    metrics.txs.inc({ kind: tx.kind, lane, result: "rejected", code }),
  );

  let end!: (why: string) => void;
  const ended = new Promise<string>((r) => {
    end = r;
  });
  sequencer.on("fatal", (err) => end(`the sequencer stopped: ${String(err)}`));

  // Every node rebuilds from its own WAL first; a standby then follows the replicated log.
  const started = await sequencer.follow();
  log.info({ cryptoBackend }, "signature checks and Poseidon run on this backend");
  log.info(
    { replayed: started.replayed, batches: started.batches.toString() },
    "state rebuilt from the write-ahead log",
  );
  if (replication) sequencer.leaderHint = () => replication.leaderUrl();

  const submitter = new L1Submitter({
    rpcUrl: cfg.L1_RPC_URL,
    operatorKey: cfg.OPERATOR_KEY as `0x${string}`,
    rollupAddress: cfg.ROLLUP_ADDRESS as `0x${string}`,
    pollMs: cfg.L1_POLL_MS,
    receiptTimeoutMs: cfg.L1_RECEIPT_TIMEOUT_MS,
    getProven: (n) => pipeline.provenBatch(n),
    onEvent: (e) => pipeline.onSubmitterEvent(e),
  });
  // Redis may restart empty or miss an event: the batch store, not Redis, says what still needs a proof.
  const reconciler = new ProofReconciler({
    proofs,
    batch: (n) => sequencer.batches.get(n),
    provenThrough: () => pipeline.lastProven,
    lastSealed: () => sequencer.lastSealed?.batchNumber ?? 0n,
    onProof: (n, res) => pipeline.proven(n, res),
    everyMs: cfg.PROOF_RECONCILE_MS,
    log,
  });
  let watcher: DepositWatcher | undefined;
  let priorityWatcher: PriorityWatcher | undefined;

  /**
   * What only the leader runs: L1 in (deposits, priority requests) and out (batches), and the proof
   * backlog's upkeep.
   */
  const lead = async () => {
    await pipeline.advanceProven();
    // L1 is the judge: batches it verified while this process was down are verified here too.
    await pipeline.restoreVerified(
      await createL1Clients({ rpcUrl: cfg.L1_RPC_URL }).publicClient.readContract({
        address: cfg.ROLLUP_ADDRESS as `0x${string}`,
        abi: rollupAbi,
        functionName: "lastVerifiedBatch",
      }),
    );
    submitter.start();
    watcher = new DepositWatcher({
      rpcUrl: cfg.L1_RPC_URL,
      rollupAddress: cfg.ROLLUP_ADDRESS as `0x${string}`,
      fromIndex: sequencer.depositsSeen,
      pollMs: cfg.L1_POLL_MS,
      onDeposit: (d) => sequencer.submitDeposit(d),
    });
    watcher.start();
    priorityWatcher = new PriorityWatcher({
      rpcUrl: cfg.L1_RPC_URL,
      rollupAddress: cfg.ROLLUP_ADDRESS as `0x${string}`,
      fromIndex: sequencer.prioritySeen,
      pollMs: cfg.L1_POLL_MS,
      onRequest: async (r) => {
        const served = await sequencer.submitForced(r);
        if (served)
          log.info(
            {
              priorityIndex: r.priorityIndex.toString(),
              request: r.request,
              accountId: r.accountId,
              applied: served.applied,
              paid: served.paid.toString(),
              cancelled: served.cancelledOrderIds.length,
              deadlineBlock: r.deadlineBlock.toString(),
            },
            "served an L1 priority request",
          );
      },
      onError: (err) => log.warn({ err: String(err) }, "priority request not served yet; retrying"),
    });
    priorityWatcher.start();
    reconciler.start();
    // A new leader re-enqueues at once what the old one left unproven (job ids dedupe the rest).
    void reconciler.tick().catch((err) => log.warn({ err: String(err) }, "first proof reconcile failed"));
  };

  const depthTimer = setInterval(() => {
    const s = sequencer.lanes.size;
    metrics.laneDepth.set({ lane: "liquidation" }, s.liquidation);
    metrics.laneDepth.set({ lane: "normal" }, s.normal);
    void proofs
      .depth()
      .then((c) => {
        for (const [state, n] of Object.entries(c)) metrics.proveJobs.set({ state }, n);
      })
      .catch(() => {});
    // Proofs run in parallel across the workers connected now; the admission rule scales with them.
    void proofs
      .workers()
      .then((n) => capacity.setProvers(n))
      .catch(() => {});
  }, 1000);

  // A single sequencer leads before its API answers, so the first request it sees is taken.
  if (!replication) {
    await sequencer.lead(0);
    await lead();
  }

  const app = buildServer({
    sequencer,
    now: clock,
    keeperPubKey,
    registry: metrics.registry,
    verifyPool,
    status: {
      stateRoot: () => sequencer.stateRoot,
      lastProvenBatch: () => pipeline.lastProven,
      lastVerifiedBatch: () => pipeline.lastVerified,
    },
    dashboard: dashboardSources({
      proofs,
      rpcUrl: cfg.L1_RPC_URL,
      rollupAddress: cfg.ROLLUP_ADDRESS as `0x${string}`,
      peerUrls: (cfg.PEER_URLS ?? "")
        .split(",")
        .map((u) => u.trim().replace(/\/+$/, ""))
        .filter((u) => u.length > 0),
      leadership: () => ({
        mode: replication ? "replicated" : "single",
        nodeId: cfg.NODE_ID ?? `node-${cfg.API_PORT}`,
        url: publicUrl,
        // A single sequencer always leads; on the replicated log the lease names the leader.
        leaderUrl: replication ? replication.leaderUrl() : publicUrl,
      }),
    }),
  });
  const url = await app.listen({ host: cfg.API_HOST, port: cfg.API_PORT });

  if (replication) {
    // Reads are served while following; writes get NOT_LEADER with the leader's URL.
    log.info({ url: publicUrl }, "following the replicated log; taking over when the leader's lease lapses");
    replication
      .run(sequencer, lead, (why) => end(why))
      .catch((err) => end(`replication failed: ${String(err)}`));
  }

  return {
    url,
    sequencer,
    ended,
    async stop() {
      clearInterval(depthTimer);
      reconciler.stop();
      await app.close();
      await watcher?.stop();
      await priorityWatcher?.stop();
      await submitter.stop();
      await replication?.stop();
      await sequencer.stop();
      await verifyPool.close();
      await proofs.close();
      await db.close();
    },
  };
}
