import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadInstance } from "../../circuits/compile.ts";
import { REPO_ROOT } from "../../core/repo-root.ts";
import { buildCircuit } from "../../scripts/build-circuits.ts";
import { sequencerGenesis } from "../genesis.ts";
import { freePort, freePorts, startAnvil } from "../l1/anvil.ts";
import { DEV_ROLES, devAccountKey } from "../l1/dev-accounts.ts";
import { forgeBuild } from "../l1/forge.ts";
import { DevnetError } from "./errors.ts";
import { BACKSTOP_FUNDING, deployDevnetRollup, fundBackstop } from "./l1-deploy.ts";
import { checkL1NotReset, L1ResetError, type L1Watermark, notBehind, readL1Watermark } from "./l1-reset.ts";
import { NatsCluster } from "./nats-cluster.ts";
import { dieWithParent } from "./parent-death.ts";
import { type Child, startTsProcess, waitFor } from "./processes.ts";
import { ensureRedis, type RedisHandle } from "./redis.ts";
import { readWatermark, STATUS_FILE, StatusFile } from "./status.ts";
import {
  type BackoffPolicy,
  formatRestart,
  type SupervisedProcess,
  type SuperviseOptions,
  type Supervisor,
  superviseFrom,
} from "./supervisor.ts";

/** Anvil's chain, in the devnet dir: an Anvil restart (crash or devnet restart) keeps L1. */
export const ANVIL_STATE_FILE = "anvil-state.json";
/** A SIGKILLed Anvil dumps nothing on exit: this bounds what its crash loses (the L1_RESET check sees it). */
const ANVIL_STATE_INTERVAL_SEC = 2;
/** How often the devnet samples the rollup's progress on L1, the watermark an Anvil restart is held to. */
const WATERMARK_EVERY_MS = 1000;

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
  /**
   * Restart a crashed sequencer, prover, keeper or Anvil with backoff. Off by default: tests kill
   * children on purpose and expect them to stay down; `npm run devnet` turns it on.
   */
  supervise?: boolean;
  backoff?: Partial<BackoffPolicy>;
  /**
   * Go on with the deployment recorded in `dir` (devnet.json, Anvil's state file, the sequencer's data)
   * instead of a fresh L1. Off by default (a fresh deploy, everything in `dir` replaced).
   */
  reuse?: boolean;
  /**
   * The devnet stopped itself because it cannot go on (L1_RESET after an Anvil restart). It has already
   * said so through onProgress and stopped every child; the caller should exit non-zero.
   */
  onFatal?: (err: unknown) => void;
  /**
   * A leader and a hot standby on a replicated log (a 3-member NATS JetStream cluster in `dir/nats`),
   * docs/REPLICATION.md. Off: one sequencer on its local WAL.
   */
  standby?: boolean;
  /** Always start a private Redis (a chaos run restarts it; the shared one must not be touched). */
  privateRedis?: boolean;
  /**
   * Start the sequencer from L1 alone: keep the deployment in `dir` (as `reuse`) but drop the
   * sequencer's data, which it then rebuilds from the Rollup's calldata (FROM_L1, node/sequencer/seed-from-l1.ts).
   */
  fromL1?: boolean;
  /** A priority request's deadline on L1 (node/l1/deploy.ts DEFAULT_FORCED_DEADLINE otherwise). */
  forcedDeadlineBlocks?: bigint;
  forcedDeadlineSeconds?: bigint;
}

/** One sequencer process of the devnet, and where its API answers. */
export interface SequencerProcess {
  name: string;
  apiUrl: string;
  child: () => Child;
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
  /** The pid of the devnet process itself; status.json has its children's. */
  devnetPid?: number;
  /** Every sequencer's API (leader and standby); clients take the list and follow the leader. */
  apiUrls?: string[];
  /** The replicated log's cluster, with --standby. */
  natsUrls?: string[];
}

