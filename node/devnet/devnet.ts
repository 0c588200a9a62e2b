import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadInstance } from "../../circuits/compile.ts";
import { REPO_ROOT } from "../../core/repo-root.ts";
import { buildCircuit } from "../../scripts/build-circuits.ts";
import { devKey } from "../../sequencer/crypto/keys.ts";
import { l1User } from "../client/l1-user.ts";
import { buildGenesis2, rollupGenesis2Of } from "../genesis.ts";
import { freePort, startAnvil } from "../l1/anvil.ts";
import { deployRollup } from "../l1/deploy.ts";
import { DEV_ROLES, devAccountKey } from "../l1/dev-accounts.ts";
import { forgeBuild } from "../l1/forge.ts";
import { type Child, startTsProcess, waitFor } from "./processes.ts";
import { ensureRedis } from "./redis.ts";

const BACKSTOP_FUNDING = 1_000_000n * 1_000_000n;

export interface DevnetOptions {
  instance: string;
  dir: string;
  redisUrl: string;
  apiPort?: number;
  anvilPort?: number;
  provers: number;
  keeper: boolean;
  ptau?: string;
  batchMaxWaitMs: number;
  echo: boolean;
  onProgress: (msg: string) => void;
  /** Extra env for the sequencer process (tests shorten timers). */
  sequencerEnv?: Record<string, string>;
  proverEnv?: Record<string, string>;
}

export interface DevnetInfo {
  l1RpcUrl: string;
  chainId: number;
  apiUrl: string;
  rollupAddress: `0x${string}`;
  verifierAddress: `0x${string}`;
  tokenAddress: `0x${string}`;
  redisUrl: string;
  queueName: string;
  instance: string;
  genesisRoot: string;
  operatorKey: string;
  userKeys: string[];
  keeperSeed: string;
  backstopSeed: string;
  setupMode: string;
  startedAt: string;
  /** Whether the oracle keeper runs (absent in files written before it was recorded). */
  keeper?: boolean;
}

export interface Devnet {
  info: DevnetInfo;
  sequencer: () => Child;
  provers: Child[];
  restartSequencer(signal?: NodeJS.Signals): Promise<void>;
  /** Starts one more prover worker; `env` overrides its environment (e.g. `PROVER: "snarkjs"`). */
  startProver(env?: Record<string, string>): Child;
  stop(): Promise<void>;
}

