import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { type RestartEvent, type SupervisedProcess, supervise } from "../../../node/devnet/supervisor.ts";

/** A real node process running `code`: what the supervisor watches, without the devnet around it. */
function nodeChild(code: string): SupervisedProcess {
  const proc = spawn(process.execPath, ["-e", code], { stdio: "ignore" });
  const exited = new Promise<number | string>((resolve) =>
    proc.once("exit", (c, sig) => resolve(c ?? sig ?? -1)),
  );
  return {
    pid: proc.pid,
    exited,
    async stop(signal = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}

/** Gone, or a zombie nobody has reaped yet (a container's pid 1 may never reap): either way not running. */
function running(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (existsSync("/proc/self/stat")) {
    if (!existsSync(stat)) return false;
    try {
      return readFileSync(stat, "utf8").split(") ")[1]?.[0] !== "Z";
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("supervise", () => {
  it("restarts a crashing child with doubling delays up to the cap, and stop() ends it", async () => {
    const starts: number[] = [];
    const events: RestartEvent[] = [];
    const sup = await supervise({
      name: "crasher",
      start: async () => {
        starts.push(Date.now());
        return nodeChild("process.exit(3)");
      },
      backoff: { initialMs: 100, maxMs: 400, resetAfterMs: 60_000 },
      onRestart: (e) => events.push(e),
    });
    await until(() => starts.length >= 5, 10_000, "five starts");
    await sup.stop();
    const n = starts.length;
    await sleep(600);
    assert.equal(starts.length, n, "no start after stop()");

    assert.deepEqual(
      events.slice(0, 4).map((e) => e.delayMs),
      [100, 200, 400, 400],
    );
    assert.deepEqual(
      events.slice(0, 4).map((e) => [e.exit, e.attempt, e.restarts]),
      [
        [3, 1, 1],
        [3, 2, 2],
        [3, 3, 3],
        [3, 4, 4],
      ],
    );
    for (let i = 1; i < 5; i++) {
      const gap = (starts[i] ?? 0) - (starts[i - 1] ?? 0);
      assert.ok(gap >= (events[i - 1]?.delayMs ?? 0), `gap ${i} (${gap} ms) at least its delay`);
    }
    assert.ok(sup.restarts() >= 4);
  });

  it("starts the streak again after the child stayed up for resetAfterMs", async () => {
    const events: RestartEvent[] = [];
    const sup = await supervise({
      name: "slow-crasher",
      start: async () => nodeChild("setTimeout(() => process.exit(1), 300)"),
      backoff: { initialMs: 50, maxMs: 1000, resetAfterMs: 200 },
      onRestart: (e) => events.push(e),
    });
    await until(() => events.length >= 3, 10_000, "three restarts");
    await sup.stop();
    assert.deepEqual(
      events.slice(0, 3).map((e) => [e.attempt, e.delayMs]),
      [
        [1, 50],
        [1, 50],
        [1, 50],
      ],
    );
  });

  it("does not restart a child stopped on purpose, and restarts at once on restart()", async () => {
    let starts = 0;
    const events: RestartEvent[] = [];
    const sup = await supervise({
      name: "sleeper",
      start: async () => {
        starts++;
        return nodeChild("setInterval(() => {}, 1000)");
      },
      onRestart: (e) => events.push(e),
    });
    const first = sup.current();
    await sup.restart("SIGKILL");
    assert.equal(await first.exited, "SIGKILL");
    assert.equal(starts, 2);
    assert.notEqual(sup.current().pid, first.pid);

    const second = sup.current();
    await sup.stop();
    assert.equal(await second.exited, "SIGTERM");
    await sleep(500);
    assert.equal(starts, 2, "no restart after a deliberate stop");
    assert.deepEqual(events, [], "neither counted as a crash");
    assert.equal(sup.restarts(), 0);
  });

  it("with restart: false, reports the exit and leaves the child down", async () => {
    let starts = 0;
    let gaveUp: unknown;
    await supervise({
      name: "once",
      restart: false,
      start: async () => {
        starts++;
        return nodeChild("process.exit(7)");
      },
      onGiveUp: (_name, reason) => {
        gaveUp = reason;
      },
    });
    await until(() => gaveUp !== undefined, 5000, "the exit report");
    await sleep(300);
    assert.equal(gaveUp, 7);
    assert.equal(starts, 1);
  });
});

describe("parent death", () => {
  const dir = mkdtempSync(join(tmpdir(), "zk-perps-parent-death-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a SIGKILL of the devnet process ends its children, their groups and its native children", async () => {
    const script = fileURLToPath(new URL("./fixtures/devnet-parent.ts", import.meta.url));
    const parent = spawn(process.execPath, ["--import", "tsx", script, join(dir, "child.log")], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const parentExited = new Promise((r) => parent.once("exit", r));
    let out = "";
    parent.stdout.on("data", (b: Buffer) => {
      out += b.toString();
    });
    await until(() => out.includes("\n"), 30_000, "the parent's pid line");
    const pids = JSON.parse(out.split("\n")[0] ?? "") as {
      child: number;
      grandchild: number;
      native: number;
      guarded: boolean;
    };
    assert.ok(pids.guarded, "setpriv --pdeathsig is available (util-linux)");
    for (const [what, pid] of Object.entries(pids)) {
      if (typeof pid === "number") assert.ok(running(pid), `${what} (${pid}) runs before the kill`);
    }

    parent.kill("SIGKILL");
    await parentExited;
    await until(
      () => !running(pids.child) && !running(pids.grandchild) && !running(pids.native),
      2500,
      `children ${JSON.stringify(pids)} gone after the parent's SIGKILL`,
    );
  });
});
