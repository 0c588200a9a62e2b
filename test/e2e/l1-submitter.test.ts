import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Address } from "viem";
import { startAnvil } from "../../node/l1/anvil.ts";
import { createL1Clients } from "../../node/l1/clients.ts";
import { RollupRevertError } from "../../node/l1/errors.ts";
import { rollupAbi } from "../../node/l1/rollup-abi.ts";
import { L1Submitter, type ProvenBatch, type SubmitterEvent } from "../../node/sequencer/submitter.ts";
import {
  deposit,
  GENESIS_ROOT,
  type L1Env,
  OPERATOR_KEY,
  readRollup,
  startL1,
  testKey,
  until,
} from "./l1-setup.ts";

const PROOF = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n] as const;
const ALICE: Address = "0x00000000000000000000000000000000000a11ce";

/** Batch n moves root GENESIS+n-1 → GENESIS+n. */
function batch(n: bigint, extra: Partial<ProvenBatch> = {}): ProvenBatch {
  return {
    batchNumber: n,
    oldStateRoot: GENESIS_ROOT + n - 1n,
    newStateRoot: GENESIS_ROOT + n,
    depositCount: 0n,
    priorityCount: 0n,
    withdrawals: [],
    batchTimeMs: n,
    data: [],
    proof: PROOF,
    ...extra,
  };
}

function makeSubmitter(
  env: L1Env,
  proven: Map<bigint, ProvenBatch>,
  events: SubmitterEvent[],
  asked?: bigint[],
) {
  return new L1Submitter({
    rpcUrl: env.anvil.rpcUrl,
    operatorKey: OPERATOR_KEY,
    rollupAddress: env.deployed.rollupAddress,
    pollMs: 50,
    receiptTimeoutMs: 3000,
    getProven: async (n) => {
      asked?.push(n);
      return proven.get(n);
    },
    onEvent: (e) => events.push(e),
  });
}

const verified = (events: SubmitterEvent[]) =>
  events.filter((e) => e.type === "verified").map((e) => e.batchNumber);
const submitted = (events: SubmitterEvent[]) =>
  events.filter((e) => e.type === "submitted").map((e) => e.batchNumber);