export async function startDevnet(o: DevnetOptions): Promise<Devnet> {
  const t0 = Date.now();
  const inst = loadInstance(o.instance);
  if (inst.circuit !== "batch2")
    throw new RangeError(
      `instance "${inst.name}" is a v1 circuit instance; the devnet proves Batch2 (tiny, trace, default)`,
    );
  const cleanup: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => {});
  };
  try {
    o.onProgress("checking Redis");
    const redis = await ensureRedis(o.redisUrl);
    cleanup.push(() => redis.stop());
    if (redis.private) o.onProgress(`no Redis at ${o.redisUrl}; started a private one at ${redis.url}`);

    o.onProgress(`building circuit "${inst.name}" (cached after the first run)`);
    const build = await buildCircuit(inst.name, {
      ...(o.ptau ? { ptau: o.ptau } : {}),
      onProgress: o.onProgress,
    });
    o.onProgress("building contracts with forge");
    await forgeBuild({ onProgress: o.onProgress });

    o.onProgress("starting anvil");
    const anvil = await startAnvil({ ...(o.anvilPort ? { port: o.anvilPort } : {}) });
    cleanup.push(async () => anvil.stop());

    const backstopSeed = "devnet-backstop";
    const keeperSeed = "devnet-keeper";
    const keeperPubKey = devKey(keeperSeed).pubKey;
    const genesis = buildGenesis2(inst, { backstopSeed, keeperPubKey, reservedForLiquidations: 2 });
    o.onProgress("deploying contracts");
    const operatorKey = devAccountKey(DEV_ROLES.operator);
    const { privateKeyToAccount } = await import("viem/accounts");
    const dep = await deployRollup({
      rpcUrl: anvil.rpcUrl,
      deployerKey: devAccountKey(DEV_ROLES.deployer),
      operator: privateKeyToAccount(operatorKey).address,
      genesis: rollupGenesis2Of(genesis, keeperPubKey),
      genesisRoot: genesis.root,
      verifierContract: `Groth16Verifier_${inst.name}`,
    });

    rmSync(join(o.dir, "data"), { recursive: true, force: true });
    mkdirSync(o.dir, { recursive: true });
    const apiPort = o.apiPort ?? (await freePort());
    const queueName = `prove-${dep.rollupAddress.slice(2, 10).toLowerCase()}-${Date.now()}`;
    const common = {
      REDIS_URL: redis.url,
      PROVE_QUEUE: queueName,
      CIRCUIT_INSTANCE: inst.name,
      LOG_LEVEL: "info",
    };
    const seqEnv = {
      ...common,
      DATA_DIR: join(o.dir, "data"),
      API_PORT: String(apiPort),
      L1_RPC_URL: anvil.rpcUrl,
      ROLLUP_ADDRESS: dep.rollupAddress,
      OPERATOR_KEY: operatorKey,
      BACKSTOP_SEED: backstopSeed,
      KEEPER_SEED: keeperSeed,
      BATCH_MAX_WAIT_MS: String(o.batchMaxWaitMs),
      ...(o.sequencerEnv ?? {}),
    };
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    let seq: Child;
    const startSeq = async () => {
      seq = startTsProcess(
        "sequencer",
        "node/sequencer/main.ts",
        seqEnv,
        join(o.dir, "sequencer.log"),
        o.echo,
      );
      await waitFor(
        "the sequencer API",
        async () => (await fetch(`${apiUrl}/health`)).ok || undefined,
        120_000,
      );
    };
    o.onProgress("starting the sequencer");
    await startSeq();
    cleanup.push(() => seq.stop());

    // The backstop account takes what the book cannot fill in a liquidation; give it real cash, through
    // the same L1 deposit path as everyone else (the operator funds it).
    o.onProgress(`funding the backstop account with ${BACKSTOP_FUNDING / 1_000_000n} USDC`);
    const operatorL1 = l1User({
      rpcUrl: anvil.rpcUrl,
      privateKey: devAccountKey(DEV_ROLES.deployer),
      rollup: dep.rollupAddress,
      token: dep.tokenAddress,
    });
    await operatorL1.deposit(devKey(backstopSeed).pubKey, BACKSTOP_FUNDING);

    const provers: Child[] = [];
    const startProver = (env: Record<string, string> = {}) => {
      const c = startTsProcess(
        `prover-${provers.length + 1}`,
        "prover/main.ts",
        { ...common, ...(o.proverEnv ?? {}), ...env },
        join(o.dir, `prover-${provers.length + 1}.log`),
        o.echo,
      );
      provers.push(c);
      return c;
    };
    for (let i = 0; i < o.provers; i++) startProver();
    cleanup.push(async () => {
      await Promise.all(provers.map((p) => p.stop()));
    });

    if (o.keeper) {
      const keeper = startTsProcess(
        "keeper",
        "node/keeper/main.ts",
        { API_URL: apiUrl, KEEPER_SEED: keeperSeed, LOG_LEVEL: "info" },
        join(o.dir, "keeper.log"),
        o.echo,
      );
      cleanup.push(() => keeper.stop());
    }

    const info: DevnetInfo = {
      l1RpcUrl: anvil.rpcUrl,
      chainId: anvil.chainId,
      apiUrl,
      rollupAddress: dep.rollupAddress,
      verifierAddress: dep.verifierAddress,
      tokenAddress: dep.tokenAddress,
      redisUrl: redis.url,
      queueName,
      instance: inst.name,
      genesisRoot: `0x${genesis.root.toString(16)}`,
      operatorKey,
      userKeys: [0, 1, 2, 3, 4, 5].map((i) => devAccountKey(DEV_ROLES.firstUser + i)),
      keeperSeed,
      backstopSeed,
      setupMode: build.setup.mode,
      startedAt: new Date(t0).toISOString(),
      keeper: o.keeper,
    };
    writeFileSync(join(o.dir, "devnet.json"), `${JSON.stringify(info, null, 2)}\n`);
    return {
      info,
      sequencer: () => seq,
      provers,
      async restartSequencer(signal = "SIGKILL") {
        await seq.stop(signal);
        await startSeq();
      },
      startProver,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

export const DEFAULT_DEVNET_DIR = join(REPO_ROOT, ".devnet");
