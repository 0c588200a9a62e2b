/** Shared helpers for the Batch2 (proven transactions) circuit tests: compile once, sign, run batches. */

import { type Batch2Instance, batch2Source, loadBatch2Instance } from "../../circuits/batch2-instance.ts";
import { type Signature, signPoseidon } from "../../sequencer/crypto/eddsa.ts";
import { type DevKey, devKey } from "../../sequencer/crypto/keys.ts";
import { priceMessage } from "../../sequencer/crypto/messages.ts";
import {
  messageHash,
  orderFields,
  transferFields,
  withdrawalFields,
} from "../../sequencer/proof/messages.ts";
import type { OrderTerms, ProofOp } from "../../sequencer/proof/ops.ts";
import { type BuildBatchParams, ProofChain } from "../../sequencer/proof/witness.ts";
import { emptyLeaf } from "../../sequencer/state/leaf.ts";
import { compiledMain } from "./circuit.ts";

export interface CompiledBatch2 {
  inst: Batch2Instance;
  wasmPath: string;
  r1csPath: string;
  constraints: number;
}

const compiled = new Map<string, Promise<CompiledBatch2>>();

export function compiledBatch2(name: string): Promise<CompiledBatch2> {
  let p = compiled.get(name);
  if (!p) {
    p = (async () => {
      const inst = loadBatch2Instance(name);
      return { inst, ...(await compiledMain(`batch2-${name}`, batch2Source(inst))) };
    })();
    compiled.set(name, p);
  }
  return p;
}

export const KEEPER = devKey("batch2 keeper");
export const OPERATOR = devKey("batch2 operator");

/** Signs messages the way clients and the keeper do, keyed by the hash the builder looks up. */
export class Signer {
  readonly sigs = new Map<bigint, Signature>();

  private sign(key: DevKey, fields: bigint[] | bigint): void {
    const h = typeof fields === "bigint" ? fields : messageHash(fields);
    this.sigs.set(h, signPoseidon(key.prv, h));
  }

  order(key: DevKey, o: OrderTerms): OrderTerms {
    this.sign(key, orderFields(o));
    return o;
  }

  withdrawal(
    key: DevKey,
    w: { accountId: number; nonce: bigint; amount: bigint; l1Address: bigint },
  ): ProofOp {
    this.sign(key, withdrawalFields(w));
    return { kind: "withdrawal", ...w };
  }

  transfer(
    key: DevKey,
    t: { from: number; to: number; nonce: bigint; amount: bigint; toField: bigint; isolatedField: bigint },
  ): ProofOp {
    this.sign(key, transferFields({ ...t, accountId: t.from }));
    return { kind: "transfer", ...t };
  }

  price(
    marketId: number,
    indexPrice: bigint,
    timestampMs: bigint,
    mark = indexPrice,
    fundingIndex = 0n,
  ): ProofOp {
    this.sign(KEEPER, priceMessage({ marketId, price: indexPrice, timestampMs }));
    return { kind: "price", marketId, indexPrice, timestampMs, mark, fundingIndex };
  }
}

/** A chain at genesis: the vault (account 0) with the operator's key and `vaultCollateral`. */
export function genesisChain(inst: Batch2Instance, vaultCollateral = 1_000_000_000_000n): ProofChain {
  const vault = emptyLeaf(inst.M);
  vault.pubKeyX = OPERATOR.pubKey[0];
  vault.pubKeyY = OPERATOR.pubKey[1];
  vault.collateral = vaultCollateral;
  return new ProofChain(
    inst,
    { vaultId: 0 },
    {
      accounts: new Map([[0, vault]]),
      markets: Array.from({ length: inst.M }, () => ({ markPrice: 0n, fundingIndex: 0n, openInterest: 0n })),
      insuranceFund: 0n,
      feePool: 0n,
      keeper: KEEPER.pubKey,
    },
  );
}

export type BatchSpec = Omit<BuildBatchParams, "signatures">;
