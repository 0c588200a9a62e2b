import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import { poseidon } from "../../sequencer/crypto/poseidon.ts";
import { P } from "../../sequencer/state/field.ts";
import { addField, cloneInput, compiledInstance, failsAt, resealInput, witness } from "../utils/circuit.ts";
import { runScenario, type Scenario } from "./scenario.ts";

type Compiled = Awaited<ReturnType<typeof compiledInstance>>;
let c: Compiled;
let sc: Scenario;

// Field offsets inside a leaf (SPEC.md order) and the slot order of batch 3 (alice, bob).
const NONCE = 2;
const COLLATERAL = 3;
const SIZE0 = 4;
const ENTRY0 = 5;
const ALICE_SLOT = 0;
const BOB_SLOT = 1;

before(async () => {
  c = await compiledInstance("v1tiny");
  sc = await runScenario(c.inst);
});

/** Batch 3's input (the trade + withdrawal), deep-copied for tampering. */
const trade = () => cloneInput(sc.batches[2]!.input);

/** Reseals the public hash (unless told not to) and asserts the witness fails at `where`. */
async function fails(input: Record<string, any>, where: RegExp, reseal = true): Promise<void> {
  if (reseal) resealInput(input, c.inst);
  await assert.rejects(witness(input, c.wasmPath), where);
}

const AT = {
  publicHash: failsAt("Batch", "batch.circom", "pub.out === publicHash"),
  oldRoot: failsAt("AccountUpdate", "account-update.circom", "path.oldRoot === prevRoot"),
  conservation: failsAt("Batch", "batch.circom", "dq + dFunds === deposits.total - withdrawals.total"),
  zeroSum: failsAt("Batch", "batch.circom", "dsize[m] === 0"),
  collateral: failsAt("LeafRange", "leaf.circom", "collateral.in <== fields[3]"),
  size: failsAt("LeafRange", "leaf.circom", "size[m].in <== fields[4 + 3 * m]"),
  keyX: failsAt("AccountUpdate", "account-update.circom", "oldLeaf[0] * (newLeaf[0] - oldLeaf[0]) === 0"),
  depositChain: failsAt("Batch", "batch.circom", "deposits.out === depositHashNew"),
  withdrawalChain: failsAt("Batch", "batch.circom", "withdrawals.out === withdrawalHash"),
  disabledAmount: failsAt("HashChain", "l1-queues.circom", "amount[k] * (1 - enabled[k]) === 0"),
  enabledBool: failsAt("HashChain", "l1-queues.circom", "enabled[k] * (enabled[k] - 1) === 0"),
  amountRange: failsAt("HashChain", "l1-queues.circom", "amountRange[k].in <== amount[k]"),
  markPrice: failsAt("GlobalRange", "global-state.circom", "mark[m].in <== fields[3 * m]"),
  openInterest: failsAt("GlobalRange", "global-state.circom", "oi[m].in <== fields[3 * m + 2]"),
  index: failsAt("AccountUpdate", "account-update.circom", "bits.in <== index"),
  flatEntry: failsAt("LeafRange", "leaf.circom", "flat[m].out * fields[5 + 3 * m] === 0"),
};

