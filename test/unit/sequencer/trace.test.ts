import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { type DevKey, devKey } from "../../../sequencer/crypto/keys.ts";
import type { EngineTx } from "../../../sequencer/engine/types.ts";
import { TxTrace } from "../../../sequencer/trace/tx-trace.ts";
import { openSequencer, submitAsOwners } from "./open-sequencer.ts";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const traders: DevKey[] = Array.from({ length: 2 }, (_, i) => devKey(`trace trader ${i}`));
const submit = submitAsOwners(traders);
const order = (accountId: number, side: "buy" | "sell", price: bigint): EngineTx => ({
  kind: "order",
  accountId,
  nonce: 1n,
  marketId: 0,
  side,
  type: "limit",
  tif: "GTC",
  price,
  size: 50n,
});

describe("tx trace", () => {
  it("records each applied tx's stages and a liquidation's trigger (the mark update that caused it)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "seq-trace-"));
    dirs.push(dir);
    let now = 1_000;
    const { seq } = await openSequencer(dir, 60_000, undefined, 1, { clock: () => now });
    await seq.start();
    for (const [i, amount] of [1_000_000_000n, 5_100_000n].entries()) {
      const [x, y] = traders[i]!.pubKey;
      await seq.submitDeposit({ index: BigInt(i), pubKeyX: x, pubKeyY: y, amount });
    }
    await submit(seq, "liquidation", { kind: "price", marketId: 0, price: 1_000_000n, timestampMs: 1n });
    await submit(seq, "normal", order(1, "sell", 1_000_000n));
    await submit(seq, "normal", order(2, "buy", 1_000_000n));
    now = 5_000;
    await submit(seq, "liquidation", { kind: "price", marketId: 0, price: 940_000n, timestampMs: 2n });
    // The liquidation is queued by the price's apply; wait until it is applied and acknowledged too.
    const liquidated = () => seq.trace.since(0n, 100).some((r) => r.kind === "liquidation" && r.acked);
    for (let i = 0; i < 200 && !liquidated(); i++) await new Promise((r) => setTimeout(r, 10));

    const rows = seq.trace.since(0n, 100);
    assert.deepEqual(
      rows.map((r) => r.kind),
      ["deposit", "deposit", "price", "order", "order", "price", "liquidation"],
    );
    const crash = rows[5]!;
    const liq = rows[6]!;
    assert.equal(liq.accountId, 2);
    assert.equal(liq.lane, "liquidation");
    assert.deepEqual(liq.trigger, { seq: crash.seq, kind: "price", at: 5_000, marketId: 0, price: 940_000n });
    for (const r of rows) {
      assert.ok(
        r.acked !== undefined && r.acked >= r.applied && r.applied >= r.received,
        `stages of ${r.seq}`,
      );
    }
    // Batches follow seq order (a price may open its own batch; the split is the sealer's business).
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i]!.batch >= rows[i - 1]!.batch);
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i]!.seq > rows[i - 1]!.seq);
    assert.equal(rows[3]!.accountId, 1);
    assert.equal(rows[3]!.nonce, 1n);
    assert.equal(seq.trace.since(liq.seq, 10).length, 1, "paging from a seq starts at it");
    await seq.stop();
  });

  it("keeps only the newest rows past its capacity, in seq order", () => {
    const t = new TxTrace(3);
    for (let s = 0n; s < 10n; s += 2n)
      t.add({ seq: s, kind: "order", lane: "normal", batch: 1n, received: 0, applied: 0 });
    assert.deepEqual(
      t.since(0n, 10).map((r) => r.seq),
      [4n, 6n, 8n],
    );
    assert.deepEqual(
      t.since(5n, 10).map((r) => r.seq),
      [6n, 8n],
    );
    t.acked([6n, 2n], 7);
    assert.equal(t.since(6n, 1)[0]!.acked, 7);
    assert.equal(t.size, 3);
  });
});
