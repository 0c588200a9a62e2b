import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { devAccountKey } from "./dev-accounts.ts";
import { AnvilStartError } from "./errors.ts";
import { foundryBin, foundryWrapperBin } from "./paths.ts";

export type StartAnvilParameters = {
  /** Default: a free port. */
  port?: number;
  /** Interval mining; default: mine on every transaction. */
  blockTimeSec?: number;
  chainId?: number;
  /** Load the chain from this file at start and dump it there on exit (anvil `--state`). */
  statePath?: string;
  /**
   * Also dump the state every this many seconds (anvil `--state-interval`): a SIGKILL runs no exit dump,
   * so without it a crash loses everything since the start.
   */
  stateIntervalSec?: number;
  /**
   * Rewrites the command line before the spawn, e.g. node/devnet/parent-death.ts so Anvil dies with its
   * parent. It must exec the program (keep its pid), or stop() signals the wrapper only.
   */
  launcher?: (cmd: string, args: readonly string[]) => { cmd: string; args: string[] };
  /** Default 20 s. */
  startTimeoutMs?: number;
};

export type StartAnvilReturnType = {
  rpcUrl: string;
  chainId: number;
  port: number;
  pid: number | undefined;
  /** Resolves with the exit code (or signal name) when the process ends, for whatever reason. */
  exited: Promise<number | string>;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and resolves once it has exited. */
  stop: () => Promise<void>;
};

/** Anvil's default dev accounts 0..2 (deployer, operator, a user), derived from its mnemonic. */
export const ANVIL_KEYS = [devAccountKey(0), devAccountKey(1), devAccountKey(2)] as const;

/** Starts a local Anvil and resolves once it answers JSON-RPC. */
export async function startAnvil(params: StartAnvilParameters = {}): Promise<StartAnvilReturnType> {
  const port = params.port ?? (await freePort());
  const chainId = params.chainId ?? 31337;
  const args = ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(chainId), "--silent"];
  if (params.blockTimeSec !== undefined) args.push("--block-time", String(params.blockTimeSec));
  if (params.statePath !== undefined) args.push("--state", params.statePath);
  if (params.stateIntervalSec !== undefined) args.push("--state-interval", String(params.stateIntervalSec));

  const native = foundryBin("anvil");
  const bin = existsSync(native) ? native : foundryWrapperBin("anvil");
  const cmd = params.launcher ? params.launcher(bin, args) : { cmd: bin, args };
  const child = spawn(cmd.cmd, cmd.args, {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, sig) => resolve(code ?? sig ?? -1)),
  );

  const rpcUrl = `http://127.0.0.1:${port}`;
  try {
    await waitReady(rpcUrl, child, params.startTimeoutMs ?? 20_000);
  } catch (err) {
    child.kill("SIGKILL");
    await exited;
    throw new AnvilStartError("ANVIL_START_FAILED", `anvil did not start on port ${port}`, {
      details: { port, stderr },
      cause: err,
    });
  }
  return { rpcUrl, chainId, port, pid: child.pid, exited, stop: () => stopChild(child, exited) };
}

async function waitReady(rpcUrl: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`anvil exited early (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    try {
      const res = await fetch(rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
        signal: AbortSignal.timeout(1000),
      });
      if (res.ok) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("timed out waiting for eth_chainId", { cause: last });
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // SIGTERM lets anvil dump --state before it exits.
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/** A port that was free a moment ago (bind to 0, read it, release it). */
/**
 * `count` distinct free ports. Each comes from a listener that stays open until all are bound: asked one
 * at a time, the OS may hand back a port it just freed, and a cluster given one port twice has a member
 * that cannot bind (seen in CI: a NATS member's route port was another member's client port).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const srv = createServer();
      srv.unref();
      await new Promise<void>((resolve, reject) => {
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => resolve());
      });
      servers.push(srv);
    }
    return servers.map((srv) => {
      const addr = srv.address();
      if (typeof addr !== "object" || !addr) throw new Error("no port");
      return addr.port;
    });
  } finally {
    await Promise.all(servers.map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}
