import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { BaseError } from "../../core/errors.ts";
import { freePort } from "../l1/anvil.ts";
import { dieWithParent } from "./parent-death.ts";

export class RedisUnavailableError extends BaseError {
  override name = "RedisUnavailableError";
}

export async function ping(url: string, timeoutMs = 1500): Promise<boolean> {
  const r = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on("error", () => {});
  try {
    await r.connect();
    return (await r.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

export interface RedisHandle {
  url: string;
  private: boolean;
  /**
   * A private Redis only: kill it and start an empty one on the same port (what a Redis crash without
   * persistence looks like to its clients). Resolves once the new one answers.
   */
  restart?: () => Promise<void>;
  stop(): Promise<void>;
}

/**
 * Uses the Redis at `url` if it answers; otherwise starts a private redis-server on a free port with
 * its own temp dir, so a fresh machine works without setup. If there is no redis-server binary either,
 * the error says how to get one. `forcePrivate` always starts a private one (a chaos run restarts it,
 * which must not touch a Redis anybody else uses).
 */
export async function ensureRedis(url: string, o: { forcePrivate?: boolean } = {}): Promise<RedisHandle> {
  if (!o.forcePrivate && (await ping(url))) return { url, private: false, stop: async () => {} };
  const which = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (which.error) {
    throw new RedisUnavailableError(
      "REDIS_UNAVAILABLE",
      `nothing answers at ${url} and redis-server is not installed. Install it (Debian/Ubuntu: \`sudo apt-get install redis-server\`; macOS: \`brew install redis\`) or set REDIS_URL to a running Redis.`,
    );
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "zk-perps-redis-"));
  const privateUrl = `redis://127.0.0.1:${port}`;
  let child = await startRedisServer(port, dir, privateUrl);
  return {
    url: privateUrl,
    private: true,
    async restart() {
      await killAndWait(child, "SIGKILL");
      child = await startRedisServer(port, dir, privateUrl);
    },
    async stop() {
      await killAndWait(child, "SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A redis-server that keeps nothing on disk, on `port`; resolves once it answers. */
async function startRedisServer(port: number, dir: string, url: string): Promise<ChildProcess> {
  // A private Redis is ours alone: it must not outlive the devnet (or the test run) that started it.
  const cmd = dieWithParent("redis-server", [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
  ]);
  const child = spawn(cmd.cmd, cmd.args, { stdio: "ignore" });
  for (let i = 0; i < 50; i++) {
    if (await ping(url, 300)) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new RedisUnavailableError(
    "REDIS_UNAVAILABLE",
    `started redis-server on port ${port} but it did not answer`,
  );
}

async function killAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill(signal);
  await gone;
}
