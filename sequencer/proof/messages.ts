/**
 * The v2 signed messages (SPEC.md "Signed requests"): every kind is one Poseidon over 11 fields, so
 * the circuit hashes each message slot once whatever its kind. The order message adds the fee cap
 * and the expiry that the proof checks. The keeper's price message is v1's (crypto/messages.ts
 * `priceMessage`).
 */

import { MESSAGE_KIND, orderMessageFields } from "../crypto/messages.ts";
import { poseidon } from "../crypto/poseidon.ts";
import { toField } from "../state/field.ts";
import type { OrderTerms } from "./ops.ts";

export const MESSAGE_FIELDS = 11;

/** The v1 order terms followed by the fee cap and the expiry. */
export function orderFields(o: OrderTerms): bigint[] {
  return [...orderMessageFields(o), BigInt(o.maxFeeBps), o.expiryMs];
}

export function withdrawalFields(w: {
  accountId: number;
  nonce: bigint;
  amount: bigint;
  l1Address: bigint;
}): bigint[] {
  return pad([MESSAGE_KIND.withdrawal, BigInt(w.accountId), w.nonce, w.amount, w.l1Address]);
}

/** `toField` and `isolatedField` are `to + 1` and `isolatedMarket + 1`, 0 for none. */
export function transferFields(t: {
  accountId: number;
  nonce: bigint;
  amount: bigint;
  toField: bigint;
  isolatedField: bigint;
}): bigint[] {
  return pad([MESSAGE_KIND.transfer, BigInt(t.accountId), t.nonce, t.amount, t.toField, t.isolatedField]);
}

function pad(fields: bigint[]): bigint[] {
  while (fields.length < MESSAGE_FIELDS) fields.push(0n);
  return fields;
}

/** The field element the owner signs. */
export function messageHash(fields: readonly bigint[]): bigint {
  return poseidon(fields.map(toField));
}
