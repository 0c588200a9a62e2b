/**
 * Drives an engine run into Batch2 batches with the sequencer's own batch code (OpenBatch2: a batch
 * starts at its prices, holds whole txs only, and ends before the tx that would overflow a table). Every message the trace needs is signed with
 * the real key of its account, every price with the keeper's, so the circuit checks real signatures.
 */

import type { Batch2Instance } from "../../circuits/batch2-instance.ts";
import { OpenBatch2 } from "../../sequencer/batches/open-batch2.ts";
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

export class TraceBatcher {
  readonly chain: ProofChain;
  readonly witnesses: Batch2Witness[] = [];
  readonly sigs = new Map<bigint, Signature>();
  private open: OpenBatch2;
  private seq = 0n;
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
    this.open = this.next();
  }

  private next(): OpenBatch2 {
    const n = BigInt(this.witnesses.length + 1);
    return new OpenBatch2(n, this.inst, 0, this.engine.params.backstopAccountId, 0);
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

  /** After every accepted tx, in order: the sequencer's own cut (OpenBatch2.fits) and record. */
  applied(tx: EngineTx, r: ApplyResult): void {
    if (!this.open.fits(tx, r, "liquidation")) this.flush();
    this.signOps(r.ops);
    this.open.record(this.seq++, tx, r, this.engine);
    if (this.open.accounts.size > this.inst.N)
      throw new Error(`one tx needs ${this.open.accounts.size} accounts`);
  }

  /** Builds the open batch's witness (if it has anything) and opens the next. */
  flush(): void {
    const o = this.open;
    if (!o.isEmpty) {
      this.witnesses.push(
        this.chain.buildBatch({
          batchNumber: o.batchNumber,
          batchTimeMs: o.timeMs ?? 0n,
          ops: o.ops,
          signatures: this.sigs,
          nonces: o.nonces,
        }),
      );
    }
    this.open = this.next();
  }
}
