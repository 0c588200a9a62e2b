import type { Side } from "../engine/types.ts";
import type { OrderBook, RestingOrder } from "./order-book.ts";

/**
 * What the caller wants done with one crossing maker order. The matcher itself never changes the book:
 * it walks it read-only and returns a plan, so a transaction that throws later leaves the book as it was.
 */
export type MakerDecision =
  | { kind: "fill"; size: bigint }
  | { kind: "cancel" } // remove the maker (self-trade, maker out of margin) and keep going
  | { kind: "skip" } // already being removed by this tx; keep going
  | { kind: "stop" }; // end matching here (capacity, taker limits)

export interface MatchPlan {
  fills: { order: RestingOrder; size: bigint }[];
  cancels: RestingOrder[];
  filled: bigint;
  /** True when `decide` ended the walk while the book still crossed. */
  stopped: boolean;
}

export function crosses(takerSide: Side, limitPrice: bigint, makerPrice: bigint): boolean {
  return takerSide === "buy" ? makerPrice <= limitPrice : makerPrice >= limitPrice;
}

/**
 * Walks makers opposite `takerSide` in price-time order while they cross `limitPrice`, until `size` is
 * filled. `decide` sees each maker and the size still wanted, and may settle the fill on its own
 * scratch state before answering.
 */
export function planMatch(
  book: OrderBook,
  takerSide: Side,
  limitPrice: bigint,
  size: bigint,
  decide: (maker: RestingOrder, wanted: bigint) => MakerDecision,
): MatchPlan {
  const makers = book.sideOf(takerSide === "buy" ? "sell" : "buy");
  const plan: MatchPlan = { fills: [], cancels: [], filled: 0n, stopped: false };
  for (let level = makers.best(); level && plan.filled < size; level = makers.worse(level)) {
    if (!crosses(takerSide, limitPrice, level.price)) break;
    for (let o = level.head; o && plan.filled < size; o = o.next) {
      const d = decide(o, size - plan.filled);
      if (d.kind === "fill") {
        if (d.size <= 0n || d.size > o.remaining || d.size > size - plan.filled) {
          throw new Error(`matcher: bad fill size ${d.size} for order ${o.id}`);
        }
        plan.fills.push({ order: o, size: d.size });
        plan.filled += d.size;
      } else if (d.kind === "cancel") {
        plan.cancels.push(o);
      } else if (d.kind === "stop") {
        plan.stopped = true;
        return plan;
      }
    }
  }
  return plan;
}

/** Applies a plan to the book. Cannot fail for a plan made on the same, unchanged book. */
export function commitPlan(book: OrderBook, plan: MatchPlan): void {
  for (const f of plan.fills) book.fill(f.order.id, f.size);
  for (const o of plan.cancels) book.remove(o.id);
}
