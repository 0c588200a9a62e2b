/** A small hand-made calibration for the model's tests (figures of the order the devnet measures). */
import type { Calibration } from "../../../node/model/calibration.ts";

export function testCalibration(over: Partial<Calibration> = {}): Calibration {
  return {
    version: 1,
    provenance: { command: "test", commit: "test", date: "2026-12-07", machine: {}, sources: [], notes: [] },
    tape: { scenario: "oct11", minutes: 2, seed: "loadlab", maxAccounts: 24 },
    proof: { instance: "default", samplesMs: [4_000, 5_000, 6_000], contention: { "2": 1.5 } },
    dispatchMs: [20],
    l1: {
      inclusionMs: [500],
      maxInFlight: 1,
      gasPerBatch: 500_000,
      reference: { name: "test L1", blockGasLimit: 30_000_000, blockTimeMs: 12_000 },
    },
    intake: { acceptedUs: 1_000, shedUs: 900, treeUsPerBatch: 10_000 },
    signatures: { checkUs: 113, workers: 2 },
    redis: { opsPerProofJob: 40, opsPerSecond: 50_000 },
    batch: {
      normalTxsPerBatch: 14,
      liquidationsPerBatch: 2,
      maxWaitMs: 2_000,
      priceOnlyWaitMs: 30_000,
      urgentPriceMoveBps: 50,
    },
    admission: {
      targetMs: 0,
      sealWaitMs: 2_000,
      initialProofMs: 5_000,
      initialL1Ms: 500,
      initialTxPerBatch: 14,
    },
    liquidationTriggers: [],
    ...over,
  };
}
