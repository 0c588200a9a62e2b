/**
 * The batch's L1 interface in the circuit (issue 12): the published data words are exactly the state
 * change, and priority requests from L1 are served in queue order at the rule's amount. Each hostile
 * batch fails at the constraint that states its rule (pinned with failsAt), and the model refuses it
 * with the rule's code where the model can see it.
 */

import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { dataLayout, decodeBatchData } from "../../sequencer/proof/batch-data.ts";
import { forcedWithdrawalPay } from "../../sequencer/proof/forced.ts";
import type { ProofOp } from "../../sequencer/proof/ops.ts";
import { type Batch2Witness, priorityItem } from "../../sequencer/proof/witness.ts";
import { type CompiledBatch2, compiledBatch2 } from "../utils/batch2.ts";
import { addField, failsAt, witness } from "../utils/circuit.ts";
import { alice, BOB_L1, bob, carol, run } from "./batch2-story.ts";

let c: CompiledBatch2;
before(async () => {
  c = await compiledBatch2("tiny");
});

const AT = {
  dataWord: failsAt("Batch2", "batch2.circom", "data[GW + i * AW + k] === accountData[i].words[k]"),
  globalWord: failsAt("Batch2", "batch2.circom", "data[k] === globalData.words[k]"),
  orderWord: failsAt("Batch2", "batch2.circom", "data[GW + N * AW + k] === orderData.words[k]"),
  keyFromLater: failsAt("AccountData", "batch-data.circom", "sel.sel[c] === 0;"),
  keyFromWrong: failsAt("AccountData", "batch-data.circom", "new[0] === kx;"),
  forcedPay: failsAt("ForcedSlot", "forced-slot.circom", "wm.out === pay;"),
  forcedTo: failsAt("ForcedSlot", "forced-slot.circom", "wt.out === isW.out * to;"),
  forcedAccount: failsAt("ForcedSlot", "forced-slot.circom", "id.out === en * accountId;"),
  priorityChain: failsAt("Batch2", "batch2.circom", "pHash[NP] === priorityHashNew;"),
};

type Forced = Extract<ProofOp, { kind: "forced" }>;

/** The six-batch story, then one batch of `ops` on the same chain (a priority request ends it). */
function after(ops: (chain: ReturnType<typeof run>["chain"]) => ProofOp[], unchecked = false): Batch2Witness {
  const { chain, signer } = run(c);
  return chain.buildBatch({
    batchNumber: 7n,
    batchTimeMs: 7_000n,
    ops: ops(chain),
    signatures: signer.sigs,
    ...(unchecked ? { unchecked } : {}),
  });
}

/** A forced withdrawal by `key` of account `accountId`, paying what the rule says unless `paid` is given. */
function forcedWd(
  chain: ReturnType<typeof run>["chain"],
  accountId: number,
  key: typeof bob,
  amount: bigint,
  paid?: bigint,
): Forced {
  const req = {
    kind: "forced" as const,
    priorityIndex: 0n,
    request: "withdrawal" as const,
    accountId,
    pubKeyX: key.pubKey[0],
    pubKeyY: key.pubKey[1],
    amount,
    to: BOB_L1,
  };
  const rule = forcedWithdrawalPay(
    chain.model.leaf(accountId),
    req,
    chain.model.markets,
    chain.model.rules.markets,
  );
  return { ...req, paid: paid ?? rule };
}

describe("Batch2's published data (tiny instance)", () => {
  it("the data words of every story batch decode to the batch's new leaves and global fields", () => {
    const { witnesses } = run(c);
    const l = dataLayout(c.inst);
    for (const w of witnesses) {
      assert.equal(w.data.length, l.words);
      const d = decodeBatchData(l, w.data);
      assert.deepEqual(d, w.records);
      assert.ok(
        d.accounts.some((a) => a !== null),
        "every story batch changes an account",
      );
    }
  });

  it("a data word with one byte changed (an account's collateral) fails at the account record", async () => {
    const w = run(c, 3).witnesses[2] as Batch2Witness;
    const l = dataLayout(c.inst);
    const data = w.input.data as string[];
    // The first account record's first word holds its collateral in the low bytes.
    data[l.globalWords] = addField(data[l.globalWords], 1n << 8n);
    await assert.rejects(witness(w.input, c.wasmPath), AT.dataWord);
  });

  it("a changed global word (the insurance fund) fails at the global record", async () => {
    const w = run(c, 4).witnesses[3] as Batch2Witness;
    const data = w.input.data as string[];
    data[0] = addField(data[0], 1n);
    await assert.rejects(witness(w.input, c.wasmPath), AT.globalWord);
  });

  it("an order record that hides a fill (filled 0) fails at the order record", async () => {
    const w = run(c, 3).witnesses[2] as Batch2Witness;
    const l = dataLayout(c.inst);
    const data = w.input.data as string[];
    const at = l.globalWords + l.N * l.accountWords;
    data[at] = addField(data[at], -(50n << (8n * 18n)));
    await assert.rejects(witness(w.input, c.wasmPath), AT.orderWord);
  });

  it("a new account's key named from a later slot fails: the reader could not resolve it", async () => {
    const w = run(c, 1).witnesses[0] as Batch2Witness;
    const keyFrom = w.input.keyFrom as string[];
    const i = keyFrom.findIndex((k) => k !== "0");
    assert.ok(i >= 0, "the deposit gives its account a key");
    keyFrom[i] = String(1 + i + 1);
    await assert.rejects(witness(w.input, c.wasmPath), AT.keyFromLater);
  });

  it("a new account's key named from the wrong source (the old key) fails", async () => {
    const w = run(c, 1).witnesses[0] as Batch2Witness;
    const keyFrom = w.input.keyFrom as string[];
    const i = keyFrom.findIndex((k) => k !== "0");
    keyFrom[i] = "0";
    await assert.rejects(witness(w.input, c.wasmPath), AT.keyFromWrong);
  });
});

