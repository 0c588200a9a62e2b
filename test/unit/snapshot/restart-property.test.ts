import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import fc from "fast-check";
import { type DevKey, devKey } from "../../../sequencer/crypto/keys.ts";
import type { EngineTx } from "../../../sequencer/engine/types.ts";
import type { Sequencer } from "../../../sequencer/sequencer.ts";
import { openSequencer, submitAsOwners } from "../sequencer/open-sequencer.ts";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const traders: DevKey[] = Array.from({ length: 3 }, (_, i) => devKey(`snapshot prop ${i}`));
const submit = submitAsOwners(traders);

type Op =
  | { t: "order"; who: number; buy: boolean; off: number; size: number }
  | { t: "cancel"; who: number }
  | { t: "price"; move: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant("order" as const),
      who: fc.integer({ min: 1, max: 3 }),
      buy: fc.boolean(),
      off: fc.integer({ min: -2, max: 4 }),
      size: fc.integer({ min: 1, max: 30 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant("cancel" as const), who: fc.integer({ min: 1, max: 3 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant("price" as const), move: fc.integer({ min: -3, max: 3 }) }),
  },
);
/** Groups of ops queued in one tick: each group is one step (one group commit). */
const historyArb = fc.array(fc.array(opArb, { minLength: 1, maxLength: 4 }), { minLength: 3, maxLength: 12 });

async function open(dir: string, snapshotEveryBatches: number) {
  const { db, seq } = await openSequencer(dir, 0, undefined, 1, { snapshotEveryBatches });
  const sealed: bigint[] = [];
  seq.on("sealed", (r) => sealed.push(r.newStateRoot));
  await seq.start();
  return { db, seq, sealed };
}

async function run(seq: Sequencer, groups: readonly Op[][], ts: { v: bigint }) {
  for (const group of groups) {
    const used = new Map<number, bigint>();
    const nonce = (id: number) => {
      const n = (used.get(id) ?? seq.engine.account(id)!.nonce) + 1n;
      used.set(id, n);
      return n;
    };
    const txs: ["normal" | "liquidation", EngineTx][] = group.map((op) => {
      if (op.t === "price") {
        const mark = seq.engine.global().markets[0]!.markPrice;
        return [
          "liquidation",
          { kind: "price", marketId: 0, price: mark + BigInt(op.move) * 1_000n, timestampMs: ts.v++ },
        ];
      }
      const mine = seq.engine.openOrders(op.who)[0];
      if (op.t === "cancel" && mine)
        return [
          "normal",
          { kind: "cancel", accountId: op.who, nonce: nonce(op.who), marketId: 0, orderId: mine.orderId },
        ];
      const buy = op.t === "order" ? op.buy : true;
      const off = BigInt(op.t === "order" ? op.off : 1) * 1_000n;
      return [
        "normal",
        {
          kind: "order",
          accountId: op.who,
          nonce: nonce(op.who),
          marketId: 0,
          side: buy ? "buy" : "sell",
          type: "limit",
          tif: "GTC",
          price: buy ? 1_000_000n - off : 1_000_000n + off,
          size: BigInt(op.t === "order" ? op.size : 1),
        },
      ];
    });
    await Promise.all(txs.map(([lane, tx]) => submit(seq, lane, tx).catch(() => undefined)));
  }
  await seq.settled();
}

async function seed(seq: Sequencer, ts: { v: bigint }) {
  for (const [i, t] of traders.entries()) {
    const [x, y] = t.pubKey;
    await seq.submitDeposit({ index: BigInt(i), pubKeyX: x, pubKeyY: y, amount: 1_000_000_000n });
  }
  await submit(seq, "liquidation", { kind: "price", marketId: 0, price: 1_000_000n, timestampMs: ts.v++ });
}

const view = (seq: Sequencer) => ({
  state: seq.engine.exportState(),
  open: seq.openBatchNumber,
  next: seq.nextSeq,
  root: seq.stateRoot,
});

describe("restart from a snapshot (property)", () => {
  it("any small history: snapshot + tail restores what a full replay does, and the log continues to the same roots", async () => {
    await fc.assert(
      fc.asyncProperty(
        historyArb,
        historyArb,
        fc.integer({ min: 1, max: 3 }),
        async (before, afterRestart, every) => {
          const runs: { sealed: bigint[]; view: ReturnType<typeof view> }[] = [];
          for (const e of [every, 0]) {
            const dir = mkdtempSync(join(tmpdir(), "snap-prop-"));
            dirs.push(dir);
            const ts = { v: 1n };
            const a = await open(dir, e);
            await seed(a.seq, ts);
            await run(a.seq, before, ts);
            await a.seq.stop();
            await a.db.close();
            const b = await open(dir, e);
            await run(b.seq, afterRestart, ts);
            runs.push({ sealed: b.sealed, view: view(b.seq) });
            await b.seq.stop();
            await b.db.close();
          }
          const [s, f] = [runs[0]!, runs[1]!];
          assert.deepEqual(s.view, f.view);
          assert.deepEqual(s.sealed, f.sealed.slice(-s.sealed.length));
        },
      ),
      { numRuns: 6 },
    );
  });
});
