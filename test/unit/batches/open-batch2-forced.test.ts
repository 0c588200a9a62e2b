import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OpenBatch2 } from "../../../sequencer/batches/open-batch2.ts";
import { proofNeeds } from "../../../sequencer/batches/proof-needs.ts";
import type { ApplyResult, EngineTx } from "../../../sequencer/engine/types.ts";
import { Driver } from "../engine/helpers.ts";
import { unitInst } from "../sequencer/open-sequencer.ts";

type ForcedTx = Extract<EngineTx, { kind: "forced" }>;

/** A driver whose every applied tx is also recorded into `batch` (when it fits), as the sequencer does. */
function setup() {
  const d = Driver.create();
  const batch = new OpenBatch2(1n, unitInst, 1, d.engine.params.backstopAccountId, 0);
  const put = (
    tx: EngineTx,
    lane: "normal" | "liquidation" = "normal",
  ): { r: ApplyResult; fits: boolean } => {
    const r = d.apply(tx);
    const fits = batch.fits(tx, r, lane);
    if (fits) batch.record(d.seq, tx, r, d.engine);
    return { r, fits };
  };
  return { d, batch, put };
}

function forcedOf(d: Driver, id: number, request: ForcedTx["request"]): ForcedTx {
  const a = d.engine.account(id);
  return {
    kind: "forced",
    priorityIndex: d.engine.nextPriorityIndex(),
    request,
    accountId: id,
    pubKeyX: a?.pubKeyX ?? 1n,
    pubKeyY: a?.pubKeyY ?? 2n,
    amount: request === "withdrawal" ? 100n : 0n,
    to: request === "withdrawal" ? 0xabcn : 0n,
  };
}

const deposit = (d: Driver, key: bigint): EngineTx => ({
  kind: "deposit",
  depositIndex: d.engine.nextDepositIndex(),
  pubKeyX: key,
  pubKeyY: key,
  amount: 1_000n,
});

describe("OpenBatch2 and priority requests", () => {
  it("a forced withdrawal takes a priority slot, its account's slot and a withdrawal slot, but no op slot", () => {
    const n = proofNeeds(
      [
        {
          kind: "forced",
          priorityIndex: 0n,
          request: "withdrawal",
          accountId: 3,
          pubKeyX: 1n,
          pubKeyY: 2n,
          amount: 5n,
          to: 9n,
          paid: 0n,
        },
      ],
      0,
    );
    assert.deepEqual([...n.accounts], [3]);
    assert.deepEqual([n.priority, n.withdrawals, n.opSlots, n.deposits, n.messages.size], [1, 1, 0, 0, 0]);
    const c = proofNeeds(
      [
        {
          kind: "forced",
          priorityIndex: 0n,
          request: "cancel-all",
          accountId: 3,
          pubKeyX: 1n,
          pubKeyY: 2n,
          amount: 0n,
          to: 0n,
          paid: 0n,
        },
      ],
      0,
    );
    assert.deepEqual([c.priority, c.withdrawals], [1, 0]);
  });

  it("ends the batch at a forced request: nothing fits after it", () => {
    const { d, batch, put } = setup();
    assert.ok(put(deposit(d, 11n)).fits);
    const id = d.engine.accountCount() - 1;
    assert.equal(batch.endsAtPriority, false);
    assert.ok(put(forcedOf(d, id, "withdrawal"), "liquidation").fits);
    assert.equal(batch.endsAtPriority, true);
    assert.equal(batch.priority, 1);
    assert.equal(batch.withdrawals, 1);
    assert.ok(batch.accounts.has(id));
    // Slots are left (N = 4, ND = 2), but the request must stay the batch's last tx.
    assert.equal(put(deposit(d, 12n)).fits, false);
    assert.equal(put(forcedOf(d, id, "cancel-all"), "liquidation").fits, false);
  });

  it("does not fit a forced withdrawal into a batch whose withdrawal slots are taken", () => {
    const { d, batch, put } = setup();
    put(deposit(d, 11n));
    const id = d.engine.accountCount() - 1;
    assert.ok(
      put({ kind: "withdrawal", accountId: id, nonce: 1n, amount: 10n, l1Address: 0xabcn }).fits,
      "NW = 1 taken",
    );
    assert.equal(put(forcedOf(d, id, "withdrawal"), "liquidation").fits, false);
    assert.equal(batch.priority, 0);
    // A cancel-all needs no withdrawal slot.
    assert.ok(put(forcedOf(d, id, "cancel-all"), "liquidation").fits);
  });

  it("reserves the slot of an account that does not exist, with the empty leaf's nonce", () => {
    const { d, batch, put } = setup();
    put(deposit(d, 11n));
    assert.ok(put(forcedOf(d, 7, "withdrawal"), "liquidation").fits);
    assert.ok(batch.accounts.has(7));
    assert.equal(batch.nonces.get(7), 0n);
  });
});