describe("Batch2 serves L1 priority requests (tiny instance)", () => {
  it("a forced withdrawal pays bob's free collateral, capped by the amount asked", async () => {
    let pay = 0n;
    const w = after((chain) => {
      const f = forcedWd(chain, 2, bob, 1n << 70n);
      pay = f.paid;
      return [f];
    });
    assert.ok(pay > 0n, "bob has free collateral");
    assert.equal(w.priorityCount, 1n);
    assert.deepEqual(w.withdrawals, [{ accountId: 2, l1Address: BOB_L1, amount: pay }]);
    const wires = await witness(w.input, c.wasmPath);
    assert.equal(wires[1], w.publicHash);

    const small = after((chain) => [forcedWd(chain, 2, bob, 7n)]);
    assert.equal(small.withdrawals[0]?.amount, 7n);
    await witness(small.input, c.wasmPath);
  });

  it("a request signed by another key than the account's is served as a no-op (pays 0)", async () => {
    const w = after((chain) => [forcedWd(chain, 2, carol, 1_000n)]);
    assert.equal(w.withdrawals[0]?.amount, 0n);
    await witness(w.input, c.wasmPath);
  });

  it("a forced cancel-all changes no leaf and moves the queue", async () => {
    const w = after(() => [
      {
        kind: "forced",
        priorityIndex: 0n,
        request: "cancel-all",
        accountId: 1,
        pubKeyX: alice.pubKey[0],
        pubKeyY: alice.pubKey[1],
        amount: 0n,
        to: 0n,
        paid: 0n,
      },
    ]);
    assert.equal(
      BigInt(w.input.priorityHashNew as string),
      priorityItem(0n, {
        request: "cancel-all",
        accountId: 1,
        pubKeyX: alice.pubKey[0],
        pubKeyY: alice.pubKey[1],
        amount: 0n,
        to: 0n,
      }),
    );
    assert.ok(w.records.accounts.every((a) => a === null));
    await witness(w.input, c.wasmPath);
  });

  it("hostile: paying bob less than his free collateral fails at the payment", async () => {
    const w = after((chain) => {
      const f = forcedWd(chain, 2, bob, 1n << 70n);
      return [{ ...f, paid: f.paid - 1n }];
    }, true);
    assert.ok(w.violations.some((v) => v.code === "FORCED_WRONG_AMOUNT"));
    await assert.rejects(witness(w.input, c.wasmPath), AT.forcedPay);
  });

  it("hostile: claiming the key does not match (pay 0) when it does fails at the payment", async () => {
    const w = after((chain) => [forcedWd(chain, 2, bob, 1_000n, 0n)], true);
    await assert.rejects(witness(w.input, c.wasmPath), AT.forcedPay);
  });

  it("hostile: the forced payment redirected to the operator's address fails at the withdrawal slot", async () => {
    const w = after((chain) => [forcedWd(chain, 2, bob, 1_000n)]);
    (w.input.withdrawalL1Address as string[])[0] = "48879";
    await assert.rejects(witness(w.input, c.wasmPath), AT.forcedTo);
  });

  it("hostile: the request served on another account than it names fails at the account", async () => {
    // Alice's settle gives her a slot too.
    const w = after((chain) => [
      { kind: "settle", accountId: 1, marketId: 0 },
      forcedWd(chain, 2, bob, 1_000n),
    ]);
    const slots = w.input.index as string[];
    const other = slots.findIndex((x) => x !== "2");
    (w.input.forcedSlot as string[])[0] = String(other);
    await assert.rejects(witness(w.input, c.wasmPath), AT.forcedAccount);
  });

  it("hostile: a batch that skips the queue's head (serves another request in its place) fails the chain", async () => {
    const w = after((chain) => [forcedWd(chain, 2, bob, 1_000n)]);
    // L1 says the head is a request for 2,000: the public input carries L1's chain end.
    w.input.priorityHashNew = priorityItem(0n, {
      request: "withdrawal",
      accountId: 2,
      pubKeyX: bob.pubKey[0],
      pubKeyY: bob.pubKey[1],
      amount: 2_000n,
      to: BOB_L1,
    }).toString();
    await assert.rejects(witness(w.input, c.wasmPath), AT.priorityChain);
  });

  it("a priority request must end its batch (the witness refuses ops after it)", () => {
    assert.throws(
      () =>
        after((chain) => [forcedWd(chain, 2, bob, 1_000n), { kind: "settle", accountId: 1, marketId: 0 }]),
      /must end its batch/,
    );
  });
});
