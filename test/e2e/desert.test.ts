/**
 * Users leave without the operator (issue 12), end to end on real Anvil, Redis, the Batch2 `small`
 * circuit and real proofs: the demo and a run of trades; `npm run reconstruct` reaches L1's root at
 * every batch from L1 alone; a forced withdrawal served in time is paid on L1 and a forced cancel-all
 * leaves no resting order; a new sequencer started from L1 alone goes on proving; then it is killed, a forced withdrawal goes unserved past its
 * deadline (Anvil's clock), desert mode starts, three users exit with `npm run exit` and are paid, a
 * second exit and forged exits revert.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Address, Hex } from "viem";
import { ApiClient, postPrice, Trader } from "../../node/client/api-client.ts";
import { devnetUser } from "../../node/client/l1-user.ts";
import { type Devnet, startDevnet } from "../../node/devnet/devnet.ts";
import { killGroup, waitFor } from "../../node/devnet/processes.ts";
import { createL1Clients } from "../../node/l1/clients.ts";
import { RollupRevertError } from "../../node/l1/errors.ts";
import { signExit, signForcedCancelAll, signForcedWithdrawal } from "../../node/l1/l1-messages.ts";
import { rollupAbi } from "../../node/l1/rollup-abi.ts";
import { sendRollupTx } from "../../node/l1/rollup-tx.ts";
import { reconstructFromL1 } from "../../node/reconstruct/reconstruct-from-l1.ts";
import { type DevKey, devKey } from "../../sequencer/crypto/keys.ts";

const USDC = 1_000_000n;
const PRICE = 60_000_000n;
const DEADLINE_BLOCKS = 5n;
const DEADLINE_SECONDS = 120n;
const REPO = join(import.meta.dirname, "..", "..");

let devnet: Devnet;
let api: ApiClient;
let dir: string;
const seeds = ["desert-alice", "desert-bob", "desert-carol"];
const keys: DevKey[] = seeds.map((s) => devKey(s));
let traders: Trader[];
let l1: ReturnType<typeof devnetUser>[];

function rpc(method: string, params: unknown[]): Promise<unknown> {
  return fetch(devnet.info.l1RpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  }).then((r) => r.json());
}

function rollupCall(who: number) {
  const clients = createL1Clients({
    rpcUrl: devnet.info.l1RpcUrl,
    privateKey: devnet.info.userKeys[who] as Hex,
  });
  const rollup = devnet.info.rollupAddress;
  return {
    account: clients.account!.address,
    read: <T>(functionName: string, args: readonly unknown[] = []) =>
      clients.publicClient.readContract({
        address: rollup,
        abi: rollupAbi,
        functionName,
        args,
      } as never) as Promise<T>,
    /** Sends and waits; a revert comes back as the Rollup error's name. */
    async send(functionName: string, args: readonly unknown[]): Promise<string | undefined> {
      try {
        await sendRollupTx(clients, rollup, functionName, args);
        return undefined;
      } catch (err) {
        if (err instanceof RollupRevertError) return err.errorName;
        throw err;
      }
    },
  };
}

async function verifiedUpTo(n: bigint, timeoutMs = 240_000) {
  await l1[0]!.untilVerified(n, timeoutMs);
}

