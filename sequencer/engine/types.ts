/**
 * The engine's types. The leaf and global shapes are SPEC.md's, defined once in `sequencer/state`, so the
 * engine's output is hashed without translation.
 */

import type { ForcedRequestKind } from "../proof/forced.ts";
import type { ProofOp } from "../proof/ops.ts";
import type { GlobalState, MarketState } from "../state/global-state.ts";
import type { AccountLeaf, Position } from "../state/leaf.ts";

export type { AccountLeaf, GlobalState, MarketState, Position };

export type Side = "buy" | "sell";

export type EngineTx =
  | { kind: "deposit"; depositIndex: bigint; pubKeyX: bigint; pubKeyY: bigint; amount: bigint }
  | {
      kind: "order";
      accountId: number;
      nonce: bigint;
      marketId: number;
      side: Side;
      type: "limit" | "market";
      tif: "GTC" | "IOC";
      price: bigint;
      size: bigint;
      /**
       * The most fee the owner agrees to pay, bps of each fill's notional (signed, v2). Omitted:
       * DEFAULT_MAX_FEE_BPS (10,000, i.e. no cap below the bps range), so unsigned callers keep working;
       * an order whose cap is below the market's fee (max of taker and maker) is refused: FEE_CAP.
       */
      maxFeeBps?: number;
      /**
       * The order fills only while engine time is before this (ms, signed, v2). Omitted: NO_EXPIRY_MS
       * (2^48 − 1). An order already expired is refused (ORDER_EXPIRED); a resting one that expired is
       * cancelled when a taker meets it.
       */
      expiryMs?: bigint;
    }
  | { kind: "cancel"; accountId: number; nonce: bigint; marketId: number; orderId: bigint }
  | { kind: "withdrawal"; accountId: number; nonce: bigint; amount: bigint; l1Address: bigint }
  | {
      kind: "price";
      marketId: number;
      price: bigint;
      /** The keeper's observation time. */
      timestampMs: bigint;
      /**
       * When the sequencer received it (its injected clock; logged in the WAL with the tx). It drives the
       * staleness check and is the engine's clock. Omitted: the same as timestampMs.
       */
      nowMs?: bigint;
    }
  /**
   * Moves cash between two accounts of one key: a parent and its isolated sub-accounts (dYdX v4's
   * isolated positions, which live in their own subaccounts). Without `to` it creates a sub-account
   * isolated to `isolatedMarket` and funds it; give exactly one of the two.
   */
  | {
      kind: "transfer";
      accountId: number;
      nonce: bigint;
      amount: bigint;
      to?: number;
      isolatedMarket?: number;
    }
  /** `sweep`: the zombie sweep's forced run of the terminal tiers, ignoring the on-book schedule. */
  | { kind: "liquidation"; accountId: number; sweep?: boolean }
  /**
   * A priority request L1 queued (Rollup.requestWithdrawal / requestCancelAll), fields as in
   * proof/forced.ts ForcedRequest. Served in queue order: `priorityIndex` must be the engine's next.
   */
  | {
      kind: "forced";
      priorityIndex: bigint;
      request: ForcedRequestKind;
      accountId: number;
      pubKeyX: bigint;
      pubKeyY: bigint;
      /** Most a withdrawal may pay (0 for a cancel-all). */
      amount: bigint;
      /** L1 address paid (0 for a cancel-all). */
      to: bigint;
    };

export type EngineTxKind = EngineTx["kind"];

/** An order's fee cap when the tx names none: the whole bps range, so no market fee exceeds it. */
export const DEFAULT_MAX_FEE_BPS = 10_000;
/** An order's expiry when the tx names none: the largest 48-bit ms timestamp (year 10889). */
export const NO_EXPIRY_MS = (1n << 48n) - 1n;

export interface ApplyLimits {
  /** Accounts already updated by earlier txs of the open batch. */
  touchedInBatch: ReadonlySet<number>;
  /** Account updates a batch can hold (the circuit's N). */
  maxTouched: number;
}

export interface Fill {
  marketId: number;
  makerOrderId: bigint;
  maker: number;
  taker: number;
  price: bigint;
  size: bigint;
  takerFee: bigint;
  makerFee: bigint;
}

export type OrderStatus = "filled" | "partially_filled" | "resting" | "cancelled";

export interface LiquidationOutcome {
  accountId: number;
  /** Lots closed against resting orders. */
  closedOnBook: bigint;
  /** Lots the backstop account took at the mark price. */
  toBackstop: bigint;
  /** Lots closed against ADL counterparties at the bankruptcy price. */
  toAdl: bigint;
  /** Moved from the account to the insurance fund. */
  penalty: bigint;
  /** Negative collateral made whole in this tx by the insurance fund and, past it, the backstop vault. */
  deficitCovered: bigint;
  /** The event's ledger record (`Engine.ledger()[recordId]`). */
  recordId: number;
  /** True when this tx ended the event (flat or back above maintenance). */
  ended: boolean;
}

/** What serving a priority request did (a key mismatch or an unknown account: nothing, paid 0). */
export interface ForcedOutcome {
  priorityIndex: bigint;
  request: ForcedRequestKind;
  accountId: number;
  /** The request's key is the account's: only then are orders cancelled and collateral paid. */
  applied: boolean;
  /** Debited from collateral and paid on L1 (0 for a cancel-all). */
  paid: bigint;
  /** The account's resting orders this request cancelled, in every market, in the order they rested. */
  cancelledOrderIds: bigint[];
}

export interface ApplyResult {
  /**
   * Account ids whose leaf fields changed, ascending; for a priority request also its account (when it
   * exists) even if nothing changed, since the proof's priority slot reads that leaf.
   */
  touched: number[];
  orderId?: bigint;
  status?: OrderStatus;
  fills: Fill[];
  deposit?: { accountId: number; created: boolean };
  withdrawal?: { accountId: number; l1Address: bigint; amount: bigint };
  transfer?: { from: number; to: number; amount: bigint; created: boolean };
  forced?: ForcedOutcome;
  /** After a price tx: accounts now below maintenance in that market, most under-collateralised first. */
  liquidationsDetected: number[];
  liquidation?: LiquidationOutcome;
  /**
   * The primitive state changes the tx made, in order (docs/PROOF.md): replayed through
   * sequencer/proof/model.ts they give the same leaves, marks, funding indexes, OI and pools.
   */
  ops: ProofOp[];
}

/** What a flow returns; `Engine.apply` adds the tx context's touched set and ops. */
export type FlowResult = Omit<ApplyResult, "ops">;

export interface OpenOrder {
  orderId: bigint;
  accountId: number;
  marketId: number;
  side: Side;
  price: bigint;
  size: bigint;
  remaining: bigint;
}

export interface BookLevel {
  price: bigint;
  size: bigint;
  orders: number;
}

export interface BookView {
  marketId: number;
  bids: BookLevel[];
  asks: BookLevel[];
}

export function emptyPosition(): Position {
  return { size: 0n, entryNotional: 0n, fundingSnapshot: 0n };
}

export function cloneAccount(a: AccountLeaf): AccountLeaf {
  // A plain loop rather than positions.map: this runs once per account per tx, on the hot path.
  const src = a.positions;
  const positions: Position[] = [];
  for (let m = 0; m < src.length; m++) {
    const p = src[m] as Position;
    positions.push({ size: p.size, entryNotional: p.entryNotional, fundingSnapshot: p.fundingSnapshot });
  }
  return { pubKeyX: a.pubKeyX, pubKeyY: a.pubKeyY, nonce: a.nonce, collateral: a.collateral, positions };
}
