import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadScenario } from "../../../node/loadlab/scenarios.ts";
import { Batcher, type SealedBatch } from "../../../node/model/batcher.ts";
import { type Arrival, asDelivered, buildWorkload } from "../../../node/model/workload.ts";
import { Admission, ProvingCapacity } from "../../../sequencer/mempool/admission.ts";
import { testCalibration } from "./fixture.ts";

describe("model workload and batcher", () => {
  it("replays the lab's plan and hangs each trigger on the probe price at its time", () => {
    const s = loadScenario({ name: "oct11", minutes: 1, seed: "loadlab" });
    const w = buildWorkload(s, { maxAccounts: 24, loadProbes: 3, triggers: [{ atMs: 33_010, count: 2 }] });
    const priced = w.arrivals.filter((a) => a.kind === "price" && a.liquidates > 0);
    assert.equal(priced.length, 1);
    assert.deepEqual(
      [(priced[0] as { marketId: number }).marketId, (priced[0] as { liquidates: number }).liquidates],
      [1, 2],
    );
    assert.equal(w.unmatchedTriggers, 0);
  });

  it("moves orders to the recorded send counts and keeps prices at their times", () => {
    const arrivals: Arrival[] = [
      { i: 0, t: 0, kind: "order" },
      { i: 1, t: 0, kind: "order" },
      { i: 2, t: 500, kind: "price", marketId: 0, price: 1n, liquidates: 0 },
      { i: 3, t: 0, kind: "order" },
      { i: 4, t: 0, kind: "order" },
    ];
    const d = asDelivered({ arrivals, durationMs: 1_000, unmatchedTriggers: 0 }, [1, 0, 4]);
    const orders = d.arrivals.filter((a) => a.kind === "order").map((a) => Math.floor(a.t / 1000));
    assert.deepEqual(orders, [0, 2, 2, 2]);
    assert.equal(d.arrivals.find((a) => a.kind === "price")!.t, 500);
  });

  it("holds prices while every prover is busy, newest wins, and seals the moment one frees", () => {
    const cal = testCalibration();
    const cap = new ProvingCapacity(cal.admission);
    let unproven = 0;
    const sealed: SealedBatch[] = [];
    const adm = new Admission(cal.admission, cap, () => ({
      sealed: 0n,
      proven: 0n,
      openTxs: 0,
      queuedNormal: 0,
    }));
    const b = new Batcher(
      cal.batch,
      adm,
      () => unproven,
      (x) => sealed.push(x),
    );
    b.applyPrice(0, { marketId: 0, price: 100n, receivedAt: 0, liquidates: 0 });
    b.applyNormal(10);
    b.step(3_000);
    assert.equal(sealed.length, 1, "the timer seals a batch with work");
    unproven = 1;
    b.applyNormal(3_100);
    b.applyPrice(3_200, { marketId: 0, price: 99n, receivedAt: 3_200, liquidates: 1 });
    b.applyPrice(3_300, { marketId: 0, price: 98n, receivedAt: 3_300, liquidates: 0 });
    b.step(9_000);
    assert.equal(sealed.length, 1, "busy pool: no timer seal, prices held");
    unproven = 0;
    b.step(9_500);
    assert.equal(sealed.length, 2);
    assert.equal(sealed[1]!.normalTxs, 1);
    // The held prices went into the next batch as one, with the older one's liquidation.
    b.step(12_000);
    assert.equal(sealed.length, 3);
    assert.deepEqual(sealed[2]!.liquidations, [{ triggerAt: 3_300 }]);
  });
});
