/**
 * The load lab: `npm run loadtest -- --scenario oct11 --minutes 3 --report DIR`.
 *
 * Against a running devnet (started with --no-keeper: the lab posts the index), or with
 * --compare-lane against two fresh devnets it starts itself, lane on and lane off, fed the same tape.
 * Open-loop and pre-signed (see node/loadlab/driver.ts); it stops by itself. Writes report.json,
 * report.html and summary.md into --report DIR and prints the summary.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { DEFAULT_DEVNET_DIR, type DevnetInfo, startDevnet } from "../node/devnet/devnet.ts";
import { runLab } from "../node/loadlab/lab.ts";
import type { LabRun } from "../node/loadlab/report-types.ts";
import { loadScenario, SCENARIOS } from "../node/loadlab/scenarios.ts";
import { buildReport, writeReport } from "../node/loadlab/write-report.ts";

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a whole number, got "${v}"`);
  return n;
};
const num = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got "${v}"`);
  return n;
};

const o = new Command()
  .name("loadtest")
  .description("Drive a devnet with a scenario tape and report liquidation finality, shedding and backlog")
  .option("--scenario <name>", `one of ${SCENARIOS.join(", ")}`, "oct11")
  .option("--tape <file>", "the tape for --scenario tape (npm run gen-tape)")
  .option("--minutes <n>", "tape length for generated scenarios", num, 3)
  .option("--seed <s>", "tape seed", "loadlab")
  .option("--report <dir>", "where report.json, report.html and summary.md go", "loadlab-report")
  .option("--compare-lane", "start two fresh devnets (lane on, lane off) and run the same tape on both")
  .option("--instance <name>", "circuit instance of the devnets --compare-lane starts", "default")
  .option("--provers <n>", "prover workers of the devnets --compare-lane starts", int, 1)
  .option("--max-accounts <n>", "fold the tape's traders onto at most this many accounts", int, 24)
  .option("--idle-probes <n>", "liquidations measured on the quiet system first", int, 3)
  .option("--load-probes <n>", "liquidations of lab probes during the load (at most 4)", int, 3)
  .option("--timeout-ms <ms>", "a request with no answer by then counts as timed out", int, 30_000)
  .option("--drain-s <s>", "how long to wait after the tape for its proofs", int, 300)
  .option("--dir <dir>", "devnet dir holding devnet.json (without --compare-lane)", DEFAULT_DEVNET_DIR)
  .parse()
  .opts<{
    scenario: string;
    tape?: string;
    minutes: number;
    seed: string;
    report: string;
    compareLane?: boolean;
    instance: string;
    provers: number;
    maxAccounts: number;
    idleProbes: number;
    loadProbes: number;
    timeoutMs: number;
    drainS: number;
    dir: string;
  }>();

const say = (m: string) => console.log(`[loadtest] ${m}`);
if (o.loadProbes > 4) {
  console.error("--load-probes is at most 4 (their liquidation prices must stay apart within the mark band)");
  process.exit(2);
}

try {
  const scenario = loadScenario({
    name: o.scenario,
    minutes: o.minutes,
    seed: o.seed,
    ...(o.tape ? { file: o.tape } : {}),
  });
  const common = {
    scenario,
    maxAccounts: o.maxAccounts,
    idleProbes: o.idleProbes,
    loadProbes: o.loadProbes,
    timeoutMs: o.timeoutMs,
    drainMs: o.drainS * 1000,
  };
  const runs: LabRun[] = [];
  let devnetSettings: Record<string, string | number | boolean> = {};
  if (o.compareLane) {
    for (const lane of ["on", "off"] as const) {
      const dir = resolve(o.report, `devnet-lane-${lane}`);
      say(`starting a fresh devnet with the lane ${lane} (${o.instance}, ${o.provers} prover(s))`);
      const dn = await startDevnet({
        instance: o.instance,
        dir,
        redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
        provers: o.provers,
        keeper: false,
        batchMaxWaitMs: 2000,
        echo: false,
        onProgress: (m) => say(`  devnet: ${m}`),
        ...(lane === "off" ? { sequencerEnv: { LIQUIDATION_LANE: "off" } } : {}),
      });
      try {
        const r = await runLab({ ...common, info: dn.info, label: `lane ${lane}`, say });
        runs.push(r.run);
        // The lane-on devnet's admission settings are the ones worth reading; lane off has none.
        if (lane === "on") devnetSettings = { ...r.devnet, liquidationLane: "on vs off" };
      } finally {
        await dn.stop();
      }
    }
  } else {
    const info = JSON.parse(readFileSync(join(o.dir, "devnet.json"), "utf8")) as DevnetInfo;
    const r = await runLab({ ...common, info, label: "run", say });
    r.run.label = r.run.laneOn ? "lane on" : "lane off";
    runs.push(r.run);
    devnetSettings = r.devnet;
  }
  const report = buildReport(
    {
      scenario: o.scenario,
      minutes: o.minutes,
      seed: o.seed,
      ...(o.tape ? { tape: o.tape } : {}),
      maxAccounts: o.maxAccounts,
      compareLane: o.compareLane === true,
      devnet: devnetSettings,
    },
    runs,
  );
  const md = writeReport(o.report, report);
  console.log(`\n${md}`);
  say(`report: ${resolve(o.report, "report.html")}`);
  const unanswered = runs.reduce((n, r) => n + r.requests.unanswered, 0);
  if (unanswered > 0) {
    console.error(`[loadtest] ${unanswered} requests got no answer: that is a defect, see report.json`);
    process.exit(1);
  }
  process.exit(0);
} catch (err) {
  const e = err as { code?: string; message?: string };
  console.error(`[loadtest] ${e.code ? `${e.code}: ` : ""}${e.message ?? String(err)}`);
  process.exit(2);
}
