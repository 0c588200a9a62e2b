import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type NatsConnection, RetentionPolicy, StorageType } from "nats";
import { BaseError } from "../../core/errors.ts";
import { freePorts } from "../l1/anvil.ts";

export class NatsClusterError extends BaseError {
  override name = "NatsClusterError";
}

export interface NatsClusterOptions {
  /** Parent of the members' data dirs, log files and pid files; created if missing. */
  dir: string;
  /** Members; 3 gives an R3 stream a quorum of 2. */
  size?: number;
  name?: string;
  binary?: string;
  /** How long start() waits for a JetStream meta leader and a working R3 stream. */
  readyTimeoutMs?: number;
  onProgress?: (msg: string) => void;
}

export interface NatsMember {
  readonly index: number;
  readonly serverName: string;
  readonly clientUrl: string;
  readonly storeDir: string;
  readonly logFile: string;
  /** The live process's pid, or undefined while killed. */
  readonly pid: number | undefined;
}

interface MemberState {
  index: number;
  serverName: string;
  clientPort: number;
  clusterPort: number;
  storeDir: string;
  logFile: string;
  pidFile: string;
  proc: ChildProcess | undefined;
  exited: Promise<void> | undefined;
}

const NATS_BIN = "/usr/sbin/nats-server";

/**
 * A local JetStream cluster, one nats-server per member, each with its own store dir standing in for a
 * host. Tests and chaos drills use the per-member controls (kill, restart, pause, resume).
 */
export class NatsCluster {
  readonly name: string;
  readonly #opts: Required<Omit<NatsClusterOptions, "onProgress">> & Pick<NatsClusterOptions, "onProgress">;
  readonly #members: MemberState[];
  #watchdog: ChildProcess | undefined;
  #stopped = false;
  readonly #onExit = () => this.#killAllSync();

