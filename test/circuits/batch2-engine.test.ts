/**
 * Honest runs (issue 8): the engine's own traces, batched as a sequencer must batch them, satisfy the
 * Batch2 circuit under every policy preset on a crash tape. Every batch is built by the witness
 * builder (which runs each op through the model's rules); the circuit then checks a sample that
 * covers each kind of op the runs reached, with the accounts' real signatures.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { type DevKey, devKey } from "../../sequencer/crypto/keys.ts";
import type { Batch2Witness } from "../../sequencer/proof/witness.ts";
import { generateTape } from "../../sequencer/sim/gen.ts";
import { POLICY_NAMES, policyParams } from "../../sequencer/sim/policies.ts";
import { runTape } from "../../sequencer/sim/run.ts";
import { type CompiledBatch2, compiledBatch2 } from "../utils/batch2.ts";
import { TraceBatcher } from "../utils/batch2-trace.ts";
import { witness } from "../utils/circuit.ts";

let c: CompiledBatch2;
before(async () => {
  c = await compiledBatch2("trace");
});

const keys = new Map<number, DevKey>();
const byPub = new Map<string, DevKey>();
const keyOf = (trader: number): DevKey => {
  let k = keys.get(trader);
  if (!k) {
    k = devKey(`batch2 trace trader ${trader}`);
    keys.set(trader, k);
    byPub.set(`${k.pubKey[0]}:${k.pubKey[1]}`, k);
  }
  return k;
};

/** The kinds of op a batch holds, liquidation fills by tier. */
function kindsOf(w: Batch2Witness, ops: ReadonlyMap<Batch2Witness, string[]>): string[] {
  return ops.get(w) ?? [];
}

async function traceRun(policy: string, seed: string) {
  const tape = generateTape({ shape: "crash", seed, minutes: 10, severity: "extreme", orderMultiplier: 1 });
  let batcher: TraceBatcher | undefined;
  const kinds = new Map<Batch2Witness, string[]>();
  let opened: string[] = [];
  const params = {
    ...policyParams(policy, tape.header.markets),
    maxMakersPerOrder: 4,
    orderSlotBits: c.inst.K,
  };
  await runTape(tape, policy, {
    params,
    maxTouchedPerTx: c.inst.N,
    traderKey: (t) => ({ pubKeyX: keyOf(t).pubKey[0], pubKeyY: keyOf(t).pubKey[1] }),
    onStart: (engine) => {
      batcher = new TraceBatcher(c.inst, engine, (x, y) => byPub.get(`${x}:${y}`));
    },
    onApplied: (_engine, tx, r) => {
      const b = batcher as TraceBatcher;
      const before = b.witnesses.length;
      b.applied(tx, r);
      if (b.witnesses.length > before) {
        kinds.set(b.witnesses[b.witnesses.length - 1] as Batch2Witness, opened);
        opened = [];
      }
      for (const op of r.ops) opened.push(op.kind === "liquidation-fill" ? `liq-${op.tier}` : op.kind);
    },
  });
  const b = batcher as TraceBatcher;
  b.flush();
  kinds.set(b.witnesses[b.witnesses.length - 1] as Batch2Witness, opened);
  return { witnesses: b.witnesses, kinds };
}

describe("Batch2 honest runs: the engine's traces under every policy (trace instance)", () => {
  // Kinds of op whose batch the circuit has checked, over all policies: each policy's witnesses cover
  // the kinds no earlier policy reached, and at least its first liquidation batch.
  const seen = new Set<string>();
  for (const policy of POLICY_NAMES) {
    it(`${policy}: every batch of an extreme crash tape builds, and a sample satisfies the circuit`, async () => {
      const { witnesses, kinds } = await traceRun(policy, "3");
      assert.ok(witnesses.length > 10, `${witnesses.length} batches`);
      const sample = witnesses.filter((w) => {
        const ks = kindsOf(w, kinds).filter((k) => k !== "settle" && k !== "price");
        const fresh = ks.some((k) => !seen.has(k));
        for (const k of ks) seen.add(k);
        return fresh;
      });
      const liq = witnesses.find((w) => kindsOf(w, kinds).some((k) => k.startsWith("liq-")));
      if (liq && !sample.includes(liq)) sample.push(liq);
      assert.ok(sample.length > 0);
      for (const w of sample) {
        const wires = await witness(w.input, c.wasmPath);
        assert.equal(wires[1], w.publicHash);
      }
    });
  }

  it("the runs reached fills, deposits, every liquidation tier, penalties and covers", () => {
    console.log(`batch2 honest runs checked batches with: ${[...seen].sort().join(", ")}`);
    for (const k of ["fill", "deposit", "liq-on-book", "liq-vault", "liq-adl", "penalty", "cover"])
      assert.ok(seen.has(k), `reached ${k}: ${[...seen]}`);
  });
});
