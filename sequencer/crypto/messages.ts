/**
 * Message hashes of signed requests (SPEC.md "Signed requests"). The leading kind code keeps a
 * signature for one kind from being replayed as another.
 */
import { poseidon } from "./poseidon.ts";

export const MESSAGE_KIND = { order: 1n, cancel: 2n, withdrawal: 3n, price: 4n, transfer: 5n } as const;
export const SIDE_CODE = { buy: 0n, sell: 1n } as const;
export const ORDER_TYPE_CODE = { limit: 0n, market: 1n } as const;
export const TIF_CODE = { GTC: 0n, IOC: 1n } as const;

export interface OrderMessageFields {
  accountId: number;
  nonce: bigint;
  marketId: number;
  side: "buy" | "sell";
  type: "limit" | "market";
  tif: "GTC" | "IOC";
  price: bigint;
  size: bigint;
}

export interface CancelMessageFields {
  accountId: number;
  nonce: bigint;
  marketId: number;
  orderId: bigint;
}

export interface WithdrawalMessageFields {
  accountId: number;
  nonce: bigint;
  amount: bigint;
  /** The L1 address as an integer (BigInt("0x...")). */
  l1Address: bigint;
}

export interface TransferMessageFields {
  accountId: number;
  nonce: bigint;
  amount: bigint;
  /** An existing account of the same key; omitted to create a sub-account isolated to isolatedMarket. */
  to?: number;
  isolatedMarket?: number;
}

export interface PriceMessageFields {
  marketId: number;
  price: bigint;
  timestampMs: bigint;
}

/** [1, accountId, nonce, marketId, side, type, tif, price, size]: the order's signed terms, in order. */
export function orderMessageFields(o: OrderMessageFields): bigint[] {
  return [
    MESSAGE_KIND.order,
    BigInt(o.accountId),
    o.nonce,
    BigInt(o.marketId),
    SIDE_CODE[o.side],
    ORDER_TYPE_CODE[o.type],
    TIF_CODE[o.tif],
    o.price,
    o.size,
  ];
}

/** Poseidon(orderMessageFields). */
export function orderMessage(o: OrderMessageFields): bigint {
  return poseidon(orderMessageFields(o));
}

/** [2, accountId, nonce, marketId, orderId]: what a cancel signs, before hashing. */
export function cancelMessageFields(c: CancelMessageFields): bigint[] {
  return [MESSAGE_KIND.cancel, BigInt(c.accountId), c.nonce, BigInt(c.marketId), c.orderId];
}

/** Poseidon([2, accountId, nonce, marketId, orderId]). */
export function cancelMessage(c: CancelMessageFields): bigint {
  return poseidon(cancelMessageFields(c));
}

/** Poseidon([3, accountId, nonce, amount, l1Address]). */
export function withdrawalMessage(w: WithdrawalMessageFields): bigint {
  return poseidon([MESSAGE_KIND.withdrawal, BigInt(w.accountId), w.nonce, w.amount, w.l1Address]);
}

/** [4, marketId, price, timestampMs]: what the keeper signs, before hashing. */
export function priceMessageFields(p: PriceMessageFields): bigint[] {
  return [MESSAGE_KIND.price, BigInt(p.marketId), p.price, p.timestampMs];
}

/** Poseidon([4, marketId, price, timestampMs]); signed by the oracle keeper key. */
export function priceMessage(p: PriceMessageFields): bigint {
  return poseidon(priceMessageFields(p));
}

/**
 * Poseidon([5, accountId, nonce, amount, to + 1, isolatedMarket + 1]); an omitted field is 0, so "to
 * account 0" and "no `to`" sign differently.
 */
export function transferMessage(t: TransferMessageFields): bigint {
  return poseidon([
    MESSAGE_KIND.transfer,
    BigInt(t.accountId),
    t.nonce,
    t.amount,
    t.to === undefined ? 0n : BigInt(t.to) + 1n,
    t.isolatedMarket === undefined ? 0n : BigInt(t.isolatedMarket) + 1n,
  ]);
}
