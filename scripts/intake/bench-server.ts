/**
 * The sequencer API as the devnet runs it (its config defaults: the `default` circuit instance, batch
 * timers, lane sizes, risk policy; a real LevelDB WAL in a temp dir; real signature checks on the
 * native addon in the verify pool), in this process, without L1, Redis or provers.
 *
 * One difference, on purpose: backpressure is off. With no provers nothing is ever proven, so the
 * admission rule would shed everything after a few batches, and what is measured here is intake.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Level } from "level";
import pino from "pino";
import { Registry } from "prom-client";
import type { Batch2Instance } from "../../circuits/batch2-instance.ts";
import { loadInstance } from "../../circuits/compile.ts";
import { buildGenesis2 } from "../../node/genesis.ts";
import { loadSequencerConfig } from "../../node/sequencer/config.ts";
import { buildServer } from "../../sequencer/api/server.ts";
import { signPoseidon } from "../../sequencer/crypto/eddsa.ts";
import { devKey, warmUpCrypto } from "../../sequencer/crypto/keys.ts";
import { VerifyPool } from "../../sequencer/crypto/verify-pool.ts";
import type { EngineTx } from "../../sequencer/engine/types.ts";
import { signedMessageOf } from "../../sequencer/proof/signed-message.ts";
import { Sequencer } from "../../sequencer/sequencer.ts";

export interface BenchServer {
  url: string;
  treeDeferMs: number;
  sequencer: Sequencer;
  pool: VerifyPool;
  cryptoBackend: string;
  instance: Batch2Instance;
  stop(): Promise<void>;
}

export interface BenchServerOptions {
  /** Trader keys to deposit for, in order: deposit i opens account i + 1 (0 is the backstop). */
  traders: readonly (readonly [bigint, bigint])[];
  /** Mark price to post for market 0 before any order (and again every few seconds, as the keeper does). */
  price: bigint;
  /** Verify-pool threads; undefined = one per core. */
  verifyThreads?: number;
  /** Sequencer settings over the devnet's defaults (env names, as .env.example). */
  config?: Record<string, string>;
}

const DUMMY_L1 = {
  L1_RPC_URL: "http://127.0.0.1:1",
  ROLLUP_ADDRESS: `0x${"00".repeat(20)}`,
  OPERATOR_KEY: `0x${"11".repeat(32)}`,
  BACKPRESSURE: "off",
};

export async function startBenchServer(o: BenchServerOptions): Promise<BenchServer> {
  const cfg = loadSequencerConfig({ ...DUMMY_L1, ...o.config });
  const inst = loadInstance(cfg.CIRCUIT_INSTANCE) as Batch2Instance;
  const cryptoBackend = warmUpCrypto({ backend: cfg.CRYPTO, nativeKeyTables: cfg.SIG_KEY_TABLES });
  const dir = mkdtempSync(join(tmpdir(), "bench-intake-"));
  const db = new Level<string, Buffer>(dir, { valueEncoding: "buffer" });
  await db.open();
  const keeper = devKey(cfg.KEEPER_SEED);
  const genesis = buildGenesis2(inst, {
    backstopSeed: cfg.BACKSTOP_SEED,
    keeperPubKey: keeper.pubKey,
    reservedForLiquidations: cfg.LIQ_RESERVED_SLOTS,
    riskPolicy: cfg.RISK_POLICY,
  });
  const sequencer = new Sequencer({
    db,
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
    liquidationLane: cfg.LIQUIDATION_LANE === "on",
    clock: Date.now,
    log: pino({ level: "silent" }),
  });
  await sequencer.start();
  for (const [i, [x, y]] of o.traders.entries())
    await sequencer.submitDeposit({ index: BigInt(i), pubKeyX: x, pubKeyY: y, amount: 10n ** 15n });

  const postPrice = () => {
    const tx: EngineTx = {
      kind: "price",
      marketId: 0,
      price: o.price,
      timestampMs: BigInt(Date.now()),
      nowMs: BigInt(Date.now()),
    };
    return sequencer.submit("liquidation", tx, signPoseidon(keeper.prv, signedMessageOf(tx)!));
  };
  await postPrice();
  // The keeper's tick: index prices go stale after a minute.
  const keeperTimer = setInterval(() => void postPrice().catch(() => {}), 5_000);

  const threads = o.verifyThreads ?? cfg.VERIFY_THREADS;
  const pool = new VerifyPool(threads === undefined ? {} : { threads });
  await pool.ready();
  const app = buildServer({
    sequencer,
    now: Date.now,
    keeperPubKey: keeper.pubKey,
    registry: new Registry(),
    status: { stateRoot: () => sequencer.stateRoot, lastProvenBatch: () => 0n, lastVerifiedBatch: () => 0n },
    verifyPool: pool,
  });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  return {
    url,
    treeDeferMs: cfg.TREE_DEFER_MS,
    sequencer,
    pool,
    cryptoBackend,
    instance: inst,
    async stop() {
      clearInterval(keeperTimer);
      await app.close();
      await pool.close();
      await sequencer.stop();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
