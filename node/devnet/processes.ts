import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { pollUntil } from "../../core/poll.ts";
import { REPO_ROOT } from "../../core/repo-root.ts";
import { PARENT_FD, PARENT_FD_ENV } from "./parent-pipe.ts";

/** Loaded into every child before its entry point: the child exits when the devnet dies. */
const PARENT_WATCH = fileURLToPath(new URL("./parent-watch.mjs", import.meta.url));

export interface Child {
  name: string;
  proc: ChildProcess;
  /** The pid it was started with (undefined only if the spawn itself failed). */
  readonly pid: number | undefined;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<number | string>;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/**
 * Starts a TypeScript entry point as its own process (node --import tsx), in its own process group so
 * a kill reaches its sandboxed children too. Output goes to a log file; `echo` also mirrors it.
 *
 * The group is detached from ours, so a signal to the devnet's group no longer reaches it, and a SIGKILL
 * of the devnet runs no cleanup at all. Hence the extra pipe on fd 3: this process holds its write end,
 * the kernel closes it when we die, and parent-watch.mjs in the child takes the child's group down on EOF.
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
  const proc = spawn(process.execPath, ["--import", "tsx", "--import", PARENT_WATCH, entry], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, [PARENT_FD_ENV]: String(PARENT_FD) },
    stdio: ["ignore", "pipe", "pipe", "pipe"],
    detached: true,
  });
  proc.stdout?.pipe(out);
  proc.stderr?.pipe(out);
  if (echo) {
    proc.stdout?.on("data", (b: Buffer) => process.stdout.write(prefix(name, b)));
    proc.stderr?.on("data", (b: Buffer) => process.stderr.write(prefix(name, b)));
  }
  const exited = new Promise<number | string>((resolve) =>
    proc.on("exit", (code, sig) => {
      proc.stdio[PARENT_FD]?.destroy();
      // A leader that died alone (a crash, a kill -9 of its pid) leaves its group running: BullMQ's
      // sandboxed processor and the native prover server do not watch their parent. They go with it,
      // before a supervisor starts the next one beside them.
      if (proc.pid !== undefined) {
        try {
          process.kill(-proc.pid, "SIGKILL");
        } catch {}
      }
      resolve(code ?? sig ?? -1);
    }),
  );
  return {
    name,
    proc,
    pid: proc.pid,
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

/** Polls until `fn` gives a value (core/poll.ts); kept as the devnet's name for it. */
export function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 200,
): Promise<T> {
  return pollUntil(what, fn, { timeoutMs, everyMs });
}
