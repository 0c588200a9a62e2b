import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { signPoseidon } from "../../../sequencer/crypto/eddsa.ts";
import { devKey, warmUpCrypto } from "../../../sequencer/crypto/keys.ts";
import { cryptoBackend } from "../../../sequencer/crypto/native.ts";
import { poseidon } from "../../../sequencer/crypto/poseidon.ts";
import { type VerifyItem, VerifyPool, VerifyPoolClosedError } from "../../../sequencer/crypto/verify-pool.ts";

const alice = devKey("pool-alice");
const bob = devKey("pool-bob");

function signed(key: typeof alice, msg: bigint): VerifyItem {
  const s = signPoseidon(key.prv, msg);
  return { msg, sig: { r8x: s.R8[0], r8y: s.R8[1], s: s.S }, pubKey: key.pubKey };
}

/** 40 items, every third one broken in a different way: wrong key, wrong message, S out of range. */
function mixed(): { items: VerifyItem[]; expected: boolean[] } {
  const items: VerifyItem[] = [];
  const expected: boolean[] = [];
  for (let i = 0; i < 40; i++) {
    const it = signed(i % 2 ? alice : bob, BigInt(1000 + i));
    if (i % 3 === 0) {
      const broken = [
        { ...it, pubKey: (i % 2 ? bob : alice).pubKey },
        { ...it, msg: it.msg! + 1n },
        { ...it, sig: { ...it.sig, s: 1n << 255n } },
      ][(i / 3) % 3]!;
      items.push(broken);
      expected.push(false);
    } else {
      items.push(it);
      expected.push(true);
    }
  }
  return { items, expected };
}

before(() => {
  warmUpCrypto();
});

for (const threads of [2, 0]) {
  describe(`VerifyPool (${threads ? `${threads} workers` : "in-thread"})`, () => {
    const pool = new VerifyPool({ threads, maxBatch: 16 });
    after(() => pool.close());

    it("uses workers only on the native backend", () => {
      assert.equal(pool.threads, cryptoBackend() === "native" ? threads : 0);
    });

    it("accepts a valid signature and refuses an invalid one", async () => {
      const ok = signed(alice, 42n);
      assert.equal(await pool.verify(ok), true);
      assert.equal(await pool.verify({ ...ok, msg: 43n }), false);
      assert.equal(await pool.verify({ ...ok, pubKey: bob.pubKey }), false);
    });

    it("gives each item of a mixed batch its own verdict, in order", async () => {
      const { items, expected } = mixed();
      assert.deepEqual(await pool.verifyMany(items), expected);
    });

    it("hashes a preimage where it checks, and hands the hash back", async () => {
      const pre = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n, 11n];
      const { msg: _m, ...signedPre } = signed(alice, poseidon(pre));
      const good = await pool.check({ ...signedPre, preimage: pre });
      assert.deepEqual(good, { ok: true, msg: poseidon(pre) });
      const forged = await pool.check({ ...signedPre, preimage: [...pre.slice(0, 10), 12n] });
      assert.equal(forged.ok, false);
      const [tooLong] = await pool.checkMany([{ ...signedPre, preimage: new Array(17).fill(1n) }]);
      assert.deepEqual(tooLong, { ok: false, msg: undefined });
    });

    it("batches checks asked for in the same tick and answers each one", async () => {
      const { items, expected } = mixed();
      assert.deepEqual(await Promise.all(items.map((it) => pool.verify(it))), expected);
    });
  });
}

describe("VerifyPool shutdown", () => {
  it("rejects checks in flight and later ones with VerifyPoolClosedError, and stops its workers", async () => {
    const pool = new VerifyPool({ threads: 2 });
    await pool.ready();
    const { items } = mixed();
    const inFlight = assert.rejects(pool.verifyMany(items), VerifyPoolClosedError);
    await pool.close();
    await inFlight;
    await assert.rejects(pool.verify(items[1]!), VerifyPoolClosedError);
    assert.equal(pool.threads, 0);
    await pool.close(); // idempotent
  });
});