function cli(script: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: REPO,
    encoding: "utf8",
    timeout: 240_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const devnetOptions = () => ({
  instance: "small",
  dir,
  redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  provers: 1,
  keeper: false,
  batchMaxWaitMs: 300,
  echo: false,
  onProgress: () => {},
  forcedDeadlineBlocks: DEADLINE_BLOCKS,
  forcedDeadlineSeconds: DEADLINE_SECONDS,
  sequencerEnv: { L1_POLL_MS: "200", PRICE_BATCH_WAIT_MS: "300", LOG_LEVEL: "warn" },
  proverEnv: { LOG_LEVEL: "warn" },
});

describe("desert mode end to end (small circuit, real Anvil, Redis and proofs)", {
  timeout: 1_500_000,
}, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "zk-perps-desert-"));
    devnet = await startDevnet(devnetOptions());
    api = new ApiClient(devnet.info.apiUrl);
    const keeper = devKey(devnet.info.keeperSeed);
    await postPrice(api, keeper.prv, 0, PRICE, BigInt(Date.now()));
    await postPrice(api, keeper.prv, 1, PRICE / 2n, BigInt(Date.now()));
    // Users 3..5 of the devnet: the demo takes 0..2.
    l1 = [3, 4, 5].map((i) => devnetUser(devnet.info, i));
    for (const [i, k] of keys.entries()) await l1[i]!.deposit(k.pubKey, 50_000n * USDC);
    traders = [];
    for (const k of keys)
      traders.push(await waitFor("a trader on L2", () => Trader.attach(api, k.prv, k.pubKey), 60_000));
  });

  after(async () => {
    await devnet?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("after the demo and a run of trades, reconstruct rebuilds L1's root at every batch from L1 alone", async () => {
    const demo = spawnSync(process.execPath, ["--import", "tsx", "scripts/demo.ts"], {
      cwd: REPO,
      encoding: "utf8",
      env: { ...process.env, DEVNET_DIR: dir },
      timeout: 600_000,
    });
    assert.equal(demo.status, 0, demo.stderr + demo.stdout);
    const [alice, bob, carol] = traders as [Trader, Trader, Trader];
    await alice.order({ marketId: 0, side: "sell", type: "limit", price: PRICE, size: 50n });
    await bob.order({ marketId: 0, side: "buy", type: "market", size: 30n });
    await carol.order({ marketId: 1, side: "buy", type: "limit", price: PRICE / 2n, size: 20n });
    await alice.order({ marketId: 1, side: "sell", type: "market", size: 20n });
    await verifiedUpTo(await api.sealedUpToNow());

    const out = join(dir, "reconstructed");
    const r = cli("node/reconstruct/main.ts", [
      "--rpc",
      devnet.info.l1RpcUrl,
      "--rollup",
      devnet.info.rollupAddress,
      "--instance",
      "small",
      "--out",
      out,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const last = r.stdout.trim().split("\n").at(-1) ?? "";
    const l1Root = await rollupCall(0).read<bigint>("stateRoot");
    const l1Batch = await rollupCall(0).read<bigint>("lastVerifiedBatch");
    assert.equal(last, `root 0x${l1Root.toString(16).padStart(64, "0")} at batch ${l1Batch}`);
    assert.ok(l1Batch >= 5n, `the demo and the trades verified ${l1Batch} batches`);
  });

  it("a forced withdrawal served in time is paid on L1; a forced cancel-all leaves no resting order", async () => {
    const [alice, bob] = traders as [Trader, Trader];
    const user = rollupCall(4);
    const rollup = devnet.info.rollupAddress as Address;
    const amount = 1_000n * USDC;
    let nonce = await user.read<bigint>("forcedNonce", [BigInt(bob.accountId)]);
    const sig = signForcedWithdrawal(
      keys[1]!.prv,
      rollup,
      BigInt(bob.accountId),
      nonce,
      amount,
      user.account as Address,
    );
    assert.equal(
      await user.send("requestWithdrawal", [
        BigInt(bob.accountId),
        keys[1]!.pubKey[0],
        keys[1]!.pubKey[1],
        amount,
        user.account,
        [sig.r8x, sig.r8y, sig.s],
      ]),
      undefined,
    );
    await waitFor(
      "the forced withdrawal verified on L1",
      async () => ((await user.read<bigint>("priorityConsumed")) >= 1n ? true : undefined),
      240_000,
      500,
    );
    assert.equal(await l1[1]!.withdrawable(), amount);
    const before = await l1[1]!.balance();
    await l1[1]!.claim();
    assert.equal((await l1[1]!.balance()) - before, amount);

    await alice.order({ marketId: 0, side: "buy", type: "limit", price: PRICE / 2n, size: 5n });
    await alice.order({ marketId: 1, side: "sell", type: "limit", price: PRICE, size: 5n });
    const orders = async () =>
      (await api.get<{ openOrders: unknown[] }>(`/accounts/${alice.accountId}`)).openOrders.length;
    assert.ok((await orders()) >= 2);
    const aliceCall = rollupCall(3);
    nonce = await aliceCall.read<bigint>("forcedNonce", [BigInt(alice.accountId)]);
    const c = signForcedCancelAll(keys[0]!.prv, rollup, BigInt(alice.accountId), nonce);
    assert.equal(
      await aliceCall.send("requestCancelAll", [
        BigInt(alice.accountId),
        keys[0]!.pubKey[0],
        keys[0]!.pubKey[1],
        [c.r8x, c.r8y, c.s],
      ]),
      undefined,
    );
    await waitFor(
      "the forced cancel-all verified on L1",
      async () => ((await user.read<bigint>("priorityConsumed")) >= 2n ? true : undefined),
      240_000,
      500,
    );
    assert.equal(await orders(), 0);
  });

  it("a new sequencer starts from L1 alone (npm run devnet -- --from-l1) and its next batch verifies", async () => {
    const root = await rollupCall(0).read<bigint>("stateRoot");
    const last = await rollupCall(0).read<bigint>("lastVerifiedBatch");
    await devnet.stop();
    // The same dir: Anvil's state and devnet.json stay; the sequencer's data is dropped and rebuilt.
    devnet = await startDevnet({ ...devnetOptions(), reuse: true, fromL1: true });
    api = new ApiClient(devnet.info.apiUrl);
    l1 = [3, 4, 5].map((i) => devnetUser(devnet.info, i));
    const st = await api.state();
    assert.equal(BigInt(st.stateRoot), root);
    assert.equal(BigInt(st.lastSealedBatch), last);
    for (const [i, k] of keys.entries()) {
      const t = await Trader.attach(api, k.prv, k.pubKey);
      assert.ok(t, `${seeds[i]} has an account in the state rebuilt from L1`);
      assert.equal(t.accountId, traders[i]?.accountId);
      traders[i] = t;
    }
    const [alice, bob] = traders as [Trader, Trader];
    const keeper = devKey(devnet.info.keeperSeed);
    await postPrice(api, keeper.prv, 0, PRICE, BigInt(Date.now()));
    await alice.order({ marketId: 0, side: "sell", type: "limit", price: PRICE, size: 5n });
    await bob.order({ marketId: 0, side: "buy", type: "market", size: 5n });
    const n = await api.sealedUpToNow();
    assert.ok(n > last);
    await verifiedUpTo(n);
  });

  it("operator gone: an unserved request past its deadline starts desert mode; three users exit and are paid", async () => {
    const [, bob] = traders as [Trader, Trader];
    killGroup(devnet.sequencer().proc, "SIGKILL");
    await new Promise((r) => setTimeout(r, 500));
    const rollup = devnet.info.rollupAddress as Address;
    const user = rollupCall(4);
    const nonce = await user.read<bigint>("forcedNonce", [BigInt(bob.accountId)]);
    const sig = signForcedWithdrawal(
      keys[1]!.prv,
      rollup,
      BigInt(bob.accountId),
      nonce,
      10n * USDC,
      user.account as Address,
    );
    assert.equal(
      await user.send("requestWithdrawal", [
        BigInt(bob.accountId),
        keys[1]!.pubKey[0],
        keys[1]!.pubKey[1],
        10n * USDC,
        user.account,
        [sig.r8x, sig.r8y, sig.s],
      ]),
      undefined,
    );
    const anyone = rollupCall(0);
    assert.equal(await anyone.send("activateDesertMode", []), "NoExpiredRequest");
    await rpc("evm_increaseTime", [Number(DEADLINE_SECONDS) + 1]);
    await rpc("anvil_mine", [`0x${(DEADLINE_BLOCKS + 1n).toString(16)}`]);
    assert.equal(await anyone.send("activateDesertMode", []), undefined);
    assert.equal(await anyone.read<boolean>("desertMode"), true);

    for (const [i, seed] of seeds.entries()) {
      const before = await l1[i]!.balance();
      const r = cli("node/exit/main.ts", [
        "--key",
        `seed:${seed}`,
        "--rpc",
        devnet.info.l1RpcUrl,
        "--rollup",
        rollup,
        "--instance",
        "small",
        "--l1-key",
        devnet.info.userKeys[3 + i] as string,
      ]);
      assert.equal(r.status, 0, r.stderr);
      const paid = BigInt(/^paid (\d+) for 1 accounts/m.exec(r.stdout)?.[1] ?? "-1");
      assert.ok(paid > 0n, r.stdout);
      assert.equal((await l1[i]!.balance()) - before, paid);
    }

    // A second exit of the same account: the nullifier.
    const alice = traders[0] as Trader;
    const state = (await reconstructFromL1({ rpcUrl: devnet.info.l1RpcUrl, rollup, instance: "small" }))
      .state;
    const to = anyone.account as Address;
    const exitArgs = (id: number, fields: bigint[], path: bigint[], key: DevKey) => {
      const s = signExit(key.prv, rollup, BigInt(id), to);
      return [BigInt(id), fields, path, to, [s.r8x, s.r8y, s.s]];
    };
    const fields = state.leafFields(alice.accountId);
    const path = state.accountPath(alice.accountId);
    assert.equal(
      await anyone.send("exit", exitArgs(alice.accountId, fields, path, keys[0]!)),
      "AlreadyExited",
    );

    // Forged exits of an account that has not left (the vault's, account 0, signed with another key
    // would fail the signature; a wrong leaf or path fails the Merkle check first).
    const demoAccount = state
      .accounts()
      .find((a) => a.id !== 0 && !traders.some((t) => t.accountId === a.id));
    assert.ok(demoAccount, "a demo account has not exited");
    const id = demoAccount.id;
    const leaf = state.leafFields(id);
    const richer = [...leaf];
    richer[3] = (richer[3] as bigint) + 1_000_000n * USDC;
    assert.equal(
      await anyone.send("exit", exitArgs(id, richer, state.accountPath(id), keys[0]!)),
      "BadExitProof",
    );
    const badPath = [...state.accountPath(id)];
    badPath[0] = (badPath[0] as bigint) + 1n;
    assert.equal(await anyone.send("exit", exitArgs(id, leaf, badPath, keys[0]!)), "BadExitProof");
    // The right leaf and path, signed by someone else's key.
    assert.equal(
      await anyone.send("exit", exitArgs(id, leaf, state.accountPath(id), keys[0]!)),
      "BadSignature",
    );
  });
});
