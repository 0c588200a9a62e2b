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

/**
 * Hashes the sequencer already knows, by preimage. One order's message is hashed at admission, again
 * when its signature is filed, and again by the batch's proof needs and its witness: Poseidon(11)
 * costs ~70 µs natively, which at intake rates is most of a core. The intake path hashes in the
 * verify pool's workers and files the result here (`rememberMessageHash`). Bounded: the oldest half is
 * dropped when full, and a miss only costs the hash again.
 */
const HASH_CACHE_MAX = 1 << 17;
let hashCache = new Map<string, bigint>();
let hashCacheOld = new Map<string, bigint>();

const preimageKey = (fields: readonly bigint[]) => fields.join(",");

/** Files `hash` as the message hash of `fields` (its caller computed Poseidon(fields) itself). */
export function rememberMessageHash(fields: readonly bigint[], hash: bigint): void {
  if (hashCache.size >= HASH_CACHE_MAX / 2) {
    hashCacheOld = hashCache;
    hashCache = new Map();
  }
  hashCache.set(preimageKey(fields), hash);
}

/** The field element the owner signs. */
export function messageHash(fields: readonly bigint[]): bigint {
  const key = preimageKey(fields);
  const known = hashCache.get(key) ?? hashCacheOld.get(key);
  if (known !== undefined) return known;
  const h = poseidon(fields.map(toField));
  rememberMessageHash(fields, h);
  return h;
}
