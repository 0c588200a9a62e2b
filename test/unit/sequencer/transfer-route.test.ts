import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Registry } from "prom-client";
import { buildServer } from "../../../sequencer/api/server.ts";
import { devKey, signMessage } from "../../../sequencer/crypto/keys.ts";
import type { TransferMessageFields } from "../../../sequencer/crypto/messages.ts";
import { signedMessageOf } from "../../../sequencer/proof/signed-message.ts";
import { openSequencer } from "./open-sequencer.ts";

/** POST /transfers through the real sequencer (LevelDB WAL, engine, tree), no Redis or L1 needed. */
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function open(dir: string) {
  const { db, seq } = await openSequencer(dir);
  await seq.start();
  const app = buildServer({
    sequencer: seq,
    keeperPubKey: devKey("unit-keeper").pubKey,
    registry: new Registry(),
    status: { stateRoot: () => 0n, lastProvenBatch: () => 0n, lastVerifiedBatch: () => 0n },
  });
  const close = async () => {
    await app.close();
    await seq.stop();
    await db.close();
  };
  return { seq, app, close };
}

const alice = devKey("transfer-alice");
const bob = devKey("transfer-bob");

function body(prv: Uint8Array, t: TransferMessageFields, extra: Record<string, unknown> = {}) {
  return {
    accountId: t.accountId,
    nonce: t.nonce.toString(),
    amount: t.amount.toString(),
    ...(t.to === undefined ? {} : { to: t.to }),
    ...(t.isolatedMarket === undefined ? {} : { isolatedMarket: t.isolatedMarket }),
    signature: signMessage(prv, signedMessageOf({ kind: "transfer", ...t })!),
    ...extra,
  };
}

describe("POST /transfers", () => {
  it("opens an isolated sub-account, refuses bad requests with typed errors, and survives a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "seq-transfer-"));
    dirs.push(dir);
    const a = await open(dir);
    await a.seq.submitDeposit({
      index: 0n,
      pubKeyX: alice.pubKey[0],
      pubKeyY: alice.pubKey[1],
      amount: 5_000n,
    });
    await a.seq.submitDeposit({ index: 1n, pubKeyX: bob.pubKey[0], pubKeyY: bob.pubKey[1], amount: 5_000n });
    const aliceId = a.seq.engine.accountIdByKey(...alice.pubKey) as number;
    const bobId = a.seq.engine.accountIdByKey(...bob.pubKey) as number;

    const post = (payload: Record<string, unknown>) =>
      a.app.inject({ method: "POST", url: "/transfers", payload });
    const open1 = { accountId: aliceId, nonce: 1n, amount: 1_200n, isolatedMarket: 1 };
    const ok = await post(body(alice.prv, open1));
    assert.equal(ok.statusCode, 200, ok.body);
    const sub = ok.json().transfer.to as number;
    assert.equal(ok.json().transfer.created, true);

    const acct = (await a.app.inject({ method: "GET", url: `/accounts/${sub}` })).json();
    assert.equal(acct.marginMode, "isolated");
    assert.equal(acct.isolatedMarket, 1);
    assert.equal(acct.parentId, aliceId);
    assert.equal(acct.leaf.collateral, "1200");

    const refusals: [Record<string, unknown>, number, string][] = [
      // Signed by bob for alice's account.
      [body(bob.prv, { accountId: aliceId, nonce: 2n, amount: 1n, to: sub }), 401, "BAD_SIGNATURE"],
      // Neither `to` nor `isolatedMarket`.
      [body(alice.prv, { accountId: aliceId, nonce: 2n, amount: 1n }), 400, "BAD_REQUEST"],
      // To bob's account.
      [body(alice.prv, { accountId: aliceId, nonce: 2n, amount: 1n, to: bobId }), 403, "NOT_SAME_OWNER"],
      // A replayed nonce.
      [body(alice.prv, { accountId: aliceId, nonce: 1n, amount: 1n, to: sub }), 409, "BAD_NONCE"],
      [
        body(alice.prv, { accountId: aliceId, nonce: 2n, amount: 9_999n, to: sub }),
        422,
        "INSUFFICIENT_COLLATERAL",
      ],
    ];
    const before = JSON.stringify([a.seq.engine.account(aliceId), a.seq.engine.account(sub)], (_k, v) =>
      typeof v === "bigint" ? v.toString() : v,
    );
    for (const [payload, status, code] of refusals) {
      const res = await post(payload);
      assert.equal(res.statusCode, status, res.body);
      assert.equal(res.json().code, code);
      assert.equal(typeof res.json().message, "string");
    }
    const afterRefusals = JSON.stringify(
      [a.seq.engine.account(aliceId), a.seq.engine.account(sub)],
      (_k, v) => (typeof v === "bigint" ? v.toString() : v),
    );
    assert.equal(afterRefusals, before, "refused transfers changed nothing");

    const back = await post(body(alice.prv, { accountId: sub, nonce: 1n, amount: 200n, to: aliceId }));
    assert.equal(back.statusCode, 200, back.body);
    await a.seq.settled();
    const leaves = [a.seq.engine.account(aliceId), a.seq.engine.account(sub)];
    const view = a.seq.engine.accountView(sub);
    await a.close();

    const b = await open(dir);
    await b.seq.settled();
    assert.deepEqual([b.seq.engine.account(aliceId), b.seq.engine.account(sub)], leaves);
    assert.deepEqual(b.seq.engine.accountView(sub), view);
    assert.equal(b.seq.engine.account(aliceId)?.collateral, 4_000n);
    await b.close();
  });
});
