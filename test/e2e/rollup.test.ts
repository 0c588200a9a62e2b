/**
 * End to end on real Redis, real Anvil, a real circuit (the Batch2 `small` instance), real Groth16 proofs and
 * the real generated verifier: signed orders → batches → proofs on BullMQ workers → verified on L1.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ApiClient, ApiError, postPrice, Trader } from "../../node/client/api-client.ts";
import { devnetUser } from "../../node/client/l1-user.ts";
import { type Devnet, startDevnet } from "../../node/devnet/devnet.ts";
import { killGroup, waitFor } from "../../node/devnet/processes.ts";
import { devKey } from "../../sequencer/crypto/keys.ts";

const USDC = 1_000_000n;
const PRICE = 60_000_000n;
let devnet: Devnet;
let api: ApiClient;
let dir: string;
let keeper: ReturnType<typeof devKey>;
let alice: Trader;
let bob: Trader;
let aliceL1: ReturnType<typeof devnetUser>;

async function verified(n: bigint, timeoutMs = 180_000) {
  await aliceL1.untilVerified(n, timeoutMs);
  // The sequencer records the verification right after L1 has it; wait for its API to catch up.
  return waitFor(
    `batch ${n} marked verified by the sequencer`,
    async () => {
      const b = await api.batch(n);
      return b.status === "verified" ? b : undefined;
    },
    10_000,
    100,
  );
}

describe("rollup end to end (small circuit, real Redis and Anvil)", { timeout: 900_000 }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "zk-perps-e2e-"));
    devnet = await startDevnet({
      instance: "small",
      dir,
      redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      provers: 1,
      keeper: false,
      batchMaxWaitMs: 300,
      echo: false,
      onProgress: () => {},
      sequencerEnv: { L1_POLL_MS: "200", PRICE_BATCH_WAIT_MS: "300", LOG_LEVEL: "warn" },
      proverEnv: { PROVER_LOCK_MS: "4000", PROVER_STALLED_INTERVAL_MS: "1000", LOG_LEVEL: "warn" },
    });
    api = new ApiClient(devnet.info.apiUrl);
    keeper = devKey(devnet.info.keeperSeed);
    await postPrice(api, keeper.prv, 0, PRICE, BigInt(Date.now()));
    await postPrice(api, keeper.prv, 1, PRICE / 2n, BigInt(Date.now()));
    const keys = [devKey("e2e-alice"), devKey("e2e-bob")];
    aliceL1 = devnetUser(devnet.info, 0);
    const bobL1 = devnetUser(devnet.info, 1);
    await aliceL1.deposit(keys[0]!.pubKey, 100_000n * USDC);
    await bobL1.deposit(keys[1]!.pubKey, 100_000n * USDC);
    alice = await waitFor("alice on L2", () => Trader.attach(api, keys[0]!.prv, keys[0]!.pubKey), 30_000);
    bob = await waitFor("bob on L2", () => Trader.attach(api, keys[1]!.prv, keys[1]!.pubKey), 30_000);
  });

  after(async () => {
    await devnet?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("turns signed orders into a batch whose root is verified on L1", async () => {
    await alice.order({ marketId: 0, side: "sell", type: "limit", price: PRICE, size: 100n });
    const fill = (await bob.order({ marketId: 0, side: "buy", type: "market", size: 40n })) as {
      fills: unknown[];
    };
    assert.equal(fill.fills.length, 1);
    const n = await api.sealedUpToNow();
    const b = await verified(n);
    assert.equal(b.status, "verified");
    assert.match(b.l1TxHash ?? "", /^0x[0-9a-f]{64}$/);
    assert.equal(await aliceL1.stateRoot(), BigInt(b.newStateRoot));
    const bobView = await api.get<{ leaf: { positions: { size: string }[] } }>(`/accounts/${bob.accountId}`);
    assert.equal(bobView.leaf.positions[0]?.size, "40");
  });

  it("answers bad input with a 4xx {code, message} and changes no state", async () => {
    const before = await api.state();
    const acct = await api.get(`/accounts/${alice.accountId}`);
    const res = await fetch(`${devnet.info.apiUrl}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { code: string }).code, "MALFORMED_JSON");
    const expect = async (p: Promise<unknown>, status: number, code: string) => {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof ApiError, `expected ${code}`);
      assert.equal(err.code, code);
      assert.equal(err.status, status);
    };
    await expect(
      alice.order({ marketId: 7, side: "buy", type: "limit", price: PRICE, size: 1n }),
      404,
      "UNKNOWN_MARKET",
    );
    await expect(
      alice.order({ marketId: 0, side: "buy", type: "limit", price: PRICE, size: 10n ** 12n }),
      422,
      "SIZE_OUT_OF_RANGE",
    );
    await expect(
      alice.order({ marketId: 0, side: "buy", type: "limit", price: PRICE, size: 1_000_000n }),
      422,
      "INSUFFICIENT_MARGIN",
    );
    const forged = new Trader(api, devKey("mallory").prv, alice.accountId, alice.nonce);
    await expect(
      forged.order({ marketId: 0, side: "buy", type: "limit", price: PRICE, size: 1n }),
      401,
      "BAD_SIGNATURE",
    );
    const replay = new Trader(api, alice.prv, alice.accountId, alice.nonce - 1n);
    await expect(
      replay.order({ marketId: 0, side: "buy", type: "limit", price: PRICE, size: 1n }),
      409,
      "BAD_NONCE",
    );
    assert.deepEqual(await api.get(`/accounts/${alice.accountId}`), acct);
    const after = await api.state();
    assert.equal(after.stateRoot, before.stateRoot);
    assert.equal(after.openBatch, before.openBatch);
  });

  // The first worker proves with the default engine (native, where it was built), the second with
  // snarkjs: the reference engine stays exercised end to end.
  it("still verifies a batch whose prover was killed mid-proof (stalled job requeued), on a snarkjs worker", async () => {
    // Drain the queue first, so the next batch is the only job and we can catch it mid-proof.
    await verified(await api.sealedUpToNow());
    await Promise.all(devnet.provers.map((p) => p.stop()));
    await bob.order({ marketId: 0, side: "buy", type: "market", size: 5n });
    const n = await api.sealedUpToNow();
    const a = devnet.startProver();
    await waitFor(
      `batch ${n} proving`,
      async () => ((await api.batch(n)).status === "proving" ? true : undefined),
      60_000,
      20,
    );
    killGroup(a.proc, "SIGKILL");
    await a.exited;
    const b = devnet.startProver({ PROVER: "snarkjs" });
    const done = await verified(n);
    assert.equal(done.status, "verified");
    assert.ok(
      done.proverId?.endsWith(`:${b.proc.pid}`),
      `proved by the second worker (${b.proc.pid}), got ${done.proverId}`,
    );
  });

  it("restarts a SIGKILLed sequencer from its log with the same roots and no acknowledged order lost", async () => {
    await alice.order({ marketId: 1, side: "sell", type: "limit", price: PRICE / 2n, size: 30n });
    await alice.order({ marketId: 1, side: "sell", type: "limit", price: PRICE / 2n + 100n, size: 7n });
    const book = await api.get("/markets/1/book");
    const acct = await api.get(`/accounts/${alice.accountId}`);
    const s = await api.state();
    const roots = [];
    for (let n = 1n; n <= BigInt(s.lastSealedBatch); n++) roots.push((await api.batch(n)).newStateRoot);

    await devnet.restartSequencer("SIGKILL");

    assert.deepEqual(await api.get("/markets/1/book"), book);
    assert.deepEqual(await api.get(`/accounts/${alice.accountId}`), acct);
    for (let n = 1n; n <= BigInt(roots.length); n++)
      assert.equal((await api.batch(n)).newStateRoot, roots[Number(n) - 1]);
    // The restarted node goes on: a new trade still ends verified on L1 with the sequencer's root.
    await bob.order({ marketId: 1, side: "buy", type: "market", size: 30n });
    const n = await api.sealedUpToNow();
    const b = await verified(n);
    assert.equal(await aliceL1.stateRoot(), BigInt(b.newStateRoot));
  });

  it("liquidates through the liquidation lane and proves that batch at liquidation priority", async () => {
    const carolKey = devKey("e2e-carol");
    const carolL1 = devnetUser(devnet.info, 2);
    await carolL1.deposit(carolKey.pubKey, 1_000n * USDC);
    const carol = await waitFor(
      "carol on L2",
      () => Trader.attach(api, carolKey.prv, carolKey.pubKey),
      30_000,
    );
    await alice.order({ marketId: 0, side: "sell", type: "limit", price: PRICE, size: 200n });
    await alice.order({ marketId: 0, side: "buy", type: "limit", price: (PRICE * 97n) / 100n, size: 50n });
    // ~8.4x leverage: a limit IOC at the ask, so no market-order band counts against her margin.
    await carol.order({ marketId: 0, side: "buy", type: "limit", tif: "IOC", price: PRICE, size: 140n });
    await postPrice(api, keeper.prv, 0, (PRICE * 90n) / 100n, BigInt(Date.now()));
    // The simple waterfall sells on the book within the band (alice's 50 lots at 97%) and stops once carol
    // is back above maintenance; the backstop takes over only what is still liquidatable.
    const rec = await waitFor(
      "carol's liquidation event",
      () => api.closedLiquidation(carol.accountId),
      30_000,
    );
    assert.equal(rec.policy, "simple");
    assert.deepEqual(
      rec.fills.map((f) => [f.tier, f.size]),
      [["on-book", "-50"]],
    );
    const after = await api.get<{
      leaf: { positions: { size: string }[] };
      equity: string;
      maintenanceRequirement: string;
    }>(`/accounts/${carol.accountId}`);
    assert.equal(after.leaf.positions[0]?.size, "90");
    assert.ok(BigInt(after.equity) >= BigInt(after.maintenanceRequirement), "back above maintenance");
    const last = await api.sealedUpToNow();
    let liqBatch: bigint | undefined;
    for (let n = last; n >= 1n && liqBatch === undefined; n--)
      if ((await api.batch(n)).priority === "liquidation") liqBatch = n;
    assert.ok(liqBatch, "a batch carries the liquidation");
    const b = await verified(last);
    assert.equal(b.status, "verified");
    assert.equal((await api.batch(liqBatch)).status, "verified");
  });

  it("opens an isolated sub-account over HTTP, trades from it and gets that batch verified on L1", async () => {
    const opened = (await bob.transfer(200n * USDC, { isolatedMarket: 0 })) as { transfer: { to: number } };
    const sub = await bob.sibling(opened.transfer.to);
    await alice.order({ marketId: 0, side: "sell", type: "limit", price: PRICE, size: 5n });
    const fill = (await sub.order({
      marketId: 0,
      side: "buy",
      type: "limit",
      tif: "IOC",
      price: PRICE,
      size: 5n,
    })) as { status: string };
    assert.equal(fill.status, "filled");
    const other = await sub
      .order({ marketId: 1, side: "buy", type: "limit", price: PRICE / 2n, size: 1n })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(other instanceof ApiError && other.status === 422 && other.code === "ISOLATED_MARKET");
    const view = await api.get<{
      marginMode: string;
      parentId: number;
      leaf: { pubKeyX: string; positions: { size: string }[] };
    }>(`/accounts/${sub.accountId}`);
    assert.equal(view.marginMode, "isolated");
    assert.equal(view.parentId, bob.accountId);
    assert.equal(view.leaf.positions[0]?.size, "5");
    const b = await verified(await api.sealedUpToNow());
    assert.equal(await aliceL1.stateRoot(), BigInt(b.newStateRoot));
  });

  it("pays a withdrawal on L1 once its batch is verified", async () => {
    const beforeBal = await aliceL1.balance();
    await alice.withdraw(500n * USDC, aliceL1.address);
    const n = await api.sealedUpToNow();
    await verified(n);
    assert.equal(await aliceL1.withdrawable(), 500n * USDC);
    await aliceL1.claim();
    assert.equal(await aliceL1.balance(), beforeBal + 500n * USDC);
  });
});
