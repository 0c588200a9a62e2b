import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzeRun, batchSamples, percentile, summarize } from "../../../node/loadlab/analyze.ts";
import type { TraceRow } from "../../../node/loadlab/collect.ts";
import type { RequestRecord } from "../../../node/loadlab/driver.ts";

const T0 = 1_000_000;
const row = (o: Partial<TraceRow> & Pick<TraceRow, "seq" | "kind" | "lane" | "received">): TraceRow => ({
  batch: "1",
  applied: o.received,
  batchTimes: null,
  ...o,
});

describe("load lab analysis", () => {
  it("percentile is nearest-rank", () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(xs, 0.5), 50);
    assert.equal(percentile(xs, 0.99), 99);
    assert.equal(percentile([7], 0.99), 7);
  });

  it("counts a censored liquidation at its lower bound, so p99 is never too low", () => {
    const s = summarize([
      { accountId: 1, seq: "1", phase: "load", triggerAt: 0, verifiedMs: 1_000 },
      { accountId: 2, seq: "2", phase: "load", triggerAt: 0, censoredAtMs: 60_000 },
    ]);
    assert.deepEqual([s.n, s.verified, s.censored, s.p99], [2, 1, 1, 60_000]);
  });

  it("splits idle and load liquidations at the tape's start, and bins the series per second", () => {
    const records: RequestRecord[] = [
      { i: 0, kind: "order", lane: "normal", sched: T0, sent: T0 + 10, answered: T0 + 20, outcome: "acked" },
      {
        i: 1,
        kind: "order",
        lane: "normal",
        sched: T0 + 1_000,
        sent: T0 + 1_500,
        answered: T0 + 1_510,
        outcome: "rejected",
        code: "OVERLOADED",
        retryAfterS: 2,
      },
      { i: 2, kind: "cancel", lane: "normal", sched: T0 + 1_100, outcome: "skipped" },
      {
        i: 3,
        kind: "price",
        lane: "liquidation",
        sched: T0 + 2_000,
        sent: T0 + 2_000,
        answered: T0 + 32_000,
        outcome: "timeout",
      },
    ];
    const trace: TraceRow[] = [
      row({
        seq: "1",
        kind: "liquidation",
        lane: "liquidation",
        accountId: 5,
        received: T0 - 5_000,
        trigger: { kind: "price", at: T0 - 5_100 },
        batchTimes: { sealed: T0 - 4_000, proven: T0 - 3_000, verified: T0 - 2_100 },
      }),
      row({
        seq: "2",
        kind: "order",
        lane: "normal",
        accountId: 7,
        received: T0 + 15,
        acked: T0 + 18,
        batchTimes: { sealed: T0 + 900, proven: T0 + 2_500, verified: T0 + 3_015 },
      }),
      row({
        seq: "3",
        kind: "liquidation",
        lane: "liquidation",
        accountId: 8,
        received: T0 + 2_100,
        trigger: { kind: "price", at: T0 + 2_050 },
        batchTimes: null,
      }),
    ];
    const run = analyzeRun({
      label: "lane on",
      laneOn: true,
      startedAt: T0,
      endedAt: T0 + 5_000,
      records,
      trace,
      samples: [{ at: T0 + 100, backlog: 3, queueDepth: 1, sealed: 1, proven: 0, verified: 0 }],
      prices: [{ at: T0 - 1, price: 60_000_000n }],
      clientCpuShare: 0.1,
    });
    const rq = run.requests;
    assert.deepEqual([rq.sent, rq.acked, rq.timedOut, rq.unanswered, rq.skipped], [3, 1, 1, 0, 1]);
    assert.deepEqual(rq.rejected, { OVERLOADED: 1 });
    assert.equal(rq.lateSends, 1);
    assert.ok(Math.abs(rq.shedPct - 100 / 3) < 1e-9);
    assert.equal(run.liquidations.idle.n, 1);
    assert.equal(run.liquidations.idle.p99, 3_000);
    assert.equal(run.liquidations.load.censored, 1);
    assert.equal(run.liquidations.load.p99, 5_000 - 2_050);
    assert.equal(run.normalVerified.p50, 3_000);
    assert.deepEqual(run.series.sent, [1, 1, 1, 0, 0]);
    assert.deepEqual(run.series.acked, [1, 0, 0, 0, 0]);
    assert.deepEqual(run.series.shed, [0, 1, 0, 0, 0]);
    assert.deepEqual(run.series.proven, [0, 0, 1, 0, 0]);
    assert.deepEqual(run.series.verified, [0, 0, 0, 1, 0]);
    assert.deepEqual(run.series.backlog, [3, 3, 3, 3, 3]);
    assert.equal(run.series.index[0], 60);
    assert.equal(run.maxBacklog, 3);
    const acked = run.stages.find((s) => s.lane === "normal" && s.stage === "acked")!;
    assert.equal(acked.p50, 3);
    assert.equal(run.stages.find((s) => s.lane === "normal" && s.stage === "verified")!.max, 3_000);
  });

  it("groups the trace per batch with its stage times, ascending by batch number", () => {
    const b = batchSamples(
      [
        row({ seq: "3", kind: "order", lane: "normal", received: T0 + 5, batch: "10" }),
        row({
          seq: "1",
          kind: "price",
          lane: "liquidation",
          received: T0 - 10,
          batch: "9",
          batchTimes: { sealed: T0, provingStarted: T0 + 1, proven: T0 + 900, verified: T0 + 1_400 },
        }),
        row({ seq: "2", kind: "liquidation", lane: "liquidation", received: T0 - 5, batch: "9" }),
        row({ seq: "4", kind: "order", lane: "normal", received: T0 + 6, batch: "10" }),
      ],
      T0,
    );
    assert.deepEqual(
      b.map((x) => [x.batch, x.txs, x.liquidationTxs, x.liquidations, x.phase]),
      [
        ["9", 2, 2, 1, "idle"],
        ["10", 2, 0, 0, "load"],
      ],
    );
    assert.equal(b[0]!.proven! - b[0]!.provingStarted!, 899);
    assert.equal(b[1]!.proven, undefined);
  });
});
