import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadBatch2Instance } from "../../../circuits/batch2-instance.ts";
import { BadRecordError, RootMismatchError } from "../../../node/reconstruct/errors.ts";
import { L1State } from "../../../node/reconstruct/rebuild.ts";
import { batchRecords } from "../../../node/reconstruct/records.ts";
import { devKey } from "../../../sequencer/crypto/keys.ts";
import { type DataLayout, dataLayout, decodeBatchData } from "../../../sequencer/proof/batch-data.ts";
import type { Batch2Witness } from "../../../sequencer/proof/witness.ts";
import { generateTape } from "../../../sequencer/sim/gen.ts";
import { StateError } from "../../../sequencer/state/errors.ts";
import { run } from "../../circuits/batch2-story.ts";
import { type CompiledBatch2, KEEPER, OPERATOR } from "../../utils/batch2.ts";
import { depositsOf, traceTape } from "../../utils/l1-rebuild.ts";

/** Feeds every witness's published words to `s` and checks the root after each batch. */
function replay(s: L1State, witnesses: readonly Batch2Witness[], layout: DataLayout) {
  witnesses.forEach((w, i) => {
    const root = s.applyBatch(i + 1, decodeBatchData(layout, w.data), depositsOf(w), w.newStateRoot);
    assert.equal(root, w.newStateRoot, `batch ${i + 1}`);
  });
}

