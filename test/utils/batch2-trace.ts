/**
 * Drives an engine run into Batch2 batches the way a sequencer must: a batch starts at a price
 * (marks and funding are constant inside it, one price per market), whole txs only, cut before the
 * tx that would overflow any of the instance's tables. Every message the trace needs is signed with
 * the real key of its account, every price with the keeper's, so the circuit checks real signatures.
 */

import type { Batch2Instance } from "../../circuits/batch2-instance.ts";
import { proofNeeds } from "../../sequencer/batches/proof-needs.ts";
import { type Signature, signPoseidon } from "../../sequencer/crypto/eddsa.ts";
import type { DevKey } from "../../sequencer/crypto/keys.ts";
import { priceMessage } from "../../sequencer/crypto/messages.ts";
import type { Engine } from "../../sequencer/engine/engine.ts";
import type { AccountLeaf, ApplyResult, EngineTx } from "../../sequencer/engine/types.ts";
import {
  messageHash,
  orderFields,
  transferFields,
  withdrawalFields,
} from "../../sequencer/proof/messages.ts";
import type { ProofOp } from "../../sequencer/proof/ops.ts";
import { type Batch2Witness, ProofChain } from "../../sequencer/proof/witness.ts";
import { KEEPER } from "./batch2.ts";

interface Pending {
  time: bigint;
  ops: ProofOp[];
  accounts: Set<number>;
  messages: Set<bigint>;
  slots: number;
  deposits: number;
  withdrawals: number;
  prices: Set<number>;
  nonces: Map<number, bigint>;
}

export class TraceBatcher {
  readonly chain: ProofChain;
  readonly witnesses: Batch2Witness[] = [];
  readonly sigs = new Map<bigint, Signature>();
  private open: Pending;
  constructor(
    readonly inst: Batch2Instance,
    private readonly engine: Engine,
    /** The private key of a public key (the accounts' owners are the test's own dev keys). */
    private readonly keyOf: (pubKeyX: bigint, pubKeyY: bigint) => DevKey | undefined,
  ) {
    const accounts = new Map<number, AccountLeaf>();
    for (let i = 0; i < engine.accountCount(); i++) accounts.set(i, engine.account(i) as AccountLeaf);
    const g = engine.global();
    this.chain = new ProofChain(
      inst,
      { vaultId: engine.params.backstopAccountId },
      {
        accounts,
        markets: g.markets,
        insuranceFund: g.insuranceFund,
        feePool: g.feePool,
        keeper: KEEPER.pubKey,
      },
    );
    this.open = this.fresh(engine.nowMs());
  }

  private fresh(time: bigint): Pending {
    return {
      time,
      ops: [],
      accounts: new Set(),
      messages: new Set(),
      slots: 0,
      deposits: 0,
      withdrawals: 0,
      prices: new Set(),
      nonces: new Map(),
    };
  }

  private sign(accountId: number, fields: bigint[]): void {
    const a = this.engine.account(accountId) as AccountLeaf;
    const key = this.keyOf(a.pubKeyX, a.pubKeyY);
    if (!key) throw new Error(`no private key for account ${accountId}`);
    const h = messageHash(fields);
    if (!this.sigs.has(h)) this.sigs.set(h, signPoseidon(key.prv, h));
  }

  private signOps(ops: readonly ProofOp[]): void {
    for (const op of ops) {
      if (op.kind === "price") {
        const h = priceMessage({ marketId: op.marketId, price: op.indexPrice, timestampMs: op.timestampMs });
        this.sigs.set(h, signPoseidon(KEEPER.prv, h));
      } else if (op.kind === "withdrawal") this.sign(op.accountId, withdrawalFields(op));
      else if (op.kind === "transfer") this.sign(op.from, transferFields({ ...op, accountId: op.from }));
      else if (op.kind === "fill") {
        this.sign(op.taker.accountId, orderFields(op.taker));
        this.sign(op.maker.accountId, orderFields(op.maker));
      } else if (op.kind === "liquidation-fill" && op.counterOrder)
        this.sign(op.counterparty, orderFields(op.counterOrder));
    }
  }

  /** After every accepted tx, in order. */
  applied(tx: EngineTx, r: ApplyResult): void {
    const n = proofNeeds(r.ops, this.engine.params.backstopAccountId);
    const o = this.open;
    const union = new Set([...o.accounts, ...n.accounts, ...r.touched]);
    const msgs = new Set([...o.messages, ...n.messages]);
    const isPrice = tx.kind === "price";
    const mustCut =
      (isPrice && (o.slots > 0 || o.prices.has(tx.marketId) || o.accounts.size > 0)) ||
      union.size > this.inst.N ||
      msgs.size > this.inst.S ||
      o.slots + n.opSlots > this.inst.T ||
      o.deposits + n.deposits > this.inst.ND ||
      o.withdrawals + n.withdrawals > this.inst.NW;
    if (mustCut) this.flush(isPrice ? this.engine.nowMs() : o.time);
    const p = this.open;
    this.signOps(r.ops);
    for (const a of n.accounts) p.accounts.add(a);
    for (const a of r.touched) p.accounts.add(a);
    for (const m of n.messages) p.messages.add(m);
    p.slots += n.opSlots;
    p.deposits += n.deposits;
    p.withdrawals += n.withdrawals;
    if (isPrice) p.prices.add(tx.marketId);
    p.ops.push(...r.ops);
    for (const id of p.accounts) p.nonces.set(id, (this.engine.account(id) as AccountLeaf).nonce);
    if (p.accounts.size > this.inst.N) throw new Error(`one tx needs ${p.accounts.size} accounts`);
  }

  /** Builds the open batch's witness (if it has anything) and opens the next at `time`. */
  flush(time: bigint = this.engine.nowMs()): void {
    const o = this.open;
    if (o.ops.length > 0 || o.accounts.size > 0) {
      this.witnesses.push(
        this.chain.buildBatch({
          batchNumber: BigInt(this.witnesses.length + 1),
          batchTimeMs: o.time,
          ops: o.ops,
          signatures: this.sigs,
          nonces: o.nonces,
        }),
      );
    }
    this.open = this.fresh(time);
  }
}
