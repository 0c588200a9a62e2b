// scripts/deploy-l1.ts (the compose file's one-shot `deploy` service) against a real Anvil: it deploys the
// devnet's genesis, funds the backstop, and writes files a sequencer of that deployment starts from.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseEnv } from "node:util";
import { Queue } from "bullmq";
import { loadInstance } from "../../circuits/compile.ts";
import { pollUntil } from "../../core/poll.ts";
import { REPO_ROOT } from "../../core/repo-root.ts";
import {
  DEPLOYMENT_FILE,
  deployL1,
  type L1Deployment,
  SEQUENCER_ENV_FILE,
} from "../../node/devnet/deploy-l1.ts";
import { loadDeployL1Config } from "../../node/devnet/deploy-l1-config.ts";
import { L1ResetError } from "../../node/devnet/l1-reset.ts";
import { sequencerGenesis } from "../../node/genesis.ts";
import { freePort, type StartAnvilReturnType, startAnvil } from "../../node/l1/anvil.ts";
import { checkDeployedGenesis } from "../../node/l1/genesis-check.ts";
import { loadSequencerConfig, sequencerSchema } from "../../node/sequencer/config.ts";
import { redisConnection } from "../../prover/redis.ts";
import { buildCircuit } from "../../prover/setup/build-circuit.ts";
import { ensureBuilt, OPERATOR_KEY, readRollup } from "./l1-setup.ts";

/** Runs the script as compose would: a fresh process with only env. */
function runScript(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/deploy-l1.ts"], {
      cwd: REPO_ROOT,
      // Not the test's own env: a stray L1_RPC_URL there must not stand in for a missing one here.
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("exit", (code) => resolve({ code, out }));
  });
}

