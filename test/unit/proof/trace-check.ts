import assert from "node:assert/strict";
import type { Engine } from "../../../sequencer/engine/engine.ts";
import type { AccountLeaf, ApplyResult, EngineTx } from "../../../sequencer/engine/types.ts";
import { ProofModel } from "../../../sequencer/proof/model.ts";
import type { ProofOp } from "../../../sequencer/proof/ops.ts";
import { proofRulesOf } from "../../../sequencer/proof/rules.ts";

const big = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);

/** What the replayed ops reached, by op kind (liquidation fills by tier). */
export type OpCounts = Map<string, number>;

export function opLabel(op: ProofOp): string {
  return op.kind === "liquidation-fill" ? `liquidation-fill:${op.tier}` : op.kind;
}

/**
 * Replays an engine's accepted txs through the ProofModel as the sequencer batches them: a batch is cut
 * at every price tx (it starts one: marks and funding indexes are constant within a batch), opened at
 * the engine's time after it. After every tx the global state must agree and every leaf the tx touched
 * must agree up to its nonce (the proof learns nonces at the end of a batch); at every batch end every
 * leaf the batch touched must agree exactly.
 */
export class TraceCheck {
  readonly model: ProofModel;
  readonly counts: OpCounts = new Map();
  private batch = new Set<number>();
  batches = 0;

  constructor(
    private readonly engine: Engine,
    private readonly label = "",
  ) {
    const accounts = new Map<number, AccountLeaf>();
    for (let i = 0; i < engine.accountCount(); i++) accounts.set(i, engine.account(i) as AccountLeaf);
    const g = engine.global();
    this.model = new ProofModel(proofRulesOf(engine.params), {
      accounts,
      markets: g.markets,
      insuranceFund: g.insuranceFund,
      feePool: g.feePool,
    });
    this.model.beginBatch(engine.nowMs());
  }

  /** Call after each accepted tx, in order. */
  applied(tx: EngineTx, r: ApplyResult): void {
    if (tx.kind === "price") {
      this.endBatch();
      this.model.beginBatch(this.engine.nowMs());
    }
    for (const op of r.ops) {
      const l = opLabel(op);
      this.counts.set(l, (this.counts.get(l) ?? 0) + 1);
      try {
        this.model.apply(op);
      } catch (err) {
        throw new Error(
          `${this.label}: op ${JSON.stringify(op, big)} of ${JSON.stringify(tx, big)}: ${String(err)}`,
          { cause: err },
        );
      }
    }
    for (const id of r.touched) this.batch.add(id);
    this.checkGlobal(tx);
    for (const id of r.touched) {
      const want = this.engine.account(id) as AccountLeaf;
      const got = this.model.leaf(id);
      assert.deepEqual(
        { ...got, nonce: 0n },
        { ...want, nonce: 0n },
        `${this.label}: account ${id} after ${JSON.stringify(tx, big)}`,
      );
    }
  }

  /** Ends the open batch and checks every leaf it touched. Call once more at the end of a run. */
  endBatch(): void {
    const nonces = new Map<number, bigint>();
    for (const id of this.batch) nonces.set(id, (this.engine.account(id) as AccountLeaf).nonce);
    this.model.endBatch(nonces);
    for (const id of this.batch) {
      assert.deepEqual(
        this.model.leaf(id),
        this.engine.account(id),
        `${this.label}: account ${id} at batch end`,
      );
    }
    this.batch = new Set();
    this.batches++;
  }

  private checkGlobal(tx: EngineTx): void {
    const g = this.engine.global();
    assert.deepEqual(
      { markets: this.model.markets, insuranceFund: this.model.insuranceFund, feePool: this.model.feePool },
      g,
      `${this.label}: global state after ${JSON.stringify(tx, big)}`,
    );
  }
}

export function mergeCounts(into: OpCounts, from: OpCounts): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}
