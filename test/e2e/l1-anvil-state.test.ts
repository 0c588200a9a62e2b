import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { checkL1NotReset, type L1Watermark } from "../../node/devnet/l1-reset.ts";
import { type StartAnvilReturnType, startAnvil } from "../../node/l1/anvil.ts";
import { createL1Clients } from "../../node/l1/clients.ts";
import { deposit, GENESIS_ROOT, readRollup, startL1, testKey, until } from "./l1-setup.ts";

const REMEDY = "delete the devnet dir or run with --fresh";

describe("Anvil with a state file (real Anvil)", { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "zk-perps-anvil-state-"));
  const statePath = join(dir, "anvil-state.json");
  const anvils: StartAnvilReturnType[] = [];
  after(async () => {
    await Promise.all(anvils.map((a) => a.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the rollup across a SIGKILL of Anvil, and L1_RESET names a fresh or older chain", async () => {
    const env = await startL1({ statePath, stateIntervalSec: 1 });
    anvils.push(env.anvil);
    const rollupAddress = env.deployed.rollupAddress;
    await deposit(env.anvil.rpcUrl, env.deployed, [{ ...testKey("anvil-state"), amount: 1_000_000n }]);
    const seen = await checkL1NotReset({
      rpcUrl: env.anvil.rpcUrl,
      rollupAddress,
      genesisRoot: GENESIS_ROOT,
      remedy: REMEDY,
    });
    assert.equal(seen.depositCount, 1n);

    // A SIGKILL runs no exit dump: what survives is the last periodic one, so wait for one after the deposit.
    // The mtime moves when anvil starts writing, so also wait until the dump is whole: a kill in the middle
    // of a write leaves a torn file that anvil then refuses at start (seen once in CI).
    const depositedAt = Date.now();
    await until(
      () => existsSync(statePath) && statSync(statePath).mtimeMs > depositedAt + 100 && wholeJson(statePath),
      5000,
      "a whole state dump after the deposit",
    );
    assert.ok(env.anvil.pid !== undefined);
    process.kill(env.anvil.pid, "SIGKILL");
    assert.equal(await env.anvil.exited, "SIGKILL");

    const again = await startAnvil({ port: env.anvil.port, statePath, stateIntervalSec: 1 });
    anvils.push(again);
    const { publicClient } = createL1Clients({ rpcUrl: again.rpcUrl });
    const code = await publicClient.getCode({ address: rollupAddress });
    assert.ok(code && code.length > 2, "the rollup's code survived");
    assert.equal(await readRollup(again.rpcUrl, rollupAddress, "stateRoot"), GENESIS_ROOT);
    assert.equal(await readRollup(again.rpcUrl, rollupAddress, "depositCount"), 1n);
    assert.deepEqual(
      await checkL1NotReset({
        rpcUrl: again.rpcUrl,
        rollupAddress,
        genesisRoot: GENESIS_ROOT,
        watermark: seen,
        remedy: REMEDY,
      }),
      seen,
    );

    // An L1 that is behind what the devnet saw (here: a batch it never verified) is a reset too.
    const ahead: L1Watermark = { ...seen, lastVerifiedBatch: seen.lastVerifiedBatch + 1n };
    await assert.rejects(
      checkL1NotReset({
        rpcUrl: again.rpcUrl,
        rollupAddress,
        genesisRoot: GENESIS_ROOT,
        watermark: ahead,
        remedy: REMEDY,
      }),
      (e: { code?: string; message?: string }) => e.code === "L1_RESET" && /went back/.test(e.message ?? ""),
    );

    const fresh = await startAnvil();
    anvils.push(fresh);
    await assert.rejects(
      checkL1NotReset({ rpcUrl: fresh.rpcUrl, rollupAddress, genesisRoot: GENESIS_ROOT, remedy: REMEDY }),
      (e: { code?: string; message?: string }) =>
        e.code === "L1_RESET" && /no contract/.test(e.message ?? "") && e.message?.includes(REMEDY) === true,
    );
  });
});

function wholeJson(path: string): boolean {
  try {
    JSON.parse(readFileSync(path, "utf8"));
    return true;
  } catch {
    return false;
  }
}
