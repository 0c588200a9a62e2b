/**
 * `npm run chaos -- --faults kill-leader,restart-redis --minutes N --report FILE`: starts its own
 * devnet (a leader and a standby on the replicated log, supervised, a private Redis, Anvil on a state
 * file), runs a steady signed order load against it, injects each fault at a seeded time, waits for
 * recovery and checks the invariants after each (node/chaos/invariants.ts), then writes FILE (JSON)
 * and FILE.html. Exits 1 if any invariant failed or an acknowledged order was lost.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { devnetTarget } from "../node/chaos/devnet-target.ts";
import { ChaosLoad } from "../node/chaos/load.ts";
import { FAULT_KINDS, parseFaults, scheduleFaults } from "../node/chaos/plan.ts";
import { writeChaosReport } from "../node/chaos/report.ts";
import { runChaos } from "../node/chaos/run.ts";
import { fundTraders } from "../node/chaos/traders.ts";
import { ApiClient } from "../node/client/api-client.ts";
import { startDevnet } from "../node/devnet/devnet.ts";
import { commitInfo, machineInfo } from "../node/loadlab/write-report.ts";
import { devKey } from "../sequencer/crypto/keys.ts";

const program = new Command()
  .name("chaos")
  .description("Inject faults into a devnet under load and check the rollup's invariants after each")
  .requiredOption("--faults <list>", `comma-separated: ${FAULT_KINDS.join(", ")}`)
  .option("--minutes <n>", "length of the load", "5")
  .option("--report <file>", "report path (.json; the .html goes beside it)", "out/chaos/report.json")
  .option("--seed <s>", "fault times are drawn from this seed", "chaos")
  .option("--instance <name>", "circuit instance", "small")
  .option("--provers <n>", "prover workers", "1")
  .option("--rate <n>", "orders a second over all traders", "10")
  .option("--traders <n>", "load traders", "4")
  .option("--recovery-s <n>", "longest wait for recovery after a fault", "120")
  .option("--dir <dir>", "the devnet's dir (default: a new temp dir)");
program.parse();
const o = program.opts<{
  faults: string;
  minutes: string;
  report: string;
  seed: string;
  instance: string;
  provers: string;
  rate: string;
  traders: string;
  recoveryS: string;
  dir?: string;
}>();

const t0 = Date.now();
const say = (m: string) => console.log(`[chaos ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
let kinds: ReturnType<typeof parseFaults>;
try {
  kinds = parseFaults(o.faults);
} catch (err) {
  console.error(`[chaos] ${(err as Error).message}`);
  process.exit(2);
}
const runMs = Math.round(Number(o.minutes) * 60_000);
const schedule = scheduleFaults(kinds, runMs, o.seed);
const dir = o.dir ?? mkdtempSync(join(tmpdir(), "zk-chaos-"));
say(
  `devnet in ${dir}; faults at ${schedule.map((f) => `${f.kind}@${(f.atMs / 1000).toFixed(0)}s`).join(", ")}`,
);

const devnet = await startDevnet({
  instance: o.instance,
  dir,
  redisUrl: "redis://127.0.0.1:6379",
  provers: Number(o.provers),
  keeper: false,
  batchMaxWaitMs: 1000,
  echo: false,
  supervise: true,
  standby: true,
  privateRedis: true,
  backoff: { initialMs: 100, maxMs: 2_000 },
  // A wider finality target than the default admits a real load on a small box; a dropped batch tx is
  // noticed after 8 s and sent again.
  sequencerEnv: { L1_RECEIPT_TIMEOUT_MS: "8000", LIQ_TARGET_MS: "20000" },
  onProgress: (m) => say(`devnet: ${m}`),
  onFatal: (err) => {
    console.error(`[chaos] the devnet stopped itself: ${String(err)}`);
    process.exit(1);
  },
});
let failed = true;
try {
  say("funding the load's traders on L1");
  const traders = await fundTraders(devnet.info, Number(o.traders), o.seed);
  const api = new ApiClient(
    devnet.sequencers.map((s) => s.apiUrl),
    { overloadRetryMs: 0, timeoutMs: 5_000 },
  );
  const load = new ChaosLoad(api, traders, {
    ratePerS: Number(o.rate),
    marketId: 0,
    price: 60_000_000n,
    keeperPrv: devKey(devnet.info.keeperSeed).prv,
  });
  const result = await runChaos({
    target: devnetTarget(devnet),
    load,
    api,
    schedule,
    runMs,
    recoveryLimitMs: Number(o.recoveryS) * 1000,
    onProgress: say,
  });
  const report = {
    ...result,
    settings: { ...o, schedule, restarts: devnet.restarts() },
    commit: commitInfo().sha,
    machine: `${machineInfo().cpuModel}, ${machineInfo().cores} cores`,
  };
  const files = writeChaosReport(o.report, report);
  const bad = [...result.faults.flatMap((f) => f.invariants), ...result.final].filter((i) => !i.ok);
  const unrecovered = result.faults.filter((f) => f.recoveredMs === undefined);
  say(
    `acked ${result.ackedTotal}, lost ${result.lostTotal}, takeovers ${result.takeoverMs.map((t) => `${(t / 1000).toFixed(1)} s`).join(", ") || "—"}; ` +
      `${bad.length} invariant failures, ${unrecovered.length} faults without recovery`,
  );
  for (const b of bad) say(`  ✗ ${b.name}: ${b.detail}`);
  say(`report: ${files.json} and ${files.html}`);
  failed = bad.length > 0 || result.lostTotal > 0 || unrecovered.length > 0;
} finally {
  await devnet.stop();
}
process.exit(failed ? 1 : 0);