describe("L1Submitter against a real Anvil (VerifierDouble verifier, accepts any proof)", () => {
  let env: L1Env;
  before(async () => {
    env = await startL1();
    await deposit(env.anvil.rpcUrl, env.deployed, [
      { ...testKey("submitter-1"), amount: 500n },
      { ...testKey("submitter-2"), amount: 700n },
    ]);
  });
  after(async () => {
    await env?.anvil.stop();
  });

  it("sends batches strictly in order, holding later proven batches until the next one is proven", async () => {
    const proven = new Map<bigint, ProvenBatch>();
    const events: SubmitterEvent[] = [];
    proven.set(
      2n,
      batch(2n, {
        withdrawals: [
          { accountId: 1n, to: ALICE, amount: 300n },
          { accountId: 2n, to: ALICE, amount: 400n },
        ],
      }),
    );
    proven.set(3n, batch(3n, { data: [0xdeadbeefn] }));
    const s = makeSubmitter(env, proven, events);
    s.start();
    try {
      await new Promise((r) => setTimeout(r, 400));
      assert.deepEqual(submitted(events), [], "nothing may be sent before batch 1 is proven");
      proven.set(1n, batch(1n, { depositCount: 2n }));
      await until(() => verified(events).length >= 3, 15_000, "3 verified batches");
    } finally {
      await s.stop();
    }
    assert.deepEqual(submitted(events), [1n, 2n, 3n]);
    assert.deepEqual(verified(events), [1n, 2n, 3n]);
    assert.equal(await readRollup(env.anvil.rpcUrl, env.deployed.rollupAddress, "lastVerifiedBatch"), 3n);
    assert.equal(
      await readRollup(env.anvil.rpcUrl, env.deployed.rollupAddress, "stateRoot"),
      GENESIS_ROOT + 3n,
    );
    assert.equal(await readRollup(env.anvil.rpcUrl, env.deployed.rollupAddress, "depositsConsumed"), 2n);
    const { publicClient } = createL1Clients({ rpcUrl: env.anvil.rpcUrl });
    const credited = await publicClient.readContract({
      address: env.deployed.rollupAddress,
      abi: rollupAbi,
      functionName: "withdrawable",
      args: [ALICE],
    });
    assert.equal(credited, 700n);
    const gas = events.filter((e) => e.type === "verified").map((e) => e.gasUsed);
    assert.ok(
      gas.every((g) => typeof g === "bigint" && g > 0n),
      "verified events carry gasUsed",
    );
    console.log(
      `# gas submitBatch (VerifierDouble): 2 deposits/0 wd ${gas[0]}, 0 deposits/2 wd ${gas[1]}, empty ${gas[2]}`,
    );
  });

  it("resumes after a restart from L1's lastVerifiedBatch without resending verified batches", async () => {
    const proven = new Map<bigint, ProvenBatch>([1n, 2n, 3n, 4n].map((n) => [n, batch(n)]));
    const events: SubmitterEvent[] = [];
    const asked: bigint[] = [];
    const s = makeSubmitter(env, proven, events, asked);
    s.start();
    try {
      await until(() => verified(events).length >= 1, 10_000, "batch 4 verified");
    } finally {
      await s.stop();
    }
    assert.equal(asked[0], 4n, "the first batch asked for is lastVerifiedBatch + 1");
    assert.ok(!asked.some((n) => n < 4n));
    assert.deepEqual(submitted(events), [4n]);
    assert.deepEqual(verified(events), [4n]);
  });

  it("reports a contract revert as a typed failed event, sends nothing, and retries until the batch is right", async () => {
    const proven = new Map<bigint, ProvenBatch>([[5n, batch(5n, { oldStateRoot: 42n })]]);
    const events: SubmitterEvent[] = [];
    const s = makeSubmitter(env, proven, events);
    s.start();
    try {
      await until(() => events.some((e) => e.type === "failed"), 10_000, "a failed event");
      const failed = events.find((e) => e.type === "failed");
      assert.ok(failed?.error instanceof RollupRevertError, "error is a RollupRevertError");
      assert.equal(failed.error.code, "ROLLUP_STALE_ROOT");
      assert.deepEqual(failed.error.args, [GENESIS_ROOT + 4n, 42n]);
      assert.equal(failed.batchNumber, 5n);
      assert.deepEqual(submitted(events), []);
      proven.set(5n, batch(5n));
      await until(() => verified(events).length >= 1, 10_000, "batch 5 verified");
    } finally {
      await s.stop();
    }
    assert.deepEqual(verified(events), [5n]);
  });

  it("counts a batch that another sender got on L1 first (BatchAlreadyVerified) as verified, once", async () => {
    const events: SubmitterEvent[] = [];
    const { publicClient, walletClient } = createL1Clients({
      rpcUrl: env.anvil.rpcUrl,
      privateKey: OPERATOR_KEY,
    });
    const b6 = batch(6n);
    let raced = false;
    const s = new L1Submitter({
      rpcUrl: env.anvil.rpcUrl,
      operatorKey: OPERATOR_KEY,
      rollupAddress: env.deployed.rollupAddress,
      pollMs: 50,
      // Between the submitter's read of lastVerifiedBatch and its send, batch 6 lands on L1 from elsewhere.
      getProven: async (n) => {
        if (n !== 6n) return undefined;
        if (!raced && walletClient) {
          raced = true;
          const hash = await walletClient.writeContract({
            address: env.deployed.rollupAddress,
            abi: rollupAbi,
            functionName: "submitBatch",
            args: [6n, b6.oldStateRoot, b6.newStateRoot, 0n, 0n, [], b6.batchTimeMs, b6.data, PROOF],
            chain: null,
          });
          await publicClient.waitForTransactionReceipt({ hash });
        }
        return b6;
      },
      onEvent: (e) => events.push(e),
    });
    s.start();
    try {
      await until(() => verified(events).length >= 1, 10_000, "batch 6 verified");
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await s.stop();
    }
    assert.ok(raced);
    assert.deepEqual(verified(events), [6n]);
    assert.deepEqual(submitted(events), [], "the submitter did not send a duplicate");
    assert.deepEqual(
      events.filter((e) => e.type === "failed"),
      [],
    );
  });

  it("sends a batch proven more than the clock skew after the last L1 block (an idle chain)", async () => {
    // The Rollup checks batchTimeMs against the block that carries it. On a chain without traffic the
    // latest block is old: checked against it, a fresh batch would look too far ahead, and since the
    // submitter would then send nothing, no newer block would ever come (Anvil mines only on a tx).
    const { publicClient } = createL1Clients({ rpcUrl: env.anvil.rpcUrl });
    const latest = (await publicClient.getBlock()).timestamp;
    const timeMs = latest * 1000n + 60_000n + 5_000n;
    while (BigInt(Math.floor(Date.now() / 1000)) < latest + 7n) await new Promise((r) => setTimeout(r, 200));
    const events: SubmitterEvent[] = [];
    const s = makeSubmitter(env, new Map([[7n, batch(7n, { batchTimeMs: timeMs })]]), events);
    s.start();
    try {
      await until(() => verified(events).length >= 1, 10_000, "batch 7 verified");
    } finally {
      await s.stop();
    }
    assert.deepEqual(
      events.filter((e) => e.type === "failed"),
      [],
    );
    assert.equal(await readRollup(env.anvil.rpcUrl, env.deployed.rollupAddress, "lastBatchTimeMs"), timeMs);
  });
});

