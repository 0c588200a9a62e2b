import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { L1Watermark } from "./l1-reset.ts";
import type { RestartEvent } from "./supervisor.ts";

/**
 * `status.json` in the devnet dir: what runs now (pids, crash restarts, the last exit) and the L1
 * watermark. devnet.json stays what it was, the static facts of the deployment that tools read; this
 * one changes while the devnet runs, so it is rewritten whole and renamed into place (no torn reads).
 */
export const STATUS_FILE = "status.json";

export interface ChildStatus {
  pid: number | undefined;
  restarts: number;
  lastExit?: number | string;
  lastExitAt?: string;
}

export interface DevnetStatus {
  devnetPid: number;
  state: "starting" | "running" | "stopped" | "failed";
  updatedAt: string;
  children: Record<string, ChildStatus>;
  /** Decimal/hex strings: JSON has no bigint. */
  l1?: { lastVerifiedBatch: string; stateRoot: string; depositCount: string };
  error?: { code?: string; message: string };
}

export class StatusFile {
  private readonly path: string;
  private readonly s: DevnetStatus;

  constructor(dir: string) {
    this.path = join(dir, STATUS_FILE);
    this.s = {
      devnetPid: process.pid,
      state: "starting",
      updatedAt: "",
      children: {},
    };
  }

  started(name: string, pid: number | undefined): void {
    const c = this.s.children[name];
    this.s.children[name] = { ...c, pid, restarts: c?.restarts ?? 0 };
    this.write();
  }

  /** A crash, with the restart count that includes the restart about to happen. */
  restarting(e: RestartEvent): void {
    this.exited(e.name, e.exit, e.restarts);
  }

  exited(name: string, exit: number | string, restarts = this.s.children[name]?.restarts ?? 0): void {
    this.s.children[name] = {
      pid: undefined,
      restarts,
      lastExit: exit,
      lastExitAt: new Date().toISOString(),
    };
    this.write();
  }

  watermark(w: L1Watermark): void {
    this.s.l1 = {
      lastVerifiedBatch: w.lastVerifiedBatch.toString(),
      stateRoot: `0x${w.stateRoot.toString(16)}`,
      depositCount: w.depositCount.toString(),
    };
    this.write();
  }

  state(state: DevnetStatus["state"], err?: unknown): void {
    this.s.state = state;
    if (err !== undefined) {
      const e = err as { code?: string; message?: string };
      this.s.error = { ...(e.code ? { code: e.code } : {}), message: e.message ?? String(err) };
    }
    this.write();
  }

  snapshot(): Readonly<DevnetStatus> {
    return structuredClone(this.s);
  }

  private write(): void {
    this.s.updatedAt = new Date().toISOString();
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.s, null, 2)}\n`);
    renameSync(tmp, this.path);
  }
}

/** The watermark a previous run of the devnet in `dir` left, if any. */
export function readWatermark(dir: string): L1Watermark | undefined {
  const path = join(dir, STATUS_FILE);
  if (!existsSync(path)) return undefined;
  const l1 = (JSON.parse(readFileSync(path, "utf8")) as DevnetStatus).l1;
  if (!l1) return undefined;
  return {
    lastVerifiedBatch: BigInt(l1.lastVerifiedBatch),
    stateRoot: BigInt(l1.stateRoot),
    depositCount: BigInt(l1.depositCount),
  };
}
