import {
  equity,
  initialRequirement,
  maintenanceRequirement,
  unrealisedPnl,
  unsettledFunding,
} from "../risk/margin.ts";
import type { EngineState } from "./state.ts";
import type { AccountLeaf, MarketState, OpenOrder } from "./types.ts";

export interface PositionView {
  marketId: number;
  size: bigint;
  entryNotional: bigint;
  fundingSnapshot: bigint;
  markPrice: bigint;
  /** size · mark */
  notional: bigint;
  unrealisedPnl: bigint;
  unsettledFunding: bigint;
}

export interface AccountView {
  accountId: number;
  pubKeyX: bigint;
  pubKeyY: bigint;
  nonce: bigint;
  collateral: bigint;
  /** collateral + unrealised PnL + unsettled funding */
  equity: bigint;
  initialRequirement: bigint;
  maintenanceRequirement: bigint;
  /** Non-zero positions only. */
  positions: PositionView[];
  openOrders: OpenOrder[];
  /** "isolated": a sub-account that trades `isolatedMarket` only, funded by transfers from `parentId`. */
  marginMode: "cross" | "isolated";
  isolatedMarket?: number;
  parentId?: number;
  /** The isolated sub-accounts of a parent account, in creation order. */
  subaccounts: number[];
}

export function openOrdersOf(state: EngineState, accountId: number): OpenOrder[] {
  const mine = state.ordersByAccount.get(accountId);
  if (!mine) return [];
  return [...mine.values()]
    .map((o) => o.view())
    .sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
}

export function accountViewOf(state: EngineState, accountId: number, a: AccountLeaf): AccountView {
  const markets = state.markets;
  const params = state.params.markets;
  const positions: PositionView[] = [];
  const iso = state.isolated.get(accountId);
  a.positions.forEach((p, m) => {
    if (p.size === 0n && p.entryNotional === 0n) return;
    const mk = markets[m] as MarketState;
    positions.push({
      marketId: m,
      size: p.size,
      entryNotional: p.entryNotional,
      fundingSnapshot: p.fundingSnapshot,
      markPrice: mk.markPrice,
      notional: p.size * mk.markPrice,
      unrealisedPnl: unrealisedPnl(p, mk.markPrice),
      unsettledFunding: unsettledFunding(p, mk.fundingIndex),
    });
  });
  return {
    accountId,
    pubKeyX: a.pubKeyX,
    pubKeyY: a.pubKeyY,
    nonce: a.nonce,
    collateral: a.collateral,
    equity: equity(a, markets),
    initialRequirement: initialRequirement(a, markets, params),
    maintenanceRequirement: maintenanceRequirement(a, markets, params),
    positions,
    openOrders: openOrdersOf(state, accountId),
    marginMode: iso ? "isolated" : "cross",
    ...(iso ? { isolatedMarket: iso.marketId, parentId: iso.parentId } : {}),
    subaccounts: [...(state.subaccounts.get(accountId) ?? [])],
  };
}
