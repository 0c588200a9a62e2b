/**
 * Signed requests in the wire form of the HTTP routes and the order-entry socket (the same bodies):
 * one place that fills an order's defaults and writes a tx as JSON, for the ready client (api-client),
 * and for clients that sign ahead of sending: load generators pre-sign so signing (~0.3-0.7 ms each) is
 * not what they measure.
 */
import { signMessage } from "../../sequencer/crypto/keys.ts";
import type { SignatureJson } from "../../sequencer/crypto/signature-json.ts";
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

/** An order tx with its signed fee cap and expiry filled in (the engine defaults them when absent). */
export type OrderTx = Extract<EngineTx, { kind: "order" }> & { maxFeeBps: number; expiryMs: bigint };
export type CancelTx = Extract<EngineTx, { kind: "cancel" }>;
export type PriceTx = Extract<EngineTx, { kind: "price" }>;

/** The order tx the terms sign: IOC for a market order, no fee cap and no expiry unless named. */
export function orderTx(o: OrderTermsIn): OrderTx {
  return {
    kind: "order",
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
  };
}

/** Signs what the proof checks for this request (sequencer/proof/signed-message.ts). */
export function signTx(prv: Uint8Array, tx: EngineTx): SignatureJson {
  const msg = signedMessageOf(tx);
  if (msg === undefined) throw new TypeError(`a ${tx.kind} is not a signed request`);
  return signMessage(prv, msg);
}

export function orderWire(tx: OrderTx, signature: SignatureJson): Record<string, unknown> {
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
    signature,
  };
}

export function cancelWire(tx: CancelTx, signature: SignatureJson): Record<string, unknown> {
  return {
    accountId: tx.accountId,
    nonce: tx.nonce.toString(),
    marketId: tx.marketId,
    orderId: tx.orderId.toString(),
    signature,
  };
}

export function priceWire(tx: PriceTx, signature: SignatureJson): Record<string, unknown> {
  return {
    marketId: tx.marketId,
    price: tx.price.toString(),
    timestampMs: tx.timestampMs.toString(),
    signature,
  };
}

export function signedOrderBody(prv: Uint8Array, o: OrderTermsIn): Record<string, unknown> {
  const tx = orderTx(o);
  return orderWire(tx, signTx(prv, tx));
}

export function signedPriceBody(
  keeperPrv: Uint8Array,
  p: { marketId: number; price: bigint; timestampMs: bigint },
): Record<string, unknown> {
  const tx: PriceTx = { kind: "price", ...p };
  return priceWire(tx, signTx(keeperPrv, tx));
}
