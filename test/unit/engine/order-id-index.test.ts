import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { Engine, EngineError, type EngineTx } from "../../../sequencer/engine/index.ts";
import { testParams } from "./helpers.ts";

/**
 * `placeOrder` refuses an order whose id (its seq) is already a live order id on any book. The engine
 * answers that from a high-water mark of ids ever rested, asking the books only for an id at or below
 * it. This checks the answer against a scan of every account's open orders, with seqs reused, out of
 * order and far ahead, over two markets, with fills and cancels removing orders in between.
 */
type Step =
  | {
      kind: "order";
      seq: bigint;
      account: number;
      market: number;
      side: "buy" | "sell";
      tick: number;
      size: bigint;
    }
  | { kind: "cancel"; seq: bigint; account: number; market: number; orderId: bigint };

const ACCOUNTS = 3;
const MARKETS = 2;
const MID = 1_000n;

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("order" as const),
      seq: fc.bigInt({ min: 1n, max: 40n }),
      account: fc.integer({ min: 0, max: ACCOUNTS - 1 }),
      market: fc.integer({ min: 0, max: MARKETS - 1 }),
      side: fc.constantFrom("buy" as const, "sell" as const),
      tick: fc.integer({ min: -3, max: 3 }),
      size: fc.bigInt({ min: 1n, max: 4n }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("cancel" as const),
      seq: fc.bigInt({ min: 1n, max: 40n }),
      account: fc.integer({ min: 0, max: ACCOUNTS - 1 }),
      market: fc.integer({ min: 0, max: MARKETS - 1 }),
      orderId: fc.bigInt({ min: 1n, max: 40n }),
    }),
  },
);

function liveIds(e: Engine, accounts: number[]): Set<bigint> {
  const ids = new Set<bigint>();
  for (const a of accounts) for (const o of e.openOrders(a)) ids.add(o.orderId);
  return ids;
}

describe("order id index", () => {
  it("refuses DUPLICATE_ORDER_ID exactly when a scan of the books finds the id live", () => {
    let duplicates = 0;
    let placed = 0;
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 60 }), (steps) => {
        const e = new Engine(testParams({}, MARKETS));
        let seq = 1_000n; // setup txs use seqs far above the steps' ids, so they never collide
        const accounts: number[] = [];
        for (let i = 0; i < ACCOUNTS; i++) {
          const r = e.apply(
            {
              kind: "deposit",
              depositIndex: BigInt(i),
              pubKeyX: BigInt(10 + i),
              pubKeyY: 7n,
              amount: 10n ** 12n,
            },
            seq++,
          );
          accounts.push(r.deposit?.accountId as number);
        }
        for (let m = 0; m < MARKETS; m++)
          e.apply({ kind: "price", marketId: m, price: MID, timestampMs: BigInt(m + 1) }, seq++);
        const tick = e.params.markets[0]?.tickSize as bigint;
        for (const s of steps) {
          const accountId = accounts[s.account] as number;
          const nonce = (e.account(accountId)?.nonce ?? 0n) + 1n;
          const tx: EngineTx =
            s.kind === "order"
              ? {
                  kind: "order",
                  accountId,
                  nonce,
                  marketId: s.market,
                  side: s.side,
                  type: "limit",
                  tif: "GTC",
                  price: MID + BigInt(s.tick) * tick,
                  size: s.size,
                }
              : { kind: "cancel", accountId, nonce, marketId: s.market, orderId: s.orderId };
          const expectDuplicate = s.kind === "order" && liveIds(e, accounts).has(s.seq);
          let code: string | undefined;
          try {
            e.apply(tx, s.seq);
            if (s.kind === "order") placed++;
          } catch (err) {
            assert.ok(err instanceof EngineError);
            code = err.code;
          }
          if (s.kind === "order") {
            assert.equal(code === "DUPLICATE_ORDER_ID", expectDuplicate, `order with seq ${s.seq}`);
            if (expectDuplicate) duplicates++;
          }
          assert.deepEqual(e.selfCheck(), []);
        }
      }),
      { numRuns: 200, seed: 10 },
    );
    // The generator must reach both answers, or the property says nothing.
    assert.ok(duplicates > 0 && placed > 0, `duplicates ${duplicates}, placed ${placed}`);
  });
});