describe("L1Submitter survives an Anvil restart and a dropped transaction (VerifierDouble verifier)", () => {
  let env: L1Env;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "l1-submitter-"));
    env = await startL1({ statePath: join(dir, "anvil-state.json") });
  });
  after(async () => {
    await env?.anvil.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("resends a batch whose tx was lost with a restarted Anvil, and never skips or reorders", async () => {
    const statePath = join(dir, "anvil-state.json");
    const proven = new Map<bigint, ProvenBatch>([[1n, batch(1n)]]);
    const events: SubmitterEvent[] = [];
    const s = makeSubmitter(env, proven, events);
    s.start();
    try {
      await until(() => verified(events).length >= 1, 10_000, "batch 1 verified");

      // Stop mining so batch 2's tx sits in the mempool, then restart Anvil from its state file: the
      // pending tx is gone (a dropped tx) and the node was unreachable for a while.
      const { publicClient } = createL1Clients({ rpcUrl: env.anvil.rpcUrl });
      await publicClient.request({ method: "evm_setAutomine" as never, params: [false] as never });
      proven.set(2n, batch(2n));
      await until(() => submitted(events).includes(2n), 10_000, "batch 2 submitted");
      await env.anvil.stop();
      await new Promise((r) => setTimeout(r, 500));
      env.anvil = await startAnvil({ port: env.anvil.port, statePath });
      assert.equal(
        await readRollup(env.anvil.rpcUrl, env.deployed.rollupAddress, "lastVerifiedBatch"),
        1n,
        "the restarted chain kept batch 1 only",
      );

      proven.set(3n, batch(3n));
      await until(() => verified(events).length >= 3, 30_000, "batches 2 and 3 verified");
    } finally {
      await s.stop();
    }
    assert.deepEqual(verified(events), [1n, 2n, 3n]);
    assert.ok(submitted(events).filter((n) => n === 2n).length >= 2, "batch 2 was sent again after the drop");
    assert.ok(
      events.some((e) => e.type === "failed" && e.batchNumber === 2n),
      "the lost tx surfaced as a failure",
    );
    assert.equal(
      await readRollup(env.anvil.rpcUrl, env.deployed.rollupAddress, "stateRoot"),
      GENESIS_ROOT + 3n,
    );
  });
});
