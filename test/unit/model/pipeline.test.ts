import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { SealedBatch } from "../../../node/model/batcher.ts";
import { L1Submitter } from "../../../node/model/l1.ts";
import { ProverPool } from "../../../node/model/provers.ts";
import { seededRandom } from "../../../node/model/rng.ts";
import { simulate } from "../../../node/model/simulate.ts";
import { peakUtilisation, Station } from "../../../node/model/station.ts";
import type { Arrival, Workload } from "../../../node/model/workload.ts";
import { Admission, ProvingCapacity } from "../../../sequencer/mempool/admission.ts";
import { testCalibration } from "./fixture.ts";

const run = (w: Workload, provers = 1, cal = testCalibration(), seed = "t") =>
  simulate(cal, w, {
    provers,
    proversPerHost: 1,
    withSequencer: false,
    drainMs: 60_000,
    rng: seededRandom(seed),
  });

const orders = (n: number, at = 0): Arrival[] =>
  Array.from({ length: n }, (_, i) => ({ i, t: at, kind: "order" }));

describe("model pipeline", () => {
  it("a station with deterministic arrivals and service: exact finish times and utilisation (D/D/1)", () => {
    const under = new Station("s", 1);
    const ends = Array.from({ length: 100 }, (_, k) => under.serve(k * 10, 5));
    assert.deepEqual(ends.slice(0, 3), [5, 15, 25]);
    assert.ok(Math.abs(peakUtilisation(under.busyMs, 1) - 0.5) < 1e-9);
    // Over capacity, the k-th job ends after k + 1 services: the queue grows by one job per 30 ms.
    const over = new Station("s", 1);
    const late = Array.from({ length: 100 }, (_, k) => over.serve(k * 10, 15));
    assert.equal(late[99], 100 * 15);
    assert.ok(Math.abs(peakUtilisation(over.busyMs, 1) - 1) < 1e-9);
  });

  it("one liquidation on an idle pipeline takes exactly check + apply + dispatch + proof + L1", () => {
    const cal = testCalibration({
      proof: { instance: "t", samplesMs: [5_000], contention: {} },
      liquidationTriggers: [],
    });
    const w: Workload = {
      arrivals: [{ i: 0, t: 10_000, kind: "price", marketId: 1, price: 100n, liquidates: 1 }],
      durationMs: 20_000,
      unmatchedTriggers: 0,
    };
    const r = run(w, 1, cal);
    // 113 µs check, 1 ms apply; tree work 10 ms < the 20 ms dispatch; 5 s proof; 0.5 s L1.
    assert.equal(r.liquidations.n, 1);
    assert.ok(
      Math.abs(r.liquidations.p99! - (0.113 + 1 + 20 + 5_000 + 500)) < 1e-6,
      String(r.liquidations.p99),
    );
  });

  it("sheds exactly where the real admission rule does for the same view", () => {
    const cal = testCalibration({ proof: { instance: "t", samplesMs: [50_000], contention: {} } });
    // The rule itself, driven by hand: k orders admitted so far fill floor(k / C) sealed batches.
    const c = new ProvingCapacity(cal.admission);
    let k = 0;
    const adm = new Admission(cal.admission, c, () => ({
      sealed: BigInt(Math.floor(k / cal.batch.normalTxsPerBatch)),
      proven: 0n,
      openTxs: k % cal.batch.normalTxsPerBatch,
      queuedNormal: 0,
    }));
    while (adm.state().admitting) k++;
    const r = run({ arrivals: orders(100), durationMs: 1_000, unmatchedTriggers: 0 }, 1, cal);
    assert.equal(r.sent - r.shed, k);
    assert.equal(r.shed, 100 - k);
    assert.ok(k > 0 && k < 100);
  });

  it("L1 takes batches in order: a later proven batch waits for an earlier one", () => {
    const subs: [number, number][] = [];
    const l1 = new L1Submitter(
      1,
      () => 100,
      1,
      (n, at) => subs.push([n, at]),
    );
    l1.proven(0, 3);
    l1.proven(10, 2);
    assert.deepEqual(subs, []);
    l1.proven(20, 1);
    assert.deepEqual(subs, [[1, 20]]);
    l1.verified(120, 1);
    l1.verified(220, 2);
    assert.deepEqual(subs, [
      [1, 20],
      [2, 120],
      [3, 220],
    ]);
  });

  it("more provers never leave a larger proof backlog for the same batches (property)", () => {
    const batch = (n: number, liq: boolean): SealedBatch => ({
      n,
      openedAt: 0,
      sealedAt: 0,
      normalTxs: 1,
      liquidationLaneTxs: 0,
      liquidations: liq ? [{ triggerAt: 0 }] : [],
      reason: "timer",
    });
    const maxBacklog = (provers: number, jobs: { at: number; liq: boolean }[]) => {
      const ends: number[] = [];
      const pool = new ProverPool(
        provers,
        (s) => s + 1_000,
        (_j, _s, end) => ends.push(end),
      );
      const events = jobs.map((j, i) => ({ at: j.at, i })).sort((a, b) => a.at - b.at || a.i - b.i);
      let worst = 0;
      for (const e of events) {
        ends.sort((a, b) => a - b);
        while (ends.length && ends[0]! <= e.at) {
          ends.shift();
          pool.release(e.at);
        }
        pool.enqueue(e.at, { batch: batch(e.i + 1, jobs[e.i]!.liq), enqueuedAt: e.at });
        worst = Math.max(worst, pool.queued + ends.filter((x) => x > e.at).length);
      }
      return worst;
    };
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 20_000 }), liq: fc.boolean() }), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 6 }),
        (jobs, n) => maxBacklog(n + 1, jobs) <= maxBacklog(n, jobs),
      ),
    );
  });

  it("one seed, one result; the whole pipeline is deterministic", () => {
    const w: Workload = {
      arrivals: [
        ...orders(300, 0).map((a, i) => ({ ...a, t: i * 20 })),
        ...Array.from({ length: 10 }, (_, j) => ({
          i: 300 + j,
          t: j * 1_000 + 5,
          kind: "price" as const,
          marketId: 0,
          price: 100n - BigInt(j),
          liquidates: j % 3 === 0 ? 1 : 0,
        })),
      ].sort((a, b) => a.t - b.t),
      durationMs: 10_000,
      unmatchedTriggers: 0,
    };
    assert.deepEqual(run(w, 2, testCalibration(), "s1"), run(w, 2, testCalibration(), "s1"));
    const a = run(w, 2, testCalibration(), "s1");
    assert.ok(a.liquidations.n === 4 && a.batches > 0 && a.shed > 0);
  });
});
