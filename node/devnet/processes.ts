import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { pollUntil } from "../../core/poll.ts";
import { REPO_ROOT } from "../../core/repo-root.ts";

export interface Child {
  name: string;
  proc: ChildProcess;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<number | string>;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/**
 * Starts a TypeScript entry point as its own process (node --import tsx), in its own process group so
 * a kill reaches its sandboxed children too. Output goes to a log file; `echo` also mirrors it.
 */
export function startTsProcess(
  name: string,
  entry: string,
  env: Record<string, string>,
  logFile: string,
  echo = false,
): Child {
  mkdirSync(dirname(logFile), { recursive: true });
  const out = createWriteStream(logFile, { flags: "a" });
  const proc = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  proc.stdout?.pipe(out);
  proc.stderr?.pipe(out);
  if (echo) {
    proc.stdout?.on("data", (b: Buffer) => process.stdout.write(prefix(name, b)));
    proc.stderr?.on("data", (b: Buffer) => process.stderr.write(prefix(name, b)));
  }
  const exited = new Promise<number | string>((resolve) =>
    proc.on("exit", (code, sig) => resolve(code ?? sig ?? -1)),
  );
  return {
    name,
    proc,
    exited,
    async stop(signal = "SIGTERM", graceMs = 5000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      killGroup(proc, signal);
      const t = setTimeout(() => killGroup(proc, "SIGKILL"), graceMs);
      await exited;
      clearTimeout(t);
    },
  };
}

export function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  if (proc.pid === undefined) return;
  try {
    process.kill(-proc.pid, signal);
  } catch {
    try {
      proc.kill(signal);
    } catch {}
  }
}

function prefix(name: string, b: Buffer): string {
  return b
    .toString()
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => `[${name}] ${l}\n`)
    .join("");
}

/** The core poll helper under its devnet name; callers pass the timeout positionally. */
export function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 200,
): Promise<T> {
  return pollUntil(what, fn, { timeoutMs, everyMs });
}