describe("L1State: the state rebuilt from published batch data", () => {
  const tiny = loadBatch2Instance("tiny");

  it("rebuilds every root of the honest six-batch story from the Genesis event's parameters", () => {
    const { chain, witnesses } = run({ inst: tiny } as CompiledBatch2);
    const s = L1State.fromGenesis(tiny, {
      accountsDepth: tiny.D,
      vaultPubKey: OPERATOR.pubKey,
      vaultCollateral: 1_000_000_000_000n,
      insuranceFund: 0n,
      markPrices: [0n, 0n],
      keeperPubKey: KEEPER.pubKey,
    });
    assert.equal(s.stateRoot(), witnesses[0]?.oldStateRoot, "genesis root");
    replay(s, witnesses, dataLayout(tiny));
    assert.equal(s.lastBatch, 6);
    assert.equal(s.depositsConsumed, 3);
    // Everything a desert exit needs agrees with the sequencer's own state.
    for (const id of [0, 1, 2, 3]) {
      assert.deepEqual(s.leafFields(id), chain.leafFields(id), `leaf ${id}`);
      assert.deepEqual(s.accountPath(id), chain.exportState().tree.path(BigInt(id)), `path ${id}`);
    }
    assert.deepEqual(s.globalFields(), chain.globalFields());
    assert.equal(s.accountsRoot(), chain.exportState().tree.root);
    const bob = s.account(2);
    assert.equal(bob?.pubKeyX, devKey("batch2 bob").pubKey[0]);
    assert.equal(bob?.positions[0]?.size, -50n, "bob's short after the ADL closed 20 of his 70");
    assert.deepEqual(
      bob?.orders.map((o) => [o.slot, o.nonce, o.filled]),
      [
        [1, 1n, 50n],
        [3, 3n, 20n],
      ],
    );
    const json = JSON.parse(JSON.stringify(s.toJSON()));
    assert.equal(json.lastBatch, 6);
    assert.equal(BigInt(json.root), witnesses[5]?.newStateRoot);
    assert.equal(json.accounts.length, 4);
  });

  it("flipping any bit of a data word changes the rebuilt root or fails to decode, with a typed error", () => {
    const { witnesses } = run({ inst: tiny } as CompiledBatch2);
    const layout = dataLayout(tiny);
    const words = witnesses[2]?.data.length ?? 0;
    let mismatches = 0;
    let refusals = 0;
    for (let word = 0; word < words; word++) {
      for (let bit = 0; bit < 248; bit += 5) {
        const s = L1State.fromGenesis(tiny, {
          accountsDepth: tiny.D,
          vaultPubKey: OPERATOR.pubKey,
          vaultCollateral: 1_000_000_000_000n,
          insuranceFund: 0n,
          markPrices: [0n, 0n],
          keeperPubKey: KEEPER.pubKey,
        });
        replay(s, witnesses.slice(0, 2), layout);
        const w = witnesses[2] as Batch2Witness;
        const data = [...w.data];
        data[word] = (data[word] as bigint) ^ (1n << BigInt(bit));
        assert.throws(
          () => s.applyBatch(3, batchRecords(layout, data, 3), depositsOf(w), w.newStateRoot),
          (err: unknown) => {
            if (err instanceof RootMismatchError) {
              assert.equal(err.code, "RECONSTRUCT_ROOT_MISMATCH");
              assert.match(err.message, /^batch 3: /);
              mismatches++;
              return true;
            }
            if (err instanceof StateError || err instanceof BadRecordError) {
              refusals++;
              return true;
            }
            return false;
          },
          `word ${word} bit ${bit}`,
        );
      }
    }
    assert.ok(mismatches > 0 && refusals > 0, `${mismatches} mismatches, ${refusals} refusals`);
  });

  it("refuses a key copied from a slot that is not an earlier changed one", () => {
    const { witnesses } = run({ inst: tiny } as CompiledBatch2, 1);
    const w = witnesses[0] as Batch2Witness;
    const d = decodeBatchData(dataLayout(tiny), w.data);
    const first = d.accounts.findIndex((r) => r !== null);
    (d.accounts[first] as { keyFrom: number }).keyFrom = 1 + first;
    const s = L1State.fromGenesis(tiny, {
      accountsDepth: tiny.D,
      vaultPubKey: OPERATOR.pubKey,
      vaultCollateral: 1_000_000_000_000n,
      insuranceFund: 0n,
      markPrices: [0n, 0n],
      keeperPubKey: KEEPER.pubKey,
    });
    assert.throws(
      () => s.applyBatch(1, d, depositsOf(w)),
      (err: unknown) => err instanceof BadRecordError && err.code === "RECONSTRUCT_BAD_RECORD",
    );
  });

  it("rebuilds every root of engine traces on random crash tapes (seeded), and times the rebuild", async () => {
    const inst = loadBatch2Instance("trace");
    const layout = dataLayout(inst);
    let batches = 0;
    let rebuildMs = 0;
    let keysFromDeposits = 0;
    let keysCopied = 0;
    for (const [policy, seed] of [
      ["simple", "11"],
      ["hyperliquid", "12"],
      ["dydx", "13"],
    ] as const) {
      const tape = generateTape({
        shape: "crash",
        seed,
        minutes: 10,
        severity: "extreme",
        orderMultiplier: 1,
        isolatedShare: 0.5,
      });
      const { batcher, genesis } = await traceTape(inst, tape, policy, "reconstruct trader");
      const ws = batcher.witnesses;
      assert.ok(ws.length > 10, `${policy}/${seed}: ${ws.length} batches`);
      const t0 = performance.now();
      replay(genesis, ws, layout);
      rebuildMs += performance.now() - t0;
      batches += ws.length;
      for (const w of ws)
        for (const r of w.records.accounts) {
          if (!r || r.keyFrom === 0) continue;
          if (r.keyFrom > inst.N) keysFromDeposits++;
          else keysCopied++;
        }
    }
    // Both ways a batch can give a leaf a new key were rebuilt: a deposit's, and an isolated
    // sub-account taking its owner's.
    assert.ok(
      keysFromDeposits > 0 && keysCopied > 0,
      `${keysFromDeposits} deposit keys, ${keysCopied} copied`,
    );
    console.log(
      `# reconstruct: ${batches} batches rebuilt in ${rebuildMs.toFixed(0)} ms, ${((rebuildMs / batches) * 1000).toFixed(0)} ms per 1,000 batches (trace instance)`,
    );
  });
});