  private constructor(opts: NatsClusterOptions, members: MemberState[]) {
    this.#opts = {
      size: members.length,
      name: opts.name ?? "zkrollup",
      binary: opts.binary ?? NATS_BIN,
      readyTimeoutMs: opts.readyTimeoutMs ?? 30_000,
      dir: opts.dir,
      onProgress: opts.onProgress,
    };
    this.name = this.#opts.name;
    this.#members = members;
  }

  /** Starts every member and resolves once JetStream can place an R3 (or R`size`) stream. */
  static async start(opts: NatsClusterOptions): Promise<NatsCluster> {
    const size = opts.size ?? 3;
    if (!Number.isInteger(size) || size < 1) {
      throw new NatsClusterError("NATS_CLUSTER_CONFIG", "cluster size must be a positive integer", {
        details: { size },
      });
    }
    mkdirSync(opts.dir, { recursive: true });
    const members: MemberState[] = [];
    const ports = await freePorts(2 * size);
    for (let i = 0; i < size; i++) {
      members.push({
        index: i,
        serverName: `${opts.name ?? "zkrollup"}-n${i}`,
        clientPort: ports[2 * i]!,
        clusterPort: ports[2 * i + 1]!,
        storeDir: join(opts.dir, `n${i}`, "store"),
        logFile: join(opts.dir, `n${i}`, "nats.log"),
        pidFile: join(opts.dir, `n${i}`, "nats.pid"),
        proc: undefined,
        exited: undefined,
      });
    }
    const cluster = new NatsCluster(opts, members);
    process.once("exit", cluster.#onExit);
    try {
      cluster.#startWatchdog();
      for (const m of members) cluster.#spawn(m);
      await cluster.waitReady();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  get clientUrls(): string[] {
    return this.#members.map((m) => `nats://127.0.0.1:${m.clientPort}`);
  }

  get members(): NatsMember[] {
    return this.#members.map((m) => ({
      index: m.index,
      serverName: m.serverName,
      clientUrl: `nats://127.0.0.1:${m.clientPort}`,
      storeDir: m.storeDir,
      logFile: m.logFile,
      pid: m.proc?.pid,
    }));
  }

  /** The member index of a server name as JetStream reports it (stream info `cluster.leader`). */
  indexOf(serverName: string): number {
    return this.#members.findIndex((m) => m.serverName === serverName);
  }

  /** SIGKILL: the member vanishes without a goodbye, its store stays for restart(). */
  async kill(i: number): Promise<void> {
    const m = this.#member(i);
    if (!m.proc) return;
    m.proc.kill("SIGKILL");
    await m.exited;
    m.proc = undefined;
    rmSync(m.pidFile, { force: true });
  }

  /** Starts a killed member again on the same ports and store dir; it catches up through Raft. */
  async restart(i: number): Promise<void> {
    const m = this.#member(i);
    if (m.proc) await this.kill(i);
    this.#spawn(m);
    await waitUntil(`member ${i} accepts clients`, 10_000, () => canConnect(this.clientUrls[i]!));
  }

  /** SIGSTOP: the process is alive but silent, as on the far side of a partition. */
  pause(i: number): void {
    this.#member(i).proc?.kill("SIGSTOP");
  }

  resume(i: number): void {
    this.#member(i).proc?.kill("SIGCONT");
  }

  /**
   * Waits for a JetStream meta leader, then creates and deletes a throwaway stream with one replica
   * per member: only then can a caller's R3 stream be placed.
   */
  async waitReady(timeoutMs = this.#opts.readyTimeoutMs): Promise<void> {
    const progress = this.#opts.onProgress ?? (() => {});
    const deadline = Date.now() + timeoutMs;
    progress(`waiting for ${this.#members.length} nats-server members to accept clients`);
    for (const [i, url] of this.clientUrls.entries()) {
      await waitUntil(`member ${i} accepts clients`, deadline - Date.now(), () => canConnect(url));
    }
    const nc = await connect({ servers: this.clientUrls, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    try {
      progress("waiting for the JetStream meta leader");
      const jsm = await waitUntil("JetStream meta leader", deadline - Date.now(), async () => {
        try {
          const jsm = await nc.jetstreamManager({ timeout: 1000 });
          await jsm.getAccountInfo();
          return jsm;
        } catch {
          return undefined;
        }
      });
      progress(`placing a probe stream with ${this.#members.length} replicas`);
      const probe = `PROBE_${process.pid}_${Date.now()}`;
      await waitUntil("a replicated stream to be placed", deadline - Date.now(), async () => {
        try {
          await jsm.streams.add({
            name: probe,
            subjects: [`probe.${probe}`],
            num_replicas: this.#members.length,
            storage: StorageType.File,
            retention: RetentionPolicy.Limits,
          });
          await nc.jetstream().publish(`probe.${probe}`, new Uint8Array(0), { timeout: 2000 });
          return true;
        } catch {
          return undefined;
        }
      });
      await jsm.streams.delete(probe).catch(() => {});
      progress("JetStream cluster ready");
    } finally {
      await nc.close();
    }
  }

  /** Kills every member and the watchdog; idempotent. Data dirs are left for the caller to remove. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    process.off("exit", this.#onExit);
    for (const m of this.#members) {
      // A paused process gets the SIGKILL too, but SIGCONT first keeps its exit prompt.
      m.proc?.kill("SIGCONT");
      await this.kill(m.index);
    }
    this.#watchdog?.kill("SIGKILL");
    this.#watchdog = undefined;
  }

  #member(i: number): MemberState {
    const m = this.#members[i];
    if (!m) {
      throw new NatsClusterError("NATS_CLUSTER_MEMBER", `no member ${i}`, {
        details: { index: i, size: this.#members.length },
      });
    }
    return m;
  }

  #spawn(m: MemberState): void {
    mkdirSync(m.storeDir, { recursive: true });
    const routes = this.#members
      .filter((o) => o !== m)
      .map((o) => `nats://127.0.0.1:${o.clusterPort}`)
      .join(",");
    const args = [
      "-a",
      "127.0.0.1",
      "-p",
      String(m.clientPort),
      "--server_name",
      m.serverName,
      "-js",
      "-sd",
      m.storeDir,
      "-l",
      m.logFile,
      "-P",
      m.pidFile,
    ];
    if (this.#members.length > 1) {
      args.push(
        "--cluster_name",
        this.#opts.name,
        "--cluster",
        `nats://127.0.0.1:${m.clusterPort}`,
        "--routes",
        routes,
      );
    }
    // Not detached: the members share the parent's process group, so a terminal's Ctrl-C reaches them.
    // A SIGKILL of the parent does not, which is what the watchdog is for.
    // Kept referenced: stop() awaits the exits, and the exit hook kills what a caller forgot to stop.
    const proc = spawn(this.#opts.binary, args, { stdio: "ignore" });
    m.proc = proc;
    m.exited = new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) resolve();
      else proc.once("exit", () => resolve());
    });
    proc.once("error", () => {});
  }

  /**
   * A shell loop that outlives a SIGKILLed parent and then kills the members by their pid files
   * (nats-server rewrites its pid file on every start, so a restarted member is found too). It watches
   * its own parent pid rather than `kill -0` on ours: a dead parent that nobody has reaped yet is a
   * zombie that `kill -0` still finds, while the re-parenting happens at the moment of death.
   */
  #startWatchdog(): void {
    const pidFiles = this.#members.map((m) => `'${m.pidFile}'`).join(" ");
    const script = `while [ "$(ps -o ppid= -p $$ | tr -d ' ')" = "${process.pid}" ]; do sleep 0.5; done; for f in ${pidFiles}; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done`;
    const file = join(this.#opts.dir, "watchdog.sh");
    writeFileSync(file, `${script}\n`);
    const w = spawn("/bin/sh", [file], { stdio: "ignore", detached: true });
    w.unref();
    w.once("error", () => {});
    this.#watchdog = w;
  }

  #killAllSync(): void {
    for (const m of this.#members) {
      try {
        m.proc?.kill("SIGKILL");
      } catch {}
    }
    try {
      this.#watchdog?.kill("SIGKILL");
    } catch {}
  }
}

async function canConnect(url: string): Promise<true | undefined> {
  try {
    const nc: NatsConnection = await connect({ servers: url, timeout: 500, reconnect: false });
    await nc.close();
    return true;
  } catch {
    return undefined;
  }
}

async function waitUntil<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + Math.max(0, timeoutMs);
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() >= deadline) {
      throw new NatsClusterError("NATS_CLUSTER_TIMEOUT", `timed out waiting for ${what}`, {
        details: { timeoutMs },
      });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
