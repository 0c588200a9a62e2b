import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadBatch2Instance } from "../../../circuits/batch2-instance.ts";
import { ReconstructError } from "../../../node/reconstruct/errors.ts";
import { L1State } from "../../../node/reconstruct/rebuild.ts";
import { batchRecords } from "../../../node/reconstruct/records.ts";
import { seedEngine, seedProofChain } from "../../../node/reconstruct/seed-sequencer.ts";
import { devKey } from "../../../sequencer/crypto/keys.ts";
import { Engine } from "../../../sequencer/engine/engine.ts";
import { findIndexMismatches } from "../../../sequencer/engine/self-check.ts";
import { dataLayout } from "../../../sequencer/proof/batch-data.ts";
import { type Batch2Witness, ProofChain } from "../../../sequencer/proof/witness.ts";
import { generateTape } from "../../../sequencer/sim/gen.ts";
import { emptyLeaf } from "../../../sequencer/state/leaf.ts";
import { run, type StoryBatch, story } from "../../circuits/batch2-story.ts";
import { type CompiledBatch2, genesisChain, KEEPER, OPERATOR } from "../../utils/batch2.ts";
import { depositsOf, traceTape } from "../../utils/l1-rebuild.ts";

const tiny = loadBatch2Instance("tiny");

/** The story's first `upTo` batches rebuilt from their published words, as a reader of L1 would. */
function rebuilt(witnesses: readonly Batch2Witness[]): L1State {
  const s = L1State.fromGenesis(tiny, {
    accountsDepth: tiny.D,
    vaultPubKey: OPERATOR.pubKey,
    vaultCollateral: 1_000_000_000_000n,
    insuranceFund: 0n,
    markPrices: [0n, 0n],
    keeperPubKey: KEEPER.pubKey,
  });
  witnesses.forEach((w, i) => {
    const deps = (w.input.depositEnabled as string[]).flatMap((e, k) =>
      e === "1"
        ? [
            {
              pubKeyX: BigInt((w.input.depositPubKeyX as string[])[k] as string),
              pubKeyY: BigInt((w.input.depositPubKeyY as string[])[k] as string),
            },
          ]
        : [],
    );
    s.applyBatch(i + 1, batchRecords(dataLayout(tiny), w.data, i + 1), deps, w.newStateRoot);
  });
  return s;
}

const build = (
  chain: ProofChain,
  n: number,
  b: StoryBatch,
  sigs: Parameters<ProofChain["buildBatch"]>[0]["signatures"],
) =>
  chain.buildBatch({
    batchNumber: BigInt(n),
    batchTimeMs: b.time,
    ops: b.ops,
    signatures: sigs,
    ...(b.nonces ? { nonces: b.nonces } : {}),
  });

describe("seedProofChain: a sequencer's proof state from L1 alone", () => {
  for (const upTo of [3, 5]) {
    it(`a chain seeded after batch ${upTo} builds the next batch's witness exactly as the original chain`, () => {
      const { chain, witnesses, signer } = run({ inst: tiny } as CompiledBatch2, upTo);
      const state = rebuilt(witnesses);
      const seeded = genesisChain(tiny);
      seedProofChain(seeded, state, witnesses[upTo - 1]?.depositHashNew as bigint);
      assert.equal(seeded.stateRoot(), chain.stateRoot());
      const next = story(signer)[upTo] as StoryBatch;
      const a = build(chain, upTo + 1, next, signer.sigs);
      const b = build(seeded, upTo + 1, story(signer)[upTo] as StoryBatch, signer.sigs);
      assert.equal(b.newStateRoot, a.newStateRoot);
      assert.deepEqual(b.input, a.input, "the same circuit input: the seeded chain can prove it");
    });
  }

  it("refuses to seed a chain whose keeper key is not the Rollup's", () => {
    const { witnesses } = run({ inst: tiny } as CompiledBatch2, 2);
    const state = rebuilt(witnesses);
    const vault = emptyLeaf(tiny.M);
    vault.pubKeyX = OPERATOR.pubKey[0];
    vault.pubKeyY = OPERATOR.pubKey[1];
    vault.collateral = 1_000_000_000_000n;
    // The same genesis as the story's but for the keeper: its global fields, so its root, differ.
    const chain = new ProofChain(
      tiny,
      { vaultId: 0 },
      {
        accounts: new Map([[0, vault]]),
        markets: [0, 1].map(() => ({ markPrice: 0n, fundingIndex: 0n, openInterest: 0n })),
        insuranceFund: 0n,
        feePool: 0n,
        keeper: devKey("another keeper").pubKey,
      },
    );
    assert.throws(
      () => seedProofChain(chain, state, witnesses[1]?.depositHashNew as bigint),
      (err: unknown) => err instanceof ReconstructError && err.code === "RECONSTRUCT_SEED_MISMATCH",
    );
  });

  it("an engine seeded from a rebuilt crash tape holds the original's accounts, markets, pools and indexes", async () => {
    const inst = loadBatch2Instance("trace");
    const tape = generateTape({
      shape: "crash",
      seed: "21",
      minutes: 5,
      severity: "extreme",
      orderMultiplier: 1,
      isolatedShare: 0.5,
    });
    const { engine: eng, batcher, genesis: st } = await traceTape(inst, tape, "simple", "seed trader");
    const layout = dataLayout(inst);
    batcher.witnesses.forEach((w, i) => {
      st.applyBatch(i + 1, batchRecords(layout, w.data, i + 1), depositsOf(w), w.newStateRoot);
    });
    const seeded = new Engine(eng.params);
    const report = seedEngine(seeded, st);
    assert.equal(seeded.accountCount(), eng.accountCount());
    for (let id = 0; id < eng.accountCount(); id++) {
      const a = eng.account(id);
      assert.deepEqual(seeded.account(id), a, `account ${id}`);
      assert.equal(
        seeded.accountIdByKey(a?.pubKeyX ?? 0n, a?.pubKeyY ?? 0n),
        eng.accountIdByKey(a?.pubKeyX ?? 0n, a?.pubKeyY ?? 0n),
      );
    }
    assert.deepEqual(seeded.global(), eng.global());
    assert.equal(seeded.nextDepositIndex(), eng.nextDepositIndex());
    assert.deepEqual(findIndexMismatches(seeded.exportState()), []);
    const iso = eng.exportState().isolated;
    assert.ok(report.isolated.length > 0, "the tape opened isolated sub-accounts with positions");
    for (const id of report.isolated)
      assert.deepEqual(seeded.exportState().isolated.get(id), iso.get(id), `isolated ${id}`);
    for (const id of report.unresolved) assert.ok(iso.has(id), `unresolved ${id} is a sub-account`);
    assert.equal(report.isolated.length + report.unresolved.length, iso.size);
  });
});
