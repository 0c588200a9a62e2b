/**
 * What one tx's proof ops take from a Batch2 batch's tables (circuits/src/batch2.circom): account
 * slots, signed-message slots (by the hash each message signs), op slots, and the L1 queue slots
 * (deposits, withdrawals, priority requests).
 * The sequencer cuts a batch before the tx that would overflow any of them.
 */
import { messageHash, orderFields, transferFields, withdrawalFields } from "../proof/messages.ts";
import type { ProofOp } from "../proof/ops.ts";

export interface ProofNeeds {
  accounts: Set<number>;
  messages: Set<bigint>;
  opSlots: number;
  deposits: number;
  withdrawals: number;
  /** Priority requests served (forced ops): each ends its batch. */
  priority: number;
}

export function proofNeeds(ops: readonly ProofOp[], vaultId: number): ProofNeeds {
  const n: ProofNeeds = {
    accounts: new Set(),
    messages: new Set(),
    opSlots: 0,
    deposits: 0,
    withdrawals: 0,
    priority: 0,
  };
  for (const op of ops) {
    switch (op.kind) {
      case "price":
        break;
      case "settle":
        n.accounts.add(op.accountId);
        break;
      case "deposit":
        n.accounts.add(op.accountId);
        n.opSlots++;
        n.deposits++;
        break;
      case "withdrawal":
        n.accounts.add(op.accountId);
        n.messages.add(messageHash(withdrawalFields(op)));
        n.opSlots++;
        n.withdrawals++;
        break;
      case "transfer":
        n.accounts.add(op.from).add(op.to);
        n.messages.add(messageHash(transferFields({ ...op, accountId: op.from })));
        n.opSlots++;
        break;
      case "fill":
        n.accounts.add(op.taker.accountId).add(op.maker.accountId);
        n.messages.add(messageHash(orderFields(op.taker))).add(messageHash(orderFields(op.maker)));
        n.opSlots++;
        break;
      case "liquidation-fill":
        n.accounts.add(op.liquidated).add(op.counterparty);
        if (op.counterOrder) n.messages.add(messageHash(orderFields(op.counterOrder)));
        n.opSlots++;
        break;
      case "penalty":
        n.accounts.add(op.accountId);
        n.opSlots++;
        break;
      case "cover":
        n.accounts.add(op.accountId).add(vaultId);
        n.opSlots++;
        break;
      case "forced":
        // A priority slot, not an op slot: the circuit serves it after the op slots. Its account's slot
        // even when the key does not match or the leaf is empty (the slot proves which case it was), and
        // a withdrawal slot for a withdrawal request whatever it pays, so the need does not depend on
        // the account's state. L1 checked the signature: no message slot.
        n.accounts.add(op.accountId);
        n.priority++;
        if (op.request === "withdrawal") n.withdrawals++;
        break;
    }
  }
  return n;
}
