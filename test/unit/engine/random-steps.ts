import fc from "fast-check";
import type { Engine, EngineTx } from "../../../sequencer/engine/index.ts";

/**
 * Random tx sequences against invariants the circuit relies on. Each abstract step is turned into a
 * concrete tx against the current state (so most nonces are right and most orders land near the
 * mark); a slice of them is deliberately wrong to exercise rejections.
 */
export type Step =
  | { k: "deposit"; who: number; amount: bigint }
  | {
      k: "order";
      who: number;
      m: number;
      side: "buy" | "sell";
      type: "limit" | "market";
      tif: "GTC" | "IOC";
      off: number;
      size: bigint;
      badNonce: boolean;
      /** Place it from the owner's first isolated sub-account, if it has one. */
      sub: boolean;
    }
  | { k: "transfer"; who: number; dir: "open" | "fund" | "drain"; m: number; amount: bigint }
  | { k: "cancel"; who: number; pick: number }
  | { k: "withdraw"; who: number; amount: bigint }
  | { k: "price"; m: number; movePermille: number }
  | { k: "liquidate"; who: number }
  /** An L1 priority request; `badKey` files it with another key, `skip` with a later index. */
  | {
      k: "forced";
      who: number;
      request: "withdrawal" | "cancel-all";
      amount: bigint;
      badKey: boolean;
      skip: boolean;
    }
  | { k: "limit"; maxTouched: number; batch: number[] };

const who = fc.integer({ min: 0, max: 5 });
export const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("deposit" as const),
      who,
      amount: fc.bigInt({ min: 1n, max: 20_000n }),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      k: fc.constant("order" as const),
      who,
      m: fc.integer({ min: 0, max: 1 }),
      side: fc.constantFrom("buy" as const, "sell" as const),
      type: fc.constantFrom("limit" as const, "limit" as const, "limit" as const, "market" as const),
      tif: fc.constantFrom("GTC" as const, "GTC" as const, "IOC" as const),
      off: fc.integer({ min: -10, max: 10 }),
      size: fc.oneof(fc.bigInt({ min: 1n, max: 20n }), fc.bigInt({ min: 20n, max: 300n })),
      badNonce: fc.boolean(),
      sub: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("transfer" as const),
      who,
      dir: fc.constantFrom("open" as const, "fund" as const, "drain" as const),
      m: fc.integer({ min: 0, max: 1 }),
      amount: fc.oneof(fc.bigInt({ min: 1n, max: 3_000n }), fc.bigInt({ min: 3_000n, max: 40_000n })),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("cancel" as const), who, pick: fc.nat(10) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("withdraw" as const),
      who,
      amount: fc.bigInt({ min: 1n, max: 10_000n }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("price" as const),
      m: fc.integer({ min: 0, max: 1 }),
      movePermille: fc.oneof(
        fc.integer({ min: -10, max: 10 }),
        fc.integer({ min: -90, max: 90 }),
        fc.integer({ min: -400, max: 400 }),
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("liquidate" as const), who }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("forced" as const),
      who,
      request: fc.constantFrom("withdrawal" as const, "cancel-all" as const),
      amount: fc.bigInt({ min: 1n, max: 30_000n }),
      badKey: fc.boolean(),
      skip: fc.constantFrom(false, false, false, true),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("limit" as const),
      maxTouched: fc.integer({ min: 1, max: 4 }),
      batch: fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 3 }),
    }),
  },
);

export const keyOf = (w: number) => BigInt(100 + w);
/** The owner's first isolated sub-account, if any. */
export const subOf = (e: Engine, parent: number): number | undefined => e.accountView(parent)?.subaccounts[0];

export function concretize(e: Engine, s: Step, seq: bigint, ts: bigint): EngineTx | undefined {
  const id = (w: number) => e.accountIdByKey(keyOf(w), keyOf(w)) ?? 50 + w;
  const nonce = (acc: number) => (e.account(acc)?.nonce ?? 0n) + 1n;
  switch (s.k) {
    case "deposit":
      return {
        kind: "deposit",
        depositIndex: e.nextDepositIndex(),
        pubKeyX: keyOf(s.who),
        pubKeyY: keyOf(s.who),
        amount: s.amount,
      };
    case "order": {
      const acc = (s.sub ? subOf(e, id(s.who)) : undefined) ?? id(s.who);
      // A sub-account mostly trades its own market; one order in three tries the other one.
      const own = e.accountView(acc)?.isolatedMarket;
      const m = own !== undefined && s.off % 3 !== 0 ? own : s.m;
      const mark = e.global().markets[m]?.markPrice ?? 0n;
      const price = mark > 0n ? mark + BigInt(s.off) : 1_000n + BigInt(s.off);
      return {
        kind: "order",
        accountId: acc,
        nonce: s.badNonce && s.off % 5 === 0 ? nonce(acc) + 1n : nonce(acc),
        marketId: m,
        side: s.side,
        type: s.type,
        tif: s.tif,
        price: s.type === "market" ? 0n : price,
        size: s.size,
      };
    }
    case "cancel": {
      const acc = id(s.who);
      const mine = e.openOrders(acc);
      const o = mine[s.pick % Math.max(1, mine.length)];
      return {
        kind: "cancel",
        accountId: acc,
        nonce: nonce(acc),
        marketId: o?.marketId ?? 0,
        orderId: o?.orderId ?? seq,
      };
    }
    case "withdraw": {
      const acc = id(s.who);
      return { kind: "withdrawal", accountId: acc, nonce: nonce(acc), amount: s.amount, l1Address: 1n };
    }
    case "price": {
      const mark = e.global().markets[s.m]?.markPrice ?? 0n;
      const base = mark > 0n ? mark : 1_000n;
      const p = base + (base * BigInt(s.movePermille)) / 1_000n;
      return { kind: "price", marketId: s.m, price: p > 0n ? p : 1n, timestampMs: ts };
    }
    case "liquidate":
      return { kind: "liquidation", accountId: id(s.who) };
    case "forced": {
      const k = keyOf(s.who);
      const withdrawal = s.request === "withdrawal";
      return {
        kind: "forced",
        priorityIndex: e.nextPriorityIndex() + (s.skip ? 1n : 0n),
        request: s.request,
        accountId: id(s.who),
        pubKeyX: k,
        pubKeyY: s.badKey ? k + 1n : k,
        amount: withdrawal ? s.amount : 0n,
        to: withdrawal ? 1n : 0n,
      };
    }
    case "transfer": {
      const parent = id(s.who);
      const child = subOf(e, parent);
      if (s.dir === "open")
        return {
          kind: "transfer",
          accountId: parent,
          nonce: nonce(parent),
          amount: s.amount,
          isolatedMarket: s.m,
        };
      if (s.dir === "fund")
        return {
          kind: "transfer",
          accountId: parent,
          nonce: nonce(parent),
          amount: s.amount,
          to: child ?? 60,
        };
      const from = child ?? parent;
      return { kind: "transfer", accountId: from, nonce: nonce(from), amount: s.amount, to: parent };
    }
    case "limit":
      return undefined;
  }
}
