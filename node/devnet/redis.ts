import { spawn, spawnSync } from "node:child_process";
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
  stop(): Promise<void>;
}

/**
 * Uses the Redis at `url` if it answers; otherwise starts a private redis-server on a free port with
 * its own temp dir, so a fresh machine works without setup. If there is no redis-server binary either,
 * the error says how to get one.
 */
export async function ensureRedis(url: string): Promise<RedisHandle> {
  if (await ping(url)) return { url, private: false, stop: async () => {} };
  const which = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (which.error) {
    throw new RedisUnavailableError(
      "REDIS_UNAVAILABLE",
      `nothing answers at ${url} and redis-server is not installed. Install it (Debian/Ubuntu: \`sudo apt-get install redis-server\`; macOS: \`brew install redis\`) or set REDIS_URL to a running Redis.`,
    );
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "zk-perps-redis-"));
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
  const privateUrl = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (await ping(privateUrl, 300)) {
      return {
        url: privateUrl,
        private: true,
        async stop() {
          child.kill("SIGTERM");
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new RedisUnavailableError(
    "REDIS_UNAVAILABLE",
    `started redis-server on port ${port} but it did not answer`,
  );
}
