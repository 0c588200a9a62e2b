/**
 * The proven transactions (docs/PROOF.md). The engine emits, for every tx it accepts, the primitive
 * state changes it made, in the order it made them (`ApplyResult.ops`). The circuit checks each one
 * against the signed messages and the rules, and computes the new leaves from them: nothing in a
 * batch's state change is a free diff the operator supplies.
 */
/** Kept local so the engine can import these types without an import cycle. */
export type Side = "buy" | "sell";

/** The fields of a signed order (SPEC.md "Signed requests", kind 1, v2 with fee cap and expiry). */
export interface OrderTerms {
  accountId: number;
  nonce: bigint;
  marketId: number;
  side: Side;
  type: "limit" | "market";
  tif: "GTC" | "IOC";
  /** Limit price: a buy fills at or below it, a sell at or above it. */
  price: bigint;
  size: bigint;
  /** The most the order's owner pays in fees, bps of each fill's notional. */
  maxFeeBps: number;
  /** Fills only in a batch whose proven time is before this (ms). */
  expiryMs: bigint;
}

export type LiquidationTier = "on-book" | "vault" | "adl";

export type ProofOp =
  /** An L1 deposit credited to the account that has, or is given, the key named on L1. */
  | {
      kind: "deposit";
      accountId: number;
      depositIndex: bigint;
      pubKeyX: bigint;
      pubKeyY: bigint;
      amount: bigint;
    }
  /** Signed by the account: pays `amount` to `l1Address` on L1. */
  | { kind: "withdrawal"; accountId: number; nonce: bigint; amount: bigint; l1Address: bigint }
  /**
   * Signed by `from`: cash to another account of the same key, or to an empty leaf that is given the
   * key (an isolated sub-account opening). `toField` and `isolatedField` are the signed message's
   * `to + 1` and `isolatedMarket + 1` (0: none).
   */
  | {
      kind: "transfer";
      from: number;
      to: number;
      nonce: bigint;
      amount: bigint;
      toField: bigint;
      isolatedField: bigint;
    }
  /** Funding settlement of one position against the market's index: a rule, no signature. */
  | { kind: "settle"; accountId: number; marketId: number }
  /** A match of two signed orders: the taker's side, `size` lots at `price`. */
  | {
      kind: "fill";
      marketId: number;
      taker: OrderTerms;
      maker: OrderTerms;
      size: bigint;
      price: bigint;
      takerFee: bigint;
      makerFee: bigint;
    }
  /**
   * A reduction of an account below maintenance, without its signature. `size` is the signed change of
   * the liquidated position (it never grows or flips it). On the book the counterparty is a signed
   * maker order; the vault (account 0) takes over at the mark; ADL closes at the bankruptcy price
   * against a counterparty whose position it only reduces.
   */
  | {
      kind: "liquidation-fill";
      tier: LiquidationTier;
      marketId: number;
      liquidated: number;
      counterparty: number;
      /** The maker's signed order (on-book tier only). */
      counterOrder?: OrderTerms;
      size: bigint;
      price: bigint;
      /** Paid by the maker (on-book tier only), within its order's cap. The liquidated pays no fee. */
      counterFee: bigint;
    }
  /** Liquidation penalty to the insurance fund, at most the penalty rate of what was closed. */
  | { kind: "penalty"; accountId: number; amount: bigint }
  /** Negative collateral made whole: first the insurance fund, then the vault's collateral. */
  | { kind: "cover"; accountId: number; fromFund: bigint; fromVault: bigint }
  /**
   * A priority request from L1, served in queue order (proof/forced.ts). A forced withdrawal pays
   * `paid` = forcedWithdrawalPay of the account after every other op of its batch (a request ends its
   * batch); a cancel-all changes no leaf (the engine removes the resting orders; cancels are not proven).
   */
  | {
      kind: "forced";
      priorityIndex: bigint;
      request: "withdrawal" | "cancel-all";
      accountId: number;
      pubKeyX: bigint;
      pubKeyY: bigint;
      amount: bigint;
      to: bigint;
      paid: bigint;
    }
  /**
   * A keeper-signed index price, and the mark and funding index the engine derived from it. Starts a
   * batch: within a batch marks and funding indexes are constant.
   */
  | {
      kind: "price";
      marketId: number;
      indexPrice: bigint;
      timestampMs: bigint;
      mark: bigint;
      fundingIndex: bigint;
    };

export type ProofOpKind = ProofOp["kind"];
