/**
 * `npm run devnet`: builds what is missing (circuit, dev setup, contracts), starts Anvil, Redis (if
 * none answers), the sequencer, prover workers and the oracle keeper, writes .devnet/devnet.json and
 * runs until Ctrl-C, which stops every child. A crashed child is restarted with backoff; the children
 * die with this process however it dies; a second run goes on with the same L1 unless --fresh
 * (docs/DEVNET.md).
 */
import { Command } from "commander";
import { DEFAULT_DEVNET_DIR, startDevnet } from "../node/devnet/devnet.ts";

const program = new Command()
  .name("devnet")
  .description("Run the zk perps rollup locally")
  .option(
    "--instance <name>",
    "Batch2 circuit instance from circuits/batch2.json (tiny, trace, default)",
    "default",
  )
  .option("--provers <n>", "prover worker processes", "1")
  .option("--ptau <file>", "use a real powers-of-tau file instead of the insecure dev setup")
  .option("--api-port <port>", "sequencer HTTP port", "8080")
  .option("--anvil-port <port>", "Anvil JSON-RPC port", "8545")
  .option("--batch-wait-ms <ms>", "seal a non-empty batch after this long", "2000")
  .option("--no-keeper", "do not start the oracle keeper")
  .option(
    "--no-liquidation-lane",
    "lane-off baseline: one FIFO, no reserved slots, no backpressure, one proof priority (docs/LANE.md)",
  )
  .option("--no-backpressure", "admit normal orders whatever the unproven backlog")
  .option("--liq-target-ms <ms>", "liquidation trigger → L1-verified target; 0 = twice the idle value", "0")
  .option("--fresh", "deploy a new L1 and start the sequencer from genesis (default: go on with --dir's)")
  .option(
    "--from-l1",
    "keep --dir's L1 but drop the sequencer's data and rebuild it from the Rollup's calldata alone (npm run reconstruct)",
  )
  .option("--no-supervise", "do not restart crashed children")
  .option(
    "--standby",
    "a leader and a hot standby on a replicated log (3 nats-server members with JetStream; docs/REPLICATION.md)",
  )
  .option("--quiet", "do not mirror child process logs (they are in .devnet/*.log)")
  .option("--dir <dir>", "where devnet.json, logs and the sequencer data go", DEFAULT_DEVNET_DIR);
program.parse();
const opts = program.opts<{
  instance: string;
  provers: string;
  ptau?: string;
  apiPort: string;
  anvilPort: string;
  batchWaitMs: string;
  keeper: boolean;
  liquidationLane: boolean;
  backpressure: boolean;
  liqTargetMs: string;
  quiet?: boolean;
  fresh?: boolean;
  fromL1?: boolean;
  supervise: boolean;
  standby?: boolean;
  dir: string;
}>();

const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
try {
  const devnet = await startDevnet({
    instance: opts.instance,
    dir: opts.dir,
    redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    apiPort: Number(opts.apiPort),
    anvilPort: Number(opts.anvilPort),
    provers: Number(opts.provers),
    keeper: opts.keeper,
    ...(opts.ptau ? { ptau: opts.ptau } : {}),
    batchMaxWaitMs: Number(opts.batchWaitMs),
    sequencerEnv: {
      LIQUIDATION_LANE: opts.liquidationLane ? "on" : "off",
      BACKPRESSURE: opts.backpressure ? "on" : "off",
      LIQ_TARGET_MS: opts.liqTargetMs,
    },
    echo: !opts.quiet,
    supervise: opts.supervise,
    reuse: !opts.fresh,
    ...(opts.fromL1 ? { fromL1: true } : {}),
    standby: opts.standby === true,
    onProgress: (msg) => console.log(`[devnet ${elapsed()}] ${msg}`),
    onFatal: (err) => {
      const e = err as { code?: string; message?: string };
      console.error(`\n[devnet] STOPPED (${e.code ?? "error"}): ${e.message ?? String(err)}\n`);
      process.exit(1);
    },
  });
  const i = devnet.info;
  console.log(
    `\n[devnet ${elapsed()}] READY  pid=${process.pid}  api=${(i.apiUrls ?? [i.apiUrl]).join(",")}  l1=${i.l1RpcUrl} (chain ${i.chainId})  rollup=${i.rollupAddress}  ` +
      `setup=${i.setupMode}  info=${opts.dir}/devnet.json  — Ctrl-C stops everything\n` +
      `[devnet] dashboard: ${i.apiUrl}/dashboard\n`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log("\n[devnet] stopping…");
    await devnet.stop();
    console.log("[devnet] stopped");
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (err) {
  const e = err as { code?: string; message?: string };
  console.error(`[devnet] failed${e.code ? ` (${e.code})` : ""}: ${e.message ?? String(err)}`);
  process.exit(1);
}
