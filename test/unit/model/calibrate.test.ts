import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BatchSample, LabReport, LabRun } from "../../../node/loadlab/report-types.ts";
import { calibrate, dispatchSamples, inclusionSamples, proofSamples } from "../../../node/model/calibrate.ts";
import { parseCalibration } from "../../../node/model/calibration.ts";
import { ModelInputError } from "../../../node/model/errors.ts";
import { testCalibration } from "./fixture.ts";

const T0 = 1_000_000;
const b = (n: number, s: number, p0: number, p1: number, v: number): BatchSample => ({
  batch: String(n),
  txs: 3,
  liquidationTxs: 1,
  liquidations: 0,
  phase: "load",
  firstReceived: T0 + s - 100,
  sealed: T0 + s,
  provingStarted: T0 + p0,
  proven: T0 + p1,
  verified: T0 + v,
});
// Batch 2 proves while 100 requests a second arrive (seconds 5–8); the others in the quiet.
const batches = [
  b(1, 0, 10, 4_010, 4_500),
  b(2, 4_500, 4_510, 12_510, 13_000),
  b(3, 5_000, 12_520, 16_520, 17_200),
];
const sent = [0, 0, 0, 0, 0, 100, 100, 100, 100, 100, 100, 100, 100, 0, 0, 0, 0, 0];
const run = { startedAt: T0, batches, series: { sent } } as unknown as LabRun;

describe("model calibration from a load-lab report", () => {
  it("splits proofs by the requests that arrived during them", () => {
    const p = proofSamples(run);
    assert.deepEqual(p.busy, [8_000]);
    assert.deepEqual(p.quiet, [4_000, 4_000]);
  });

  it("takes dispatch only from batches sealed with a prover free, and L1 time net of the batch ahead", () => {
    // Batch 3 was sealed at 5 s while batch 2 was proving on the one prover: it waited, not dispatch.
    assert.deepEqual(dispatchSamples(batches, 1), [10, 10]);
    assert.deepEqual(inclusionSamples(batches), [490, 680]);
  });

  it("writes a calibration the schema accepts, and says what to do without per-batch times", () => {
    const report = {
      version: 1,
      createdAt: "x",
      machine: { loadavg: [1, 1, 1] },
      commit: { sha: "abc", dirty: false },
      settings: {
        scenario: "oct11",
        minutes: 2,
        seed: "loadlab",
        maxAccounts: 24,
        compareLane: false,
        devnet: { provers: 1, txPerBatch: 7 },
      },
      runs: [
        {
          ...run,
          liquidations: {
            samples: [
              {
                accountId: 1,
                seq: "1",
                phase: "load",
                triggerAt: T0 + 6_000,
                triggerMarketId: 1,
                verifiedMs: 9_000,
              },
            ],
          },
        },
      ],
    } as unknown as LabReport;
    const extras = testCalibration();
    const cal = calibrate({
      report,
      reportPath: "r.json",
      extras: {
        ...extras,
        gasPerBatch: 500_000,
        liquidationsPerBatch: 5,
        reference: extras.l1.reference,
        sources: [],
      },
      command: "test",
      commit: "abc",
      machine: {},
    });
    assert.doesNotThrow(() => parseCalibration(JSON.parse(JSON.stringify(cal))));
    assert.deepEqual(cal.liquidationTriggers, [{ atMs: 6_000, count: 1, marketId: 1 }]);
    assert.equal(cal.batch.normalTxsPerBatch, 7);
    assert.deepEqual(cal.proof.busy?.samplesMs, [8_000]);
    const old = { ...report, runs: [{ ...report.runs[0]!, batches: undefined }] } as unknown as LabReport;
    assert.throws(
      () =>
        calibrate({
          report: old,
          reportPath: "old.json",
          extras: {
            ...extras,
            gasPerBatch: 1,
            liquidationsPerBatch: 5,
            reference: extras.l1.reference,
            sources: [],
          },
          command: "",
          commit: "",
          machine: {},
        }),
      (e: unknown) => e instanceof ModelInputError && /re-run the load lab/.test(e.message),
    );
  });
});
