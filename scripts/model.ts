/**
 * The scale-out model (docs/MODEL.md): a discrete-event simulation of intake → lanes → batcher →
 * proof queue → N provers → L1, calibrated from measured distributions. Its output is a MODEL, not a
 * measurement, and says so.
 *   npm run model -- --scenario oct11 --minutes 2 --provers 1,2,4,8,16,32,64 [--tape FILE] [--calibration FILE] [--json FILE]
 *   npm run model -- calibrate --from-report out/model-1/report.json [--contention-report out/model-2/report.json] --out FILE
 *   npm run model -- validate --report out/model-1/report.json --report out/model-2/report.json [--calibration FILE]
 * Bad input (a missing file, a bad --provers list, an invalid calibration) exits 2 with what to do.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { BaseError } from "../core/errors.ts";
import { REPO_ROOT } from "../core/repo-root.ts";
import type { LabReport } from "../node/loadlab/report-types.ts";
import { loadScenario } from "../node/loadlab/scenarios.ts";
import { machineInfo } from "../node/loadlab/write-report.ts";
import { calibrate } from "../node/model/calibrate.ts";
import { type Calibration, loadCalibration } from "../node/model/calibration.ts";
import { ModelInputError } from "../node/model/errors.ts";
import { measureRedis } from "../node/model/measure-redis.ts";
import { runScale } from "../node/model/run-many.ts";
import { MODEL_LABEL, nextBottleneck, renderTable } from "../node/model/table.ts";
import { compare, renderValidation } from "../node/model/validate.ts";
import { asDelivered, buildWorkload } from "../node/model/workload.ts";

const DEFAULT_CALIBRATION = join(REPO_ROOT, "node/model/calibration/devnet-default.json");

export function parseProvers(s: string): number[] {
  const xs = s.split(",").map((x) => x.trim());
  const ns = xs.map(Number);
  if (xs.length === 0 || ns.some((n, k) => !/^[0-9]+$/.test(xs[k]!) || n < 1 || n > 4096))
    throw new InvalidArgumentError(`"${s}" is not a list of prover counts; give e.g. --provers 1,2,4,8`);
  return ns;
}
const int = (s: string) => {
  if (!/^[0-9]+$/.test(s)) throw new InvalidArgumentError(`"${s}" is not a whole number`);
  return Number(s);
};
const num = (s: string) => {
  const n = Number(s);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`"${s}" is not a non-negative number`);
  return n;
};
const collect = (v: string, prev: string[] = []) => [...prev, v];

function readReport(path: string): LabReport {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ModelInputError(`cannot read the load-lab report ${path}: ${(e as Error).message}`, { path });
  }
  try {
    const r = JSON.parse(text) as LabReport;
    if (r.version !== 1 || !Array.isArray(r.runs) || r.runs.length === 0)
      throw new Error("not a version-1 report with runs");
    return r;
  } catch (e) {
    throw new ModelInputError(`${path} is not a load-lab report.json: ${(e as Error).message}`, { path });
  }
}

function scenarioFor(o: { tape?: string; scenario: string; minutes: number; seed: string }) {
  if (o.tape && !existsSync(o.tape))
    throw new ModelInputError(`no tape at ${o.tape}; make one with npm run gen-tape -- --out FILE`, {
      tape: o.tape,
    });
  return loadScenario(
    o.tape
      ? { name: "tape", file: o.tape, minutes: o.minutes, seed: o.seed }
      : { name: o.scenario, minutes: o.minutes, seed: o.seed },
  );
}

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

const program = new Command("model")
  .description(`${MODEL_LABEL}: the rollup's pipeline at N provers`)
  .exitOverride()
  .configureOutput({ outputError: (s, write) => write(s) });

program
  .command("run", { isDefault: true })
  .description("print the scaling table for each N")
  .option("--tape <file>", "a tape file (npm run gen-tape); else --scenario")
  .option("--scenario <name>", "a load-lab scenario", "oct11")
  .option("--minutes <n>", "tape length of a generated scenario", num, 2)
  .option("--seed <s>", "tape seed (the load lab's default)", "loadlab")
  .option(
    "--max-accounts <n>",
    "fold the tape's traders onto this many accounts (the lab's default)",
    int,
    24,
  )
  .option("--load-probes <n>", "the lab's load probes", int, 3)
  .option("--provers <list>", "prover counts, comma-separated", parseProvers, [1, 2, 4, 8, 16, 32, 64])
  .option(
    "--provers-per-host <k>",
    "provers sharing one host (proof time × the calibrated contention factor)",
    int,
    1,
  )
  .option("--calibration <file>", "calibration JSON", DEFAULT_CALIBRATION)
  .option(
    "--drain-s <s>",
    "after the tape, how long proofs may take before liquidations count as censored",
    int,
    240,
  )
  .option("--model-seed <s>", "seed of the model's random draws", "model")
  .option("--reps <n>", "replications per N (figures are their medians)", int, 11)
  .option(
    "--liq-target-ms <ms>",
    "what-if: LIQ_TARGET_MS instead of the calibrated one (0 = twice the idle time)",
    int,
  )
  .option(
    "--l1-in-flight <k>",
    "what-if: submitBatch transactions in flight at once (the submitter sends 1)",
    int,
  )
  .option(
    "--reference-l1",
    "what-if: land batches in the calibration's reference L1 blocks (gas cap) instead of Anvil's",
  )
  .option("--json <file>", "write the results as JSON")
  .action((o) => {
    const loaded = loadCalibration(o.calibration);
    const cal: Calibration = {
      ...loaded,
      admission: { ...loaded.admission, ...(o.liqTargetMs !== undefined ? { targetMs: o.liqTargetMs } : {}) },
      l1: { ...loaded.l1, ...(o.l1InFlight !== undefined ? { maxInFlight: Math.max(1, o.l1InFlight) } : {}) },
    };
    const scenario = scenarioFor(o);
    const w = buildWorkload(scenario, {
      maxAccounts: o.maxAccounts,
      loadProbes: o.loadProbes,
      triggers: cal.liquidationTriggers,
    });
    const t0 = performance.now();
    const rows = runScale(cal, w, {
      provers: o.provers,
      proversPerHost: o.proversPerHost,
      drainMs: o.drainS * 1000,
      seed: o.modelSeed,
      reps: o.reps,
      ...(o.referenceL1 ? { referenceL1: true } : {}),
    });
    const what = o.tape ? `tape ${o.tape}` : `${o.scenario}, ${o.minutes} min, seed ${o.seed}`;
    console.log(
      renderTable(
        rows.map((r) => r.summary),
        `${what}; ${o.proversPerHost === 1 ? "one prover per host (no contention)" : `${o.proversPerHost} provers per host`}${o.liqTargetMs !== undefined ? `; LIQ_TARGET_MS ${o.liqTargetMs}` : ""}${o.l1InFlight !== undefined ? `; ${o.l1InFlight} L1 txs in flight` : ""}${o.referenceL1 ? `; L1: ${cal.l1.reference.name}` : ""}; medians of ${o.reps} replications`,
      ),
    );
    console.log(
      `calibration: ${o.calibration} (${cal.provenance.date}, commit ${cal.provenance.commit.slice(0, 12)})`,
    );
    if (
      cal.tape.scenario !== (o.tape ? "tape" : o.scenario) ||
      cal.tape.minutes !== o.minutes ||
      cal.tape.seed !== o.seed
    )
      console.log(
        `note: the liquidation triggers come from a ${cal.tape.scenario} ${cal.tape.minutes}-min tape (seed ${cal.tape.seed}); this tape differs`,
      );
    if (w.unmatchedTriggers > 0)
      console.log(`note: ${w.unmatchedTriggers} liquidation trigger groups matched no price of this tape`);
    console.log(
      `model wall time ${((performance.now() - t0) / 1000).toFixed(1)} s; machine load ${loadavg()
        .map((x) => x.toFixed(2))
        .join(", ")}`,
    );
    if (o.json)
      writeFileSync(
        o.json,
        `${JSON.stringify({ label: MODEL_LABEL, options: o, calibration: o.calibration, bottleneck: nextBottleneck(rows.map((r) => r.summary)), rows }, null, 2)}\n`,
      );
  });

program
  .command("calibrate")
  .description("write a calibration from a load-lab report.json and short measurements")
  .requiredOption("--from-report <file>", "the load lab's report.json (with run.batches)")
  .option("--contention-report <file>", "a report with N ≥ 2 provers on one host (repeatable)", collect, [])
  .requiredOption("--out <file>", "where the calibration goes")
  .option("--redis-url <url>", "Redis to measure", process.env.REDIS_URL ?? "redis://127.0.0.1:6379")
  .option(
    "--sig-us <us>",
    "one signature check incl. its message hash (BENCHMARKS.md, Order intake: 69 + 44 µs)",
    num,
    113,
  )
  .option(
    "--sig-workers <n>",
    "verify-pool threads (the sequencer's default: one per core)",
    int,
    cpus().length,
  )
  .option(
    "--accepted-us <us>",
    "main-thread CPU per admitted HTTP order (BENCHMARKS.md, Order intake: 1,255 µs server CPU − 113 µs checks)",
    num,
    1142,
  )
  .option(
    "--shed-us <us>",
    "main-thread CPU per HTTP request shed with 503 (the accepted cost less engine apply and WAL, ~40 µs)",
    num,
    1100,
  )
  .option("--tree-us <us>", "tree work per sealed batch (BENCHMARKS.md: ~10 ms)", num, 10_000)
  .option(
    "--gas-per-batch <gas>",
    "gas per submitBatch (BENCHMARKS.md, End to end: median 498,688)",
    num,
    498_688,
  )
  .option(
    "--liquidations-per-batch <n>",
    "liquidations a batch holds, unless the run showed more (16 account slots ÷ ~3 accounts each: the account, its counterparty, the vault)",
    int,
    5,
  )
  .option("--l1-name <s>", "the reference L1 for gas per block", "Ethereum-like (30M gas, 12 s blocks)")
  .option("--l1-block-gas <gas>", "its block gas limit", num, 30_000_000)
  .option("--l1-block-ms <ms>", "its block time", num, 12_000)
  .action(async (o) => {
    const report = readReport(o.fromReport);
    const contention = (o.contentionReport as string[]).map((p) => ({ path: p, report: readReport(p) }));
    const redis = await measureRedis(o.redisUrl);
    const cal: Calibration = calibrate({
      report,
      reportPath: o.fromReport,
      contention,
      command: `npm run model -- ${process.argv.slice(2).join(" ")}`,
      commit: git(["rev-parse", "HEAD"]),
      machine: { ...machineInfo(), loadavgAtCalibration: loadavg() },
      extras: {
        intake: { acceptedUs: o.acceptedUs, shedUs: o.shedUs, treeUsPerBatch: o.treeUs },
        signatures: { checkUs: o.sigUs, workers: o.sigWorkers },
        redis,
        gasPerBatch: o.gasPerBatch,
        liquidationsPerBatch: o.liquidationsPerBatch,
        reference: { name: o.l1Name, blockGasLimit: o.l1BlockGas, blockTimeMs: o.l1BlockMs },
        sources: [
          `Redis measured now at ${o.redisUrl}: ${redis.opsPerProofJob} commands per BullMQ job (INFO commandstats), ${redis.opsPerSecond} pipelined PINGs/s`,
          `intake ${o.acceptedUs} µs per admitted order, ${o.shedUs} µs per shed request, tree ${o.treeUs} µs per batch: BENCHMARKS.md "Order intake" (2026-12-03, 07:23 run) unless overridden`,
          `signature check ${o.sigUs} µs on ${o.sigWorkers} verify workers: BENCHMARKS.md "Order intake" (Poseidon 69 µs + verify 44 µs) unless overridden`,
          `gas ${o.gasPerBatch} per submitBatch: BENCHMARKS.md "End to end on the devnet" unless overridden`,
        ],
      },
    });
    writeFileSync(o.out, `${JSON.stringify(cal, null, 2)}\n`);
    console.log(
      `wrote ${o.out}: ${cal.proof.samplesMs.length} proof samples, ${cal.l1.inclusionMs.length} L1 samples, ${cal.liquidationTriggers.length} trigger groups, contention ${JSON.stringify(cal.proof.contention)}`,
    );
  });

program
  .command("validate")
  .description("run the model at each measured run's N (all provers on one host) and print the error")
  .requiredOption("--report <file>", "a load-lab report.json (repeatable)", collect, [])
  .option("--calibration <file>", "calibration JSON", DEFAULT_CALIBRATION)
  .option("--drain-s <s>", "the lab's --drain-s", int, 240)
  .option("--schedule", "replay the tape's schedule instead of the send times the run recorded")
  .option("--model-seed <s>", "seed of the model's random draws", "model")
  .option("--reps <n>", "replications (figures are their medians)", int, 11)
  .option("--json <file>", "write the rows as JSON")
  .action((o) => {
    const cal = loadCalibration(o.calibration);
    const rows = (o.report as string[]).map((path) => {
      const r = readReport(path);
      const s = r.settings;
      const scenario = loadScenario({
        name: s.scenario,
        minutes: s.minutes,
        seed: s.seed,
        ...(s.tape ? { file: s.tape } : {}),
      });
      const w = buildWorkload(scenario, {
        maxAccounts: s.maxAccounts,
        loadProbes: Number(s.devnet.loadProbes ?? 3),
        triggers: cal.liquidationTriggers,
      });
      const n = Number(s.devnet.provers ?? 1);
      const load = o.schedule ? w : asDelivered(w, r.runs[0]!.series.sent);
      const [row] = runScale(cal, load, {
        provers: [n],
        proversPerHost: "all",
        drainMs: o.drainS * 1000,
        seed: o.modelSeed,
        reps: o.reps,
      });
      return compare(r, path, row!.summary);
    });
    console.log(renderValidation(rows));
    console.log(`calibration: ${o.calibration}`);
    if (o.json) writeFileSync(o.json, `${JSON.stringify({ label: MODEL_LABEL, rows }, null, 2)}\n`);
  });

try {
  await program.parseAsync();
} catch (err) {
  if (err instanceof BaseError) {
    console.error(`model: ${err.message}`);
    process.exit(2);
  }
  const c = err as { code?: string; exitCode?: number };
  if (typeof c.code === "string" && c.code.startsWith("commander.")) {
    // --help and --version are not errors.
    process.exit(c.code === "commander.helpDisplayed" || c.code === "commander.version" ? 0 : 2);
  }
  throw err;
}
