/**
 * Signed request bodies in the wire form of the HTTP routes and the order-entry socket (the same
 * bodies), for clients that sign ahead of sending: load generators pre-sign so signing (~0.3-0.7 ms
 * each) is not what they measure.
 */
import { signMessage } from "../../sequencer/crypto/keys.ts";
import { DEFAULT_MAX_FEE_BPS, type EngineTx, NO_EXPIRY_MS } from "../../sequencer/engine/types.ts";
import { signedMessageOf } from "../../sequencer/proof/signed-message.ts";

export interface OrderTermsIn {
  accountId: number;
  nonce: bigint;
  marketId: number;
  side: "buy" | "sell";
  type: "limit" | "market";
  tif?: "GTC" | "IOC";
  price?: bigint;
  size: bigint;
  maxFeeBps?: number;
  expiryMs?: bigint;
}

export function signedOrderBody(prv: Uint8Array, o: OrderTermsIn): Record<string, unknown> {
  const tx = {
    kind: "order" as const,
    accountId: o.accountId,
    nonce: o.nonce,
    marketId: o.marketId,
    side: o.side,
    type: o.type,
    tif: o.tif ?? (o.type === "market" ? "IOC" : "GTC"),
    price: o.price ?? 0n,
    size: o.size,
    maxFeeBps: o.maxFeeBps ?? DEFAULT_MAX_FEE_BPS,
    expiryMs: o.expiryMs ?? NO_EXPIRY_MS,
  } satisfies EngineTx;
  return {
    accountId: tx.accountId,
    nonce: tx.nonce.toString(),
    marketId: tx.marketId,
    side: tx.side,
    type: tx.type,
    tif: tx.tif,
    price: tx.price.toString(),
    size: tx.size.toString(),
    maxFeeBps: tx.maxFeeBps,
    expiryMs: tx.expiryMs.toString(),
    signature: signMessage(prv, signedMessageOf(tx)!),
  };
}

export function signedPriceBody(
  keeperPrv: Uint8Array,
  p: { marketId: number; price: bigint; timestampMs: bigint },
): Record<string, unknown> {
  const signature = signMessage(keeperPrv, signedMessageOf({ kind: "price", ...p })!);
  return {
    marketId: p.marketId,
    price: p.price.toString(),
    timestampMs: p.timestampMs.toString(),
    signature,
  };
}