describe("scripts/deploy-l1.ts (real Anvil, VerifierDouble verifier, tiny instance)", () => {
  let anvil: StartAnvilReturnType;
  let dir: string;
  const base = () => ({
    L1_RPC_URL: anvil.rpcUrl,
    CIRCUIT_INSTANCE: "tiny",
    VERIFIER_CONTRACT: "VerifierDouble",
    OPERATOR_KEY,
    DEPLOY_OUT_DIR: dir,
  });
  before(async () => {
    await ensureBuilt();
    anvil = await startAnvil();
    dir = mkdtempSync(join(tmpdir(), "deploy-l1-"));
  });
  after(async () => {
    await anvil?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a missing L1_RPC_URL with BAD_CONFIG and writes nothing", async () => {
    const { L1_RPC_URL: _, ...rest } = base();
    const r = await runScript(rest);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /BAD_CONFIG/);
    assert.match(r.out, /L1_RPC_URL/);
    assert.equal(existsSync(join(dir, DEPLOYMENT_FILE)), false);
  });

  it("deploys, funds the backstop, and writes an env file the sequencer's config and genesis check accept", async () => {
    const r = await runScript(base());
    assert.equal(r.code, 0, r.out);
    const d = JSON.parse(readFileSync(join(dir, DEPLOYMENT_FILE), "utf8")) as L1Deployment;
    const fileEnv = parseEnv(readFileSync(join(dir, SEQUENCER_ENV_FILE), "utf8"));
    assert.deepEqual(fileEnv, d.sequencerEnv, "sequencer.env holds what deployment.json says");

    // zod drops names it does not know: each must be one the sequencer reads, or the file says nothing.
    for (const k of Object.keys(fileEnv))
      assert.ok(k in sequencerSchema.shape, `${k} is no sequencer env name`);
    // What node/sequencer/main.ts does with `node --env-file`: parse, then check L1 holds its genesis.
    const cfg = loadSequencerConfig({ ...fileEnv, OPERATOR_KEY });
    assert.equal(cfg.ROLLUP_ADDRESS, d.rollupAddress);
    assert.equal(cfg.CIRCUIT_INSTANCE, "tiny");
    const inst = loadInstance(cfg.CIRCUIT_INSTANCE);
    assert.equal(inst.circuit, "batch2");
    if (inst.circuit !== "batch2") return;
    const { genesis, keeperPubKey } = sequencerGenesis(inst, {
      backstopSeed: cfg.BACKSTOP_SEED,
      keeperSeed: cfg.KEEPER_SEED,
      reservedForLiquidations: cfg.LIQ_RESERVED_SLOTS,
      riskPolicy: cfg.RISK_POLICY,
    });
    assert.equal(d.genesisRoot, `0x${genesis.root.toString(16)}`);
    await checkDeployedGenesis({
      rpcUrl: cfg.L1_RPC_URL,
      rollupAddress: cfg.ROLLUP_ADDRESS as `0x${string}`,
      genesisRoot: genesis.root,
      accountsDepth: inst.D,
      markets: inst.M,
      keeperPubKey,
    });
    assert.equal(
      await readRollup(anvil.rpcUrl, d.rollupAddress, "depositCount"),
      1n,
      "the backstop's deposit",
    );
  });

  it("starts a sequencer from the file (node --env-file, as compose does) whose queue gauge shows the backlog as prioritized", async () => {
    // The sequencer loads the circuit build at start (cached after the first run of any e2e test).
    await buildCircuit("tiny");
    const port = await freePort();
    const queueName = `deploy-l1-e2e-${Date.now()}`;
    const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
    const data = mkdtempSync(join(tmpdir(), "deploy-l1-seq-"));
    let seq: ChildProcess | undefined;
    const queue = new Queue(queueName, { connection: redisConnection(redisUrl) });
    try {
      seq = spawn(
        process.execPath,
        [`--env-file=${join(dir, SEQUENCER_ENV_FILE)}`, "--import", "tsx", "node/sequencer/main.ts"],
        {
          cwd: REPO_ROOT,
          env: {
            PATH: process.env.PATH ?? "",
            HOME: process.env.HOME ?? "",
            OPERATOR_KEY,
            DATA_DIR: data,
            API_PORT: String(port),
            REDIS_URL: redisUrl,
            PROVE_QUEUE: queueName,
            BATCH_MAX_WAIT_MS: "200",
            LOG_LEVEL: "warn",
          },
          stdio: "ignore",
        },
      );
      const gauge = async (state: string) => {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        const m = new RegExp(`^rollup_prove_jobs\\{state="${state}"\\} (\\d+)$`, "m").exec(text);
        return m ? Number(m[1]) : undefined;
      };
      // No prover runs: the batch with the backstop's deposit stays queued, and BullMQ files it as
      // prioritized (every job has a priority), not waiting. That is why the autoscaler reads both.
      await pollUntil(
        "the deposit batch queued",
        async () => ((await gauge("prioritized").catch(() => undefined)) ?? 0) >= 1 || undefined,
        { timeoutMs: 20_000, everyMs: 250 },
      );
      assert.equal(await gauge("waiting"), 0);
      assert.equal(await gauge("active"), 0);
    } finally {
      seq?.kill("SIGTERM");
      if (seq && seq.exitCode === null) await new Promise((r) => seq?.once("exit", r));
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      rmSync(data, { recursive: true, force: true });
    }
  });

  it("a second run on the same L1 keeps the deployment and sends nothing", async () => {
    const before = JSON.parse(readFileSync(join(dir, DEPLOYMENT_FILE), "utf8")) as L1Deployment;
    const r = await deployL1(loadDeployL1Config(base()));
    assert.equal(r.reused, true);
    assert.equal(r.deployment.rollupAddress, before.rollupAddress);
    assert.equal(
      await readRollup(anvil.rpcUrl, before.rollupAddress, "depositCount"),
      1n,
      "no second funding",
    );
  });

  it("refuses a recorded deployment that a fresh L1 no longer has (L1_RESET), leaving the files as they were", async () => {
    const fresh = await startAnvil();
    try {
      const text = readFileSync(join(dir, DEPLOYMENT_FILE), "utf8");
      await assert.rejects(
        deployL1(loadDeployL1Config({ ...base(), L1_RPC_URL: fresh.rpcUrl })),
        (err: unknown) => err instanceof L1ResetError && err.code === "L1_RESET",
      );
      assert.equal(readFileSync(join(dir, DEPLOYMENT_FILE), "utf8"), text);
    } finally {
      await fresh.stop();
    }
  });
});