export interface Devnet {
  info: DevnetInfo;
  sequencer: () => Child;
  provers: Child[];
  restartSequencer(signal?: NodeJS.Signals): Promise<void>;
  /** Starts one more prover worker; `env` overrides its environment (e.g. `PROVER: "snarkjs"`). */
  startProver(env?: Record<string, string>): Child;
  /** Crash restarts per child name (also in status.json). */
  restarts(): Record<string, number>;
  /** Every sequencer process (one, or a leader and a standby with `standby`). */
  sequencers: SequencerProcess[];
  /** The log cluster with `standby` (chaos drills pause and kill its members). */
  nats: NatsCluster | undefined;
  redis: RedisHandle;
  /** The Anvil process now (chaos drills kill it; the supervisor brings it back on its state file). */
  anvil: () => SupervisedProcess;
  stop(): Promise<void>;
}

export async function startDevnet(o: DevnetOptions): Promise<Devnet> {
  const t0 = Date.now();
  const inst = loadInstance(o.instance);
  if (inst.circuit !== "batch2")
    throw new RangeError(
      `instance "${inst.name}" is a v1 circuit instance; the devnet proves Batch2 (tiny, trace, default)`,
    );
  const infoPath = join(o.dir, "devnet.json");
  const statePath = join(o.dir, ANVIL_STATE_FILE);
  const remedy = `delete ${o.dir} or run the devnet with --fresh`;
  const prev = o.reuse ? readPreviousInfo(infoPath) : undefined;
  if (!prev) {
    for (const f of ["data", "data-a", "data-b", "nats", ANVIL_STATE_FILE, STATUS_FILE])
      rmSync(join(o.dir, f), { recursive: true, force: true });
  }
  if (prev && o.fromL1) {
    // The operator lost its disks: only L1 (Anvil's state) and the deployment record remain.
    for (const f of ["data", "data-a", "data-b", "nats"])
      rmSync(join(o.dir, f), { recursive: true, force: true });
  }
  const seenBefore = prev ? readWatermark(o.dir) : undefined;
  mkdirSync(o.dir, { recursive: true });
  const status = new StatusFile(o.dir);
  const cleanup: (() => Promise<void>)[] = [];
  let stopped = false;
  const stopAll = async () => {
    if (stopped) return;
    stopped = true;
    for (const fn of cleanup.reverse()) await fn().catch(() => {});
    if (status.snapshot().state !== "failed") status.state("stopped");
  };

  const supervised = <P extends SupervisedProcess>(
    first: P,
    opts: Pick<SuperviseOptions<P>, "name" | "start"> & { afterRestart?: (p: P) => Promise<void> },
  ): Supervisor<P> => {
    status.started(opts.name, first.pid);
    const sup = superviseFrom(first, {
      ...opts,
      restart: o.supervise === true,
      ...(o.backoff ? { backoff: o.backoff } : {}),
      onRestart: (e) => {
        status.restarting(e);
        o.onProgress(formatRestart(e));
      },
      afterRestart: async (p) => {
        status.started(opts.name, p.pid);
        o.onProgress(`${opts.name} is back (pid ${p.pid}, restarts so far: ${sup.restarts()})`);
        await opts.afterRestart?.(p);
      },
      onGiveUp: (name, reason) => {
        if (reason instanceof Error) return fatal(reason);
        status.exited(name, reason as number | string);
        o.onProgress(`${name} exited with ${reason} (not supervised: it stays down)`);
      },
    });
    return sup;
  };
  const fatal = (err: Error) => {
    if (stopped) return;
    status.state("failed", err);
    o.onProgress(
      `FATAL ${(err as { code?: string }).code ?? err.name}: ${err.message} — stopping the devnet`,
    );
    void stopAll().then(() => o.onFatal?.(err));
  };

  try {
    o.onProgress("checking Redis");
    const redis = await ensureRedis(o.redisUrl, { forcePrivate: o.privateRedis === true });
    cleanup.push(() => redis.stop());
    if (redis.private) o.onProgress(`no Redis at ${o.redisUrl}; started a private one at ${redis.url}`);

    o.onProgress(`building circuit "${inst.name}" (cached after the first run)`);
    const build = await buildCircuit(inst.name, {
      ...(o.ptau ? { ptau: o.ptau } : {}),
      onProgress: o.onProgress,
    });
    o.onProgress("building contracts with forge");
    await forgeBuild({ onProgress: o.onProgress });

    o.onProgress(`starting anvil (state in ${statePath}${prev ? ", reused" : ""})`);
    const anvilPort = o.anvilPort ?? (await freePort());
    let guarded = true;
    const startL1Node = () =>
      startAnvil({
        port: anvilPort,
        statePath,
        stateIntervalSec: ANVIL_STATE_INTERVAL_SEC,
        launcher: (cmd, args) => {
          const c = dieWithParent(cmd, args);
          guarded = c.guarded;
          return c;
        },
      });
    const firstAnvil = await startL1Node();
    if (!guarded) o.onProgress("setpriv not found: anvil and redis-server may outlive a killed devnet");
    const anvil = { rpcUrl: firstAnvil.rpcUrl, chainId: firstAnvil.chainId };

    const backstopSeed = "devnet-backstop";
    const keeperSeed = "devnet-keeper";
    const { genesis } = sequencerGenesis(inst, { backstopSeed, keeperSeed, reservedForLiquidations: 2 });
    const operatorKey = devAccountKey(DEV_ROLES.operator);
    let dep: { rollupAddress: `0x${string}`; verifierAddress: `0x${string}`; tokenAddress: `0x${string}` };
    let watermark: L1Watermark;
    try {
      if (prev) {
        o.onProgress(`reusing the rollup at ${prev.rollupAddress} (devnet.json)`);
        if ((prev.natsUrls !== undefined) !== (o.standby === true)) {
          throw new DevnetError(
            "DEVNET_CONFIG_CHANGED",
            `${infoPath} was run ${prev.natsUrls ? "with" : "without"} --standby (its sequencer data is laid out for that); ${remedy}`,
          );
        }
        if (BigInt(prev.genesisRoot) !== genesis.root) {
          throw new DevnetError(
            "DEVNET_CONFIG_CHANGED",
            `${infoPath} was deployed with another genesis (instance "${prev.instance}", this run "${inst.name}"); ${remedy}`,
          );
        }
        watermark = await checkL1NotReset({
          rpcUrl: anvil.rpcUrl,
          rollupAddress: prev.rollupAddress,
          genesisRoot: genesis.root,
          ...(seenBefore ? { watermark: seenBefore } : {}),
          remedy,
        });
        dep = prev;
      } else {
        o.onProgress("deploying contracts");
        dep = await deployDevnetRollup({
          rpcUrl: anvil.rpcUrl,
          inst,
          genesis,
          keeperSeed,
          deployerKey: devAccountKey(DEV_ROLES.deployer),
          operatorKey,
          ...(o.forcedDeadlineBlocks === undefined ? {} : { forcedDeadlineBlocks: o.forcedDeadlineBlocks }),
          ...(o.forcedDeadlineSeconds === undefined
            ? {}
            : { forcedDeadlineSeconds: o.forcedDeadlineSeconds }),
        });
        watermark = await readL1Watermark(anvil.rpcUrl, dep.rollupAddress);
      }
    } catch (err) {
      await firstAnvil.stop();
      throw err;
    }
    status.watermark(watermark);
    const anvilSup = supervised(firstAnvil, {
      name: "anvil",
      start: startL1Node,
      // An Anvil that came back must be the chain the sequencer has been talking to.
      afterRestart: async () => {
        watermark = await retryUnlessReset(() =>
          checkL1NotReset({
            rpcUrl: anvil.rpcUrl,
            rollupAddress: dep.rollupAddress,
            genesisRoot: genesis.root,
            watermark,
            remedy,
          }),
        );
        status.watermark(watermark);
      },
    });
    cleanup.push(() => anvilSup.stop());
    // Only forward: a sample from an Anvil that came back older must not lower the bar it is checked against.
    const sampler = setInterval(() => {
      readL1Watermark(anvil.rpcUrl, dep.rollupAddress)
        .then((w) => {
          if (!notBehind(w, watermark)) return;
          const moved =
            w.lastVerifiedBatch !== watermark.lastVerifiedBatch || w.depositCount !== watermark.depositCount;
          if (!moved) return;
          watermark = w;
          status.watermark(w);
        })
        .catch(() => {});
    }, WATERMARK_EVERY_MS);
    sampler.unref();
    cleanup.push(async () => clearInterval(sampler));

    const queueName =
      prev?.queueName ?? `prove-${dep.rollupAddress.slice(2, 10).toLowerCase()}-${Date.now()}`;
    const common = {
      REDIS_URL: redis.url,
      PROVE_QUEUE: queueName,
      CIRCUIT_INSTANCE: inst.name,
      LOG_LEVEL: "info",
    };
    let nats: NatsCluster | undefined;
    if (o.standby) {
      o.onProgress("starting the replicated log (3 nats-server members with JetStream)");
      nats = await NatsCluster.start({ dir: join(o.dir, "nats"), onProgress: o.onProgress });
      const cluster = nats;
      cleanup.push(() => cluster.stop());
    }
    // Chosen after the NATS members are listening, and both at once: a port picked and not yet bound
    // can be handed out again (docs on freePorts).
    const [freeA, freeB] = await freePorts(2);
    const apiPort = o.apiPort ?? freeA!;
    const nodes = o.standby
      ? [
          { name: "sequencer-a", port: apiPort, data: "data-a" },
          { name: "sequencer-b", port: freeB!, data: "data-b" },
        ]
      : [{ name: "sequencer", port: apiPort, data: "data" }];
    const seqEnvOf = (n: (typeof nodes)[number]) => ({
      ...common,
      DATA_DIR: join(o.dir, n.data),
      API_PORT: String(n.port),
      ...(o.fromL1 ? { FROM_L1: "on" } : {}),
      L1_RPC_URL: anvil.rpcUrl,
      ROLLUP_ADDRESS: dep.rollupAddress,
      OPERATOR_KEY: operatorKey,
      BACKSTOP_SEED: backstopSeed,
      KEEPER_SEED: keeperSeed,
      BATCH_MAX_WAIT_MS: String(o.batchMaxWaitMs),
      ...(nats
        ? {
            REPLICATION: "jetstream",
            NATS_URLS: nats.clientUrls.join(","),
            NODE_ID: n.name,
            PUBLIC_URL: `http://127.0.0.1:${n.port}`,
            PEER_URLS: nodes
              .filter((m) => m !== n)
              .map((m) => `http://127.0.0.1:${m.port}`)
              .join(","),
          }
        : {}),
      ...(o.sequencerEnv ?? {}),
    });
    const apiUrls = nodes.map((n) => `http://127.0.0.1:${n.port}`);
    const apiUrl = apiUrls[0]!;
    const startSeqNode = async (n: (typeof nodes)[number]): Promise<Child> => {
      const url = `http://127.0.0.1:${n.port}`;
      const seqLog = join(o.dir, `${n.name}.log`);
      const c = startTsProcess(n.name, "node/sequencer/main.ts", seqEnvOf(n), seqLog, o.echo);
      const gone = () => c.proc.exitCode !== null || c.proc.signalCode !== null;
      try {
        await waitFor(
          `the ${n.name} API`,
          async () => gone() || (await fetch(`${url}/health`)).ok || undefined,
          120_000,
        );
        if (gone()) {
          throw new DevnetError(
            "DEVNET_CHILD_EXITED",
            `the ${n.name} exited (${await c.exited}) before its API answered; see ${seqLog}`,
          );
        }
      } catch (err) {
        await c.stop();
        throw err;
      }
      return c;
    };
    const seqSups: Supervisor<Child>[] = [];
    for (const n of nodes) {
      o.onProgress(`starting the ${n.name}`);
      const sup = supervised(await startSeqNode(n), { name: n.name, start: () => startSeqNode(n) });
      seqSups.push(sup);
      cleanup.push(() => sup.stop());
    }
    const seqSup = seqSups[0]!;
    if (nats) {
      o.onProgress("waiting for a sequencer to take the lease");
      await waitFor("a leading sequencer", () => leaderAmong(apiUrls), 60_000, 100);
    }
    const sequencers: SequencerProcess[] = nodes.map((n, i) => ({
      name: n.name,
      apiUrl: apiUrls[i]!,
      child: () => seqSups[i]!.current(),
    }));

    if (!prev) {
      // The backstop account takes what the book cannot fill in a liquidation; give it real cash, through
      // the same L1 deposit path as everyone else (the operator funds it).
      o.onProgress(`funding the backstop account with ${BACKSTOP_FUNDING / 1_000_000n} USDC`);
      await fundBackstop({
        rpcUrl: anvil.rpcUrl,
        funderKey: devAccountKey(DEV_ROLES.deployer),
        deployed: dep,
        backstopSeed,
      });
    }
    const sups: Supervisor<SupervisedProcess>[] = [anvilSup, ...seqSups];

    const provers: Child[] = [];
    const startProver = (env: Record<string, string> = {}) => {
      const name = `prover-${provers.length + 1}`;
      const start = () =>
        startTsProcess(
          name,
          "prover/main.ts",
          { ...common, ...(o.proverEnv ?? {}), ...env },
          join(o.dir, `${name}.log`),
          o.echo,
        );
      const sup = supervised(start(), { name, start: async () => start() });
      sups.push(sup);
      const c = liveChild(name, sup);
      provers.push(c);
      return c;
    };
    for (let i = 0; i < o.provers; i++) startProver();
    cleanup.push(async () => {
      await Promise.all(provers.map((p) => p.stop()));
    });

    if (o.keeper) {
      const start = () =>
        startTsProcess(
          "keeper",
          "node/keeper/main.ts",
          { API_URL: apiUrls.join(","), KEEPER_SEED: keeperSeed, LOG_LEVEL: "info" },
          join(o.dir, "keeper.log"),
          o.echo,
        );
      const keeper = supervised(start(), { name: "keeper", start: async () => start() });
      sups.push(keeper);
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
      devnetPid: process.pid,
      apiUrls,
      ...(nats ? { natsUrls: nats.clientUrls } : {}),
    };
    writeFileSync(infoPath, `${JSON.stringify(info, null, 2)}\n`);
    status.state("running");
    return {
      info,
      sequencer: () => seqSup.current(),
      provers,
      restartSequencer: (signal = "SIGKILL") => seqSup.restart(signal),
      startProver,
      restarts: () => Object.fromEntries(sups.map((s) => [s.name, s.restarts()])),
      sequencers,
      nats,
      redis,
      anvil: () => anvilSup.current(),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** A Child whose process is whatever the supervisor runs now; stop() is a deliberate one (no restart). */
function liveChild(name: string, sup: Supervisor<Child>): Child {
  return {
    name,
    get proc() {
      return sup.current().proc;
    },
    get pid() {
      return sup.current().pid;
    },
    get exited() {
      return sup.current().exited;
    },
    stop: (signal) => sup.stop(signal),
  };
}

/**
 * An L1_RESET is the answer; an RPC hiccup right after Anvil came back is not, and must not stop the
 * devnet (a failure here is fatal), so only the last one counts.
 */
async function retryUnlessReset<T>(fn: () => Promise<T>, attempts = 5, everyMs = 500): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof L1ResetError || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}

/** The API URL whose sequencer says it leads, or undefined while none does. */
async function leaderAmong(urls: readonly string[]): Promise<string | undefined> {
  for (const u of urls) {
    const res = await fetch(`${u}/state`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    if (res?.ok && ((await res.json()) as { role?: string }).role === "leader") return u;
  }
  return undefined;
}

/** devnet.json of an earlier run in this dir, if there is one to reuse. */
function readPreviousInfo(path: string): DevnetInfo | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, "utf8")) as DevnetInfo;
}

export const DEFAULT_DEVNET_DIR = join(REPO_ROOT, ".devnet");
