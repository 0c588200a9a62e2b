/**
 * The field element a request's signature covers, as the Batch2 proof checks it (docs/PROOF.md
 * "Signed messages"): orders, withdrawals and transfers sign the v2 11-field messages, prices the
 * keeper's price message. Cancels stay v1 messages: a cancel changes no proven field but the nonce.
 * The API verifies against this hash, and the sequencer keeps each signature under it for the proof.
 */
import { cancelMessage, priceMessage } from "../crypto/messages.ts";
import { DEFAULT_MAX_FEE_BPS, type EngineTx, NO_EXPIRY_MS } from "../engine/types.ts";
import { messageHash, orderFields, transferFields, withdrawalFields } from "./messages.ts";

export function signedMessageOf(tx: EngineTx): bigint | undefined {
  switch (tx.kind) {
    case "order":
      return messageHash(
        orderFields({
          ...tx,
          maxFeeBps: tx.maxFeeBps ?? DEFAULT_MAX_FEE_BPS,
          expiryMs: tx.expiryMs ?? NO_EXPIRY_MS,
        }),
      );
    case "withdrawal":
      return messageHash(withdrawalFields(tx));
    case "transfer":
      return messageHash(
        transferFields({
          ...tx,
          toField: tx.to === undefined ? 0n : BigInt(tx.to) + 1n,
          isolatedField: tx.isolatedMarket === undefined ? 0n : BigInt(tx.isolatedMarket) + 1n,
        }),
      );
    case "price":
      return priceMessage(tx);
    case "cancel":
      return cancelMessage(tx);
    default:
      return undefined;
  }
}