describe("batch circuit (tiny instance)", () => {
  it("has the expected constraint count", () => {
    assert.equal(c.constraints, 8075);
    assert.ok(c.constraints + 2 <= 2 ** 13, "tiny must fit a 2^13 domain");
  });

  it("accepts every batch of a deposit, deposit, trade+withdrawal transition and exposes the TS publicHash", async () => {
    for (const b of sc.batches) {
      const w = await witness(b.input, c.wasmPath);
      assert.equal(w[0], 1n);
      assert.equal(w[1], b.publicHash, "wire 1 is the single public signal");
    }
  });

  it("reproduces the shared batch vectors (test/vectors/state-batches.json)", () => {
    const v = JSON.parse(readFileSync(new URL("../vectors/state-batches.json", import.meta.url), "utf8")) as {
      batches: Record<string, string>[];
    };
    assert.equal(v.batches.length, sc.batches.length);
    sc.batches.forEach((b, i) => {
      const e = v.batches[i]!;
      assert.equal(String(b.oldStateRoot), e.oldStateRoot);
      assert.equal(String(b.newStateRoot), e.newStateRoot);
      assert.equal(String(b.depositHashNew), e.depositHashNew);
      assert.equal(String(b.withdrawalHash), e.withdrawalHash);
      assert.equal(`0x${Buffer.from(b.batchData).toString("hex")}`, e.batchData);
      assert.equal(String(b.dataHash), e.dataHash);
      assert.equal(String(b.publicHash), e.publicHash);
    });
  });

  it("computes the same publicHash as TS (resealing an untouched input changes nothing)", () => {
    for (const b of sc.batches) {
      const input = cloneInput(b.input);
      resealInput(input, c.inst);
      assert.equal(input.publicHash, b.publicHash.toString());
    }
  });

  it("rejects a publicHash that does not match the batch", async () => {
    const input = trade();
    input.publicHash = addField(input.publicHash, 1n);
    await fails(input, AT.publicHash, false);
  });

  it("rejects a bad sibling (old leaf not under the current root)", async () => {
    const input = trade();
    input.siblings[ALICE_SLOT][0] = addField(input.siblings[ALICE_SLOT][0], 1n);
    await fails(input, AT.oldRoot);
  });

  it("rejects an old leaf that is not the one in the tree", async () => {
    const input = trade();
    input.oldLeaf[ALICE_SLOT][NONCE] = addField(input.oldLeaf[ALICE_SLOT][NONCE], 1n);
    await fails(input, AT.oldRoot);
  });

  it("rejects an old accounts root that is not the tree's", async () => {
    const input = trade();
    input.oldAccountsRoot = addField(input.oldAccountsRoot, 1n);
    await fails(input, AT.oldRoot);
  });

  it("rejects a batch that creates cash (collateral + 1)", async () => {
    const input = trade();
    input.newLeaf[ALICE_SLOT][COLLATERAL] = addField(input.newLeaf[ALICE_SLOT][COLLATERAL], 1n);
    await fails(input, AT.conservation);
  });

  it("rejects a fee pool that grows without a payer", async () => {
    const input = trade();
    const FEE_POOL = 3 * c.inst.M + 1;
    input.newGlobal[FEE_POOL] = addField(input.newGlobal[FEE_POOL], 1n);
    await fails(input, AT.conservation);
  });

  it("rejects unbalanced sizes even when cash is conserved", async () => {
    const input = trade();
    // alice 3 → 4 lots; at snapshot -5 that moves q by +5, which 5 less collateral cancels.
    input.newLeaf[ALICE_SLOT][SIZE0] = addField(input.newLeaf[ALICE_SLOT][SIZE0], 1n);
    input.newLeaf[ALICE_SLOT][COLLATERAL] = addField(input.newLeaf[ALICE_SLOT][COLLATERAL], -5n);
    await fails(input, AT.zeroSum);
  });

  it("rejects negative collateral (p - 1) even when cash is conserved", async () => {
    const input = trade();
    const aliceCollateral = BigInt(input.newLeaf[ALICE_SLOT][COLLATERAL]);
    input.newLeaf[ALICE_SLOT][COLLATERAL] = (P - 1n).toString();
    input.newLeaf[BOB_SLOT][COLLATERAL] = addField(input.newLeaf[BOB_SLOT][COLLATERAL], aliceCollateral + 1n);
    await fails(input, AT.collateral);
  });

  /** Moves both sizes to ±s, cancelling the funding term -size*snapshot with entryNotional. */
  function withSizes(s: bigint): Record<string, any> {
    const input = trade();
    const snap = BigInt(input.newLeaf[ALICE_SLOT][6]) - P; // FUNDING, negative
    for (const [slot, sign] of [
      [ALICE_SLOT, 1n],
      [BOB_SLOT, -1n],
    ] as const) {
      const old = sign * 3n;
      const next = sign * s;
      input.newLeaf[slot][SIZE0] = addField(0n, next);
      input.newLeaf[slot][ENTRY0] = addField(input.newLeaf[slot][ENTRY0], -(next - old) * snap);
    }
    return input;
  }

  it("accepts sizes at the range limit ±(2^47 - 1)", async () => {
    const input = withSizes(2n ** 47n - 1n);
    resealInput(input, c.inst);
    await witness(input, c.wasmPath);
  });

  it("rejects sizes out of range (±2^47)", async () => {
    await fails(withSizes(2n ** 47n), AT.size);
  });

  it("rejects a debt parked as the entry notional of a flat position (cash freed for a withdrawal)", async () => {
    const input = trade();
    // alice gets 1,000,000 more collateral and "owes" it as the entry of her empty market-1 position:
    // q, the sizes and every range still hold, only the flat-position rule stops it.
    const ENTRY1 = ENTRY0 + 3;
    assert.equal(input.newLeaf[ALICE_SLOT][SIZE0 + 3], "0");
    input.newLeaf[ALICE_SLOT][COLLATERAL] = addField(input.newLeaf[ALICE_SLOT][COLLATERAL], 1_000_000n);
    input.newLeaf[ALICE_SLOT][ENTRY1] = addField(input.newLeaf[ALICE_SLOT][ENTRY1], 1_000_000n);
    await fails(input, AT.flatEntry);
  });

  it("rejects a key overwrite on an account that had a key", async () => {
    const input = trade();
    input.newLeaf[ALICE_SLOT][0] = addField(input.newLeaf[ALICE_SLOT][0], 1n);
    await fails(input, AT.keyX);
  });

  it("rejects a deposit chain that does not end at depositHashNew", async () => {
    const input = cloneInput(sc.batches[0]!.input);
    input.depositHashNew = addField(input.depositHashNew, 1n);
    await fails(input, AT.depositChain);
  });

  it("rejects a deposit amount that differs from the credited collateral", async () => {
    const input = cloneInput(sc.batches[0]!.input);
    input.depositAmount[0] = addField(input.depositAmount[0], 1n);
    input.depositHashNew = poseidon([
      0n,
      BigInt(input.depositPubKeyX[0]),
      BigInt(input.depositPubKeyY[0]),
      BigInt(input.depositAmount[0]),
    ]).toString();
    await fails(input, AT.conservation);
  });

  it("rejects a disabled deposit slot with a non-zero amount", async () => {
    const input = trade();
    input.depositAmount[0] = "5";
    await fails(input, AT.disabledAmount);
  });

  it("rejects a withdrawal total that does not match the debits", async () => {
    const input = trade();
    input.withdrawalAmount[0] = addField(input.withdrawalAmount[0], 1n);
    input.withdrawalHash = poseidon([
      0n,
      BigInt(input.withdrawalAccountId[0]),
      BigInt(input.withdrawalL1Address[0]),
      BigInt(input.withdrawalAmount[0]),
    ]).toString();
    await fails(input, AT.conservation);
  });

  it("rejects a withdrawal hash that does not match the withdrawal slots", async () => {
    const input = trade();
    input.withdrawalHash = addField(input.withdrawalHash, 1n);
    await fails(input, AT.withdrawalChain);
  });

  it("rejects a negative withdrawal (p - 1) even when cash is conserved", async () => {
    const input = trade();
    // amount -1 instead of 1,000 USDC: alice keeps her 1,000 USDC and gains 1 more.
    const amount = BigInt(input.withdrawalAmount[0]);
    input.withdrawalAmount[0] = (P - 1n).toString();
    input.withdrawalHash = poseidon([
      0n,
      BigInt(input.withdrawalAccountId[0]),
      BigInt(input.withdrawalL1Address[0]),
      P - 1n,
    ]).toString();
    input.newLeaf[ALICE_SLOT][COLLATERAL] = addField(input.newLeaf[ALICE_SLOT][COLLATERAL], amount + 1n);
    await fails(input, AT.amountRange);
  });

  it("rejects new global fields out of range (mark price p - 1, open interest 2^48)", async () => {
    const a = trade();
    a.newGlobal[0] = (P - 1n).toString();
    await fails(a, AT.markPrice);
    const b = trade();
    b.newGlobal[2] = (2n ** 48n).toString();
    await fails(b, AT.openInterest);
  });

  it("rejects a deposit enabled flag that is not boolean", async () => {
    const input = trade();
    input.depositEnabled[0] = "2";
    await fails(input, AT.enabledBool);
  });

  it("rejects an index outside the tree", async () => {
    const input = trade();
    input.index[ALICE_SLOT] = addField(input.index[ALICE_SLOT], 2n ** BigInt(c.inst.D));
    await fails(input, AT.index);
  });
});

describe("batch circuit (default instance)", {
  skip: process.env.CIRCUIT_DEFAULT !== "1" && "set CIRCUIT_DEFAULT=1 to compile the default instance",
}, () => {
  it("compiles the default instance with the expected constraint count and accepts the transition", async () => {
    const d = await compiledInstance("v1default");
    assert.equal(d.constraints, 79441);
    assert.ok(d.constraints <= 90_000);
    const s = await runScenario(d.inst);
    for (const b of s.batches) {
      const w = await witness(b.input, d.wasmPath);
      assert.equal(w[1], b.publicHash);
    }
  });
});
