/**
 * A tape as the lab sends it: traders folded onto the accounts the devnet's tree can hold, and every
 * price, order and cancel as one scheduled request. The fold keeps the big-deposit traders (makers,
 * takers, panic sellers) apart from the small leveraged ones, so folding never nets a leveraged
 * trader's position against a maker's: the cascade still happens.
 */
import type { OrderMessageFields } from "../../sequencer/crypto/messages.ts";
import type { Tape } from "../../sequencer/sim/tape.ts";

/** An order's terms as the tape gives them; the account and nonce are the driver's. */
export type OrderFields = Omit<OrderMessageFields, "accountId" | "nonce">;

export type LabRequest =
  | { i: number; t: number; kind: "order"; slot: number; order: OrderFields }
  /** `ref`: the schedule index of the order it cancels (the order id is only known once it is acked). */
  | { i: number; t: number; kind: "cancel"; slot: number; marketId: number; ref: number }
  | { i: number; t: number; kind: "price"; marketId: number; price: bigint };

export interface LabPlan {
  /** One per account the lab funds for the tape: the L1 deposit and the tape traders folded onto it. */
  slots: { deposit: bigint; traders: number[] }[];
  requests: LabRequest[];
  durationMs: number;
  initialPrices: bigint[];
}

/** A trader that deposits at least this much is "big" (the generators' makers, takers and panic). */
const BIG_DEPOSIT = 100_000n * 1_000_000n;

export function planTape(tape: Tape, maxAccounts: number): LabPlan {
  if (maxAccounts < 2) throw new RangeError(`maxAccounts must be ≥ 2, got ${maxAccounts}`);
  const deposits = new Map<number, bigint>();
  const traders = new Set<number>();
  for (const e of tape.events) {
    if (e.kind === "deposit") deposits.set(e.trader, (deposits.get(e.trader) ?? 0n) + e.amount);
    if ("trader" in e) traders.add(e.trader);
  }
  const ids = [...traders].sort((a, b) => a - b);
  const big = ids.filter((t) => (deposits.get(t) ?? 0n) >= BIG_DEPOSIT);
  const small = ids.filter((t) => (deposits.get(t) ?? 0n) < BIG_DEPOSIT);
  const bigSlots = Math.min(
    big.length,
    small.length === 0 ? maxAccounts : Math.max(1, Math.floor(maxAccounts / 3)),
  );
  const smallSlots = Math.min(small.length, maxAccounts - bigSlots);
  const slotOf = new Map<number, number>();
  for (const [k, t] of big.entries()) slotOf.set(t, k % bigSlots);
  for (const [k, t] of small.entries()) slotOf.set(t, bigSlots + (k % smallSlots));

  const slots = Array.from({ length: bigSlots + smallSlots }, () => ({
    deposit: 0n,
    traders: [] as number[],
  }));
  for (const t of ids) {
    const s = slots[slotOf.get(t)!]!;
    s.traders.push(t);
    s.deposit += deposits.get(t) ?? 0n;
  }

  const requests: LabRequest[] = [];
  /** Tape event index → schedule index, for cancels. */
  const byEvent = new Map<number, number>();
  const marketOfOrder = new Map<number, number>();
  tape.events.forEach((e, n) => {
    const i = requests.length;
    if (e.kind === "price") {
      // The initial prices are posted during set-up, before the clock starts.
      if (e.t === 0) return;
      requests.push({ i, t: e.t, kind: "price", marketId: e.marketId, price: e.price });
    } else if (e.kind === "order") {
      byEvent.set(n, i);
      marketOfOrder.set(i, e.marketId);
      requests.push({
        i,
        t: e.t,
        kind: "order",
        slot: slotOf.get(e.trader)!,
        order: { marketId: e.marketId, side: e.side, type: e.type, tif: e.tif, price: e.price, size: e.size },
      });
    } else if (e.kind === "cancel") {
      const ref = byEvent.get(e.ref);
      if (ref === undefined) return;
      requests.push({
        i,
        t: e.t,
        kind: "cancel",
        slot: slotOf.get(e.trader)!,
        marketId: marketOfOrder.get(ref)!,
        ref,
      });
    }
  });
  return { slots, requests, durationMs: tape.header.durationMs, initialPrices: tape.header.initialPrices };
}

/** Inserts extra requests (the probes' price steps) in time order and renumbers; refs follow. */
export function withExtra(
  plan: LabPlan,
  extra: Omit<Extract<LabRequest, { kind: "price" }>, "i">[],
): LabPlan {
  const all = [
    ...plan.requests.map((r) => ({ r, old: r.i })),
    ...extra.map((r) => ({ r: { ...r, i: -1 } as LabRequest, old: -1 })),
  ];
  all.sort((a, b) => a.r.t - b.r.t);
  const renumber = new Map<number, number>();
  all.forEach((x, i) => {
    if (x.old >= 0) renumber.set(x.old, i);
  });
  const requests = all.map((x, i) => {
    const r = { ...x.r, i } as LabRequest;
    if (r.kind === "cancel") r.ref = renumber.get(r.ref)!;
    return r;
  });
  return { ...plan, requests };
}
