/**
 * The field element a request's signature covers, as the Batch2 proof checks it (docs/PROOF.md
 * "Signed messages"): orders, withdrawals and transfers sign the v2 11-field messages, prices the
 * keeper's price message. Cancels stay v1 messages: a cancel changes no proven field but the nonce.
 * The API verifies against this hash, and the sequencer keeps each signature under it for the proof.
 */
import { cancelMessageFields, priceMessageFields } from "../crypto/messages.ts";
import { DEFAULT_MAX_FEE_BPS, type EngineTx, NO_EXPIRY_MS } from "../engine/types.ts";
import { messageHash, orderFields, transferFields, withdrawalFields } from "./messages.ts";

/**
 * The field elements `signedMessageOf(tx)` hashes, in order: the intake path sends these to the verify
 * pool, which hashes and checks in a worker. Undefined for a tx nobody signs.
 */
export function signedPreimageOf(tx: EngineTx): bigint[] | undefined {
  switch (tx.kind) {
    case "order":
      return orderFields({
        ...tx,
        maxFeeBps: tx.maxFeeBps ?? DEFAULT_MAX_FEE_BPS,
        expiryMs: tx.expiryMs ?? NO_EXPIRY_MS,
      });
    case "withdrawal":
      return withdrawalFields(tx);
    case "transfer":
      return transferFields({
        ...tx,
        toField: tx.to === undefined ? 0n : BigInt(tx.to) + 1n,
        isolatedField: tx.isolatedMarket === undefined ? 0n : BigInt(tx.isolatedMarket) + 1n,
      });
    case "price":
      return priceMessageFields(tx);
    case "cancel":
      return cancelMessageFields(tx);
    default:
      return undefined;
  }
}

/** Poseidon of the preimage, through the hash cache of `messageHash` (Poseidon reduces mod p anyway). */
export function signedMessageOf(tx: EngineTx): bigint | undefined {
  const pre = signedPreimageOf(tx);
  return pre === undefined ? undefined : messageHash(pre);
}
