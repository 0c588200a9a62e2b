import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Registry } from "prom-client";
import { buildServer } from "../../../sequencer/api/server.ts";
import { devKey, signMessage } from "../../../sequencer/crypto/keys.ts";
import { signedMessageOf } from "../../../sequencer/proof/signed-message.ts";
import { openSequencer } from "./open-sequencer.ts";

/** POST /withdrawals through the real sequencer (LevelDB WAL, engine, tree), no Redis or L1 needed. */
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const alice = devKey("withdrawal-alice");
const ZERO = "0x0000000000000000000000000000000000000000";
const PAYEE = "0x00000000000000000000000000000000000a11ce";

function body(accountId: number, nonce: bigint, amount: bigint, l1Address: string) {
  const msg = signedMessageOf({
    kind: "withdrawal",
    accountId,
    nonce,
    amount,
    l1Address: BigInt(l1Address),
  })!;
  return {
    accountId,
    nonce: nonce.toString(),
    amount: amount.toString(),
    l1Address,
    signature: signMessage(alice.prv, msg),
  };
}

describe("POST /withdrawals", () => {
  it("refuses a correctly signed withdrawal to address 0 with 422 BAD_ADDRESS and changes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "seq-withdrawal-"));
    dirs.push(dir);
    const { db, seq } = await openSequencer(dir);
    await seq.start();
    const registry = new Registry();
    const rejected: string[] = [];
    seq.on("rejected", ({ code }) => rejected.push(code));
    const app = buildServer({
      sequencer: seq,
      keeperPubKey: devKey("unit-keeper").pubKey,
      registry,
      status: { stateRoot: () => 0n, lastProvenBatch: () => 0n, lastVerifiedBatch: () => 0n },
    });
    try {
      await seq.submitDeposit({
        index: 0n,
        pubKeyX: alice.pubKey[0],
        pubKeyY: alice.pubKey[1],
        amount: 5_000n,
      });
      const id = seq.engine.accountIdByKey(...alice.pubKey) as number;
      const before = seq.engine.account(id);
      const post = (payload: Record<string, unknown>) =>
        app.inject({ method: "POST", url: "/withdrawals", payload });

      const bad = await post(body(id, 1n, 1_000n, ZERO));
      assert.equal(bad.statusCode, 422, bad.body);
      const err = bad.json();
      assert.equal(err.code, "BAD_ADDRESS");
      assert.match(err.message, /zero address/);
      assert.deepEqual(err.details, { l1Address: ZERO });
      assert.deepEqual(rejected, ["BAD_ADDRESS"], "counted as a rejection with its code");
      assert.deepEqual(seq.engine.account(id), before, "nonce and collateral untouched");

      // The nonce was not consumed: the same nonce to a real address goes through.
      const ok = await post(body(id, 1n, 1_000n, PAYEE));
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual(ok.json().withdrawal, {
        accountId: id,
        l1Address: BigInt(PAYEE).toString(),
        amount: "1000",
      });
      assert.equal(seq.engine.account(id)?.nonce, 1n);
      assert.equal(seq.engine.account(id)?.collateral, 4_000n);
    } finally {
      await app.close();
      await seq.stop();
      await db.close();
    }
  });
});
