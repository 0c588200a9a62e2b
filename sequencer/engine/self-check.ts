import type { RestingExposure } from "../risk/margin.ts";
import type { EngineState } from "./state.ts";

/**
 * Recomputes every derived index from scratch and compares: books vs. orders by account vs. resting
 * totals, position holders, open interest. O(state); for tests, the simulator and debugging a replica,
 * never the hot path. Returns the mismatches (empty when consistent).
 */
export function findIndexMismatches(s: EngineState): string[] {
  const problems: string[] = [];
  const totals = new Map<number, RestingExposure[]>();
  let indexed = 0;
  for (const [accountId, mine] of s.ordersByAccount) {
    for (const o of mine.values()) {
      indexed++;
      if (o.accountId !== accountId) problems.push(`order ${o.id} indexed under ${accountId}`);
      if (s.books[o.marketId]?.get(o.id) !== o)
        problems.push(`order ${o.id} indexed but not on book ${o.marketId}`);
      if (o.remaining <= 0n) problems.push(`order ${o.id} has remaining ${o.remaining}`);
      let t = totals.get(accountId);
      if (!t) {
        t = s.markets.map(() => ({ buy: 0n, sell: 0n }));
        totals.set(accountId, t);
      }
      const e = t[o.marketId] as RestingExposure;
      if (o.side === "buy") e.buy += o.remaining;
      else e.sell += o.remaining;
    }
  }
  const onBooks = s.books.reduce((n, b) => n + b.size, 0);
  if (onBooks !== indexed) problems.push(`books hold ${onBooks} orders, index ${indexed}`);
  const ids = new Set([...totals.keys(), ...s.restingTotals.keys()]);
  for (const id of ids) {
    const want = totals.get(id);
    const got = s.restingTotals.get(id);
    s.markets.forEach((_, m) => {
      const w = want?.[m] ?? { buy: 0n, sell: 0n };
      const g = got?.[m] ?? { buy: 0n, sell: 0n };
      if (w.buy !== g.buy || w.sell !== g.sell)
        problems.push(`resting totals of ${id} in ${m}: ${g.buy}/${g.sell}, want ${w.buy}/${w.sell}`);
    });
  }
  s.markets.forEach((mk, m) => {
    let oi = 0n;
    s.accounts.forEach((a, id) => {
      const size = a.positions[m]?.size ?? 0n;
      if (size > 0n) oi += size;
      if ((size !== 0n) !== (s.holders[m]?.has(id) ?? false)) problems.push(`holder index of ${id} in ${m}`);
    });
    if (oi !== mk.openInterest) problems.push(`open interest of ${m}: ${mk.openInterest}, want ${oi}`);
  });
  for (const [id, iso] of s.isolated) {
    const a = s.accounts[id];
    const parent = s.accounts[iso.parentId];
    if (!a || !parent || a.pubKeyX !== parent.pubKeyX || a.pubKeyY !== parent.pubKeyY)
      problems.push(`isolated ${id} does not share its parent ${iso.parentId}'s key`);
    a?.positions.forEach((p, m) => {
      if (m !== iso.marketId && p.size !== 0n) problems.push(`isolated ${id} holds a position in ${m}`);
    });
    for (const o of s.ordersByAccount.get(id)?.values() ?? [])
      if (o.marketId !== iso.marketId) problems.push(`isolated ${id} rests order ${o.id} in ${o.marketId}`);
    if (!s.subaccounts.get(iso.parentId)?.includes(id))
      problems.push(`isolated ${id} missing from its parent`);
  }
  return problems;
}
