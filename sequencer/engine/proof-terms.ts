import type { RestingOrder } from "../matching/order-book.ts";
import type { OrderTerms } from "../proof/ops.ts";
import { DEFAULT_MAX_FEE_BPS, type EngineTx, NO_EXPIRY_MS } from "./types.ts";

type OrderTx = Extract<EngineTx, { kind: "order" }>;

/** The signed terms of an order tx, as a fill op reports them (defaults filled in). */
export function orderTermsOfTx(tx: OrderTx): OrderTerms {
  return {
    accountId: tx.accountId,
    nonce: tx.nonce,
    marketId: tx.marketId,
    side: tx.side,
    type: tx.type,
    tif: tx.tif,
    price: tx.price,
    size: tx.size,
    maxFeeBps: tx.maxFeeBps ?? DEFAULT_MAX_FEE_BPS,
    expiryMs: tx.expiryMs ?? NO_EXPIRY_MS,
  };
}

/** The signed terms of a resting (maker) order. */
export function orderTermsOfResting(o: RestingOrder): OrderTerms {
  return {
    accountId: o.accountId,
    nonce: o.terms.nonce,
    marketId: o.marketId,
    side: o.side,
    type: o.terms.type,
    tif: o.terms.tif,
    price: o.price,
    size: o.size,
    maxFeeBps: o.terms.maxFeeBps,
    expiryMs: o.terms.expiryMs,
  };
}
