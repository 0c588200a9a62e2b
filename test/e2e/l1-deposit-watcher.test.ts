import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createL1Clients } from "../../node/l1/clients.ts";
import { rollupAbi } from "../../node/l1/rollup-abi.ts";
import { type DepositEvent, DepositWatcher } from "../../node/sequencer/watcher.ts";
import { poseidon } from "../../sequencer/crypto/poseidon.ts";
import { deposit, type L1Env, startL1, testKey, until } from "./l1-setup.ts";

const DEPOSITS = [
  { ...testKey("watcher-1"), amount: 1_000_000n },
  { ...testKey("watcher-2"), amount: 2_000_000n },
  { ...testKey("watcher-3"), amount: 3n },
];
const LATER = { ...testKey("watcher-4"), amount: 4n };

function chain(ds: typeof DEPOSITS): bigint[] {
  const hs = [0n];
  for (const d of ds) hs.push(poseidon([hs.at(-1) ?? 0n, d.pubKeyX, d.pubKeyY, d.amount]));
  return hs;
}

describe("L1 deploy, deposit and DepositWatcher (real Anvil, VerifierDouble verifier)", () => {
  let env: L1Env;
  before(async () => {
    env = await startL1();
    await deposit(env.anvil.rpcUrl, env.deployed, DEPOSITS);
  });
  after(async () => {
    await env?.anvil.stop();
  });

  it("stores the deposit hash chain the TypeScript Poseidon computes", async () => {
    const { publicClient } = createL1Clients({ rpcUrl: env.anvil.rpcUrl });
    const want = chain(DEPOSITS);
    for (let k = 0; k < want.length; k++) {
      const got = await publicClient.readContract({
        address: env.deployed.rollupAddress,
        abi: rollupAbi,
        functionName: "depositHashes",
        args: [BigInt(k)],
      });
      assert.equal(got, want[k], `depositHashes[${k}]`);
    }
  });

  it("delivers every deposit in index order exactly once, then the ones made later", async () => {
    const seen: DepositEvent[] = [];
    const w = new DepositWatcher({
      rpcUrl: env.anvil.rpcUrl,
      rollupAddress: env.deployed.rollupAddress,
      fromIndex: 0n,
      fromBlock: env.deployed.blockNumber,
      pollMs: 50,
      onDeposit: async (d) => {
        // A slow handler must still see strict order: the next is not offered until this resolves.
        await new Promise((r) => setTimeout(r, 20));
        seen.push(d);
      },
    });
    w.start();
    try {
      await until(() => seen.length >= 3, 10_000, "3 deposits");
      await deposit(env.anvil.rpcUrl, env.deployed, [LATER]);
      await until(() => seen.length >= 4, 10_000, "4th deposit");
      await new Promise((r) => setTimeout(r, 300)); // a duplicate would show up within a few polls
    } finally {
      await w.stop();
    }
    const hashes = chain([...DEPOSITS, LATER]);
    assert.deepEqual(
      seen.map((d) => d.index),
      [0n, 1n, 2n, 3n],
    );
    assert.deepEqual(
      seen.map((d) => d.depositHash),
      hashes.slice(1),
    );
    assert.equal(seen[1]?.pubKeyX, DEPOSITS[1]?.pubKeyX);
    assert.equal(seen[1]?.amount, 2_000_000n);
    assert.equal(w.nextIndex, 4n);
  });

  it("starts at fromIndex and offers a deposit again when the handler throws", async () => {
    const seen: bigint[] = [];
    let failedOnce = false;
    const errors: unknown[] = [];
    const w = new DepositWatcher({
      rpcUrl: env.anvil.rpcUrl,
      rollupAddress: env.deployed.rollupAddress,
      fromIndex: 2n,
      pollMs: 50,
      onError: (e) => errors.push(e),
      onDeposit: (d) => {
        if (d.index === 2n && !failedOnce) {
          failedOnce = true;
          throw new Error("handler hiccup");
        }
        seen.push(d.index);
      },
    });
    w.start();
    try {
      await until(() => seen.length >= 2, 10_000, "deposits 2 and 3");
    } finally {
      await w.stop();
    }
    assert.deepEqual(seen, [2n, 3n]);
    assert.equal(errors.length, 1);
  });
});
