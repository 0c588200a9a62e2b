/**
 * Builds a calibration from a load-lab report.json (the run's own per-batch proof, dispatch and L1
 * times, its batch sizes and liquidation triggers) plus the figures the report cannot hold (intake
 * and signature costs, Redis), each with its source in `provenance.sources`. Pure: the measurements
 * are handed in.
 */
import type { BatchSample, LabReport, LabRun } from "../loadlab/report-types.ts";
import type { Calibration } from "./calibration.ts";
import { ModelInputError } from "./errors.ts";
import { meanRate } from "./rates.ts";

export interface MeasuredExtras {
  intake: Calibration["intake"];
  signatures: Calibration["signatures"];
  redis: Calibration["redis"];
  gasPerBatch: number;
  /** Liquidations a batch holds when the run had no cascade to show it (each touches ~3 accounts). */
  liquidationsPerBatch: number;
  reference: Calibration["l1"]["reference"];
  sources: string[];
}

export interface CalibrateInputs {
  report: LabReport;
  reportPath: string;
  /** A report of the same tape with provers sharing one host: its proof times give the contention factor. */
  contention?: { report: LabReport; path: string }[];
  extras: MeasuredExtras;
  command: string;
  commit: string;
  machine: Record<string, unknown>;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor((s.length - 1) / 2)]!;
};

function batchesOf(r: LabReport, path: string): BatchSample[] {
  const run = r.runs[0];
  if (!run?.batches || run.batches.length === 0)
    throw new ModelInputError(
      `${path} has no per-batch stage times (run.batches): re-run the load lab with this commit (npm run loadtest)`,
      { path },
    );
  return run.batches;
}

/** Requests a second (over the proof) from which a proof counts as "busy": the burst, not the calm. */
export const BUSY_REQ_PER_S = 50;

/** Proof job started → proven, split by the requests a second the lab sent over each proof. */
export function proofSamples(run: LabRun): { quiet: number[]; busy: number[] } {
  const out = { quiet: [] as number[], busy: [] as number[] };
  for (const p of proofWindows(run))
    (meanRate(run.series.sent, p.start, p.end) >= BUSY_REQ_PER_S ? out.busy : out.quiet).push(
      p.end - p.start,
    );
  return out;
}

/** Every proof's window, ms from the tape's start. */
export function proofWindows(run: LabRun): { start: number; end: number }[] {
  return (run.batches ?? []).flatMap((b) =>
    b.provingStarted !== undefined && b.proven !== undefined
      ? [{ start: b.provingStarted - run.startedAt, end: b.proven - run.startedAt }]
      : [],
  );
}

/** Sealed → proving started for batches sealed while a prover was free (the rest waited in the queue). */
export function dispatchSamples(batches: readonly BatchSample[], provers: number): number[] {
  const out: number[] = [];
  for (const b of batches) {
    if (b.sealed === undefined || b.provingStarted === undefined) continue;
    const busy = batches.filter(
      (o) =>
        o !== b &&
        o.provingStarted !== undefined &&
        o.provingStarted <= b.sealed! &&
        (o.proven === undefined || o.proven > b.sealed!),
    ).length;
    if (busy < provers) out.push(Math.max(0, b.provingStarted - b.sealed));
  }
  return out;
}

/** The submitter's own time per batch: verified − max(proven, the previous batch verified). */
export function inclusionSamples(batches: readonly BatchSample[]): number[] {
  const byN = new Map(batches.map((b) => [BigInt(b.batch), b]));
  const out: number[] = [];
  for (const b of batches) {
    if (b.proven === undefined || b.verified === undefined) continue;
    const prev = byN.get(BigInt(b.batch) - 1n);
    if (!prev?.verified) continue;
    out.push(Math.max(0, b.verified - Math.max(b.proven, prev.verified)));
  }
  return out;
}

export function calibrate(x: CalibrateInputs): Calibration {
  const r = x.report;
  const run = r.runs[0]!;
  const batches = batchesOf(r, x.reportPath);
  const d = r.settings.devnet;
  const provers = Number(d.provers ?? 1);
  const proof = proofSamples(run);
  const dispatch = dispatchSamples(batches, provers);
  const inclusion = inclusionSamples(batches);
  if (proof.quiet.length === 0 || inclusion.length === 0)
    throw new ModelInputError(
      `${x.reportPath}: no batch was both proven and verified; nothing to calibrate from`,
    );
  const contention: Record<string, number> = {};
  const busyContention: Record<string, number> = {};
  for (const c of x.contention ?? []) {
    const k = Number(c.report.settings.devnet.provers ?? 1);
    if (k < 2) continue;
    batchesOf(c.report, c.path);
    // The k-prover run's own proofs against this run's, quiet against quiet and busy against busy:
    // what k provers on the one host cost a proof (with whatever else the shared box ran then).
    const other = proofSamples(c.report.runs[0]!);
    contention[String(k)] = median(other.quiet) / median(proof.quiet);
    if (other.busy.length > 0 && proof.busy.length > 0)
      busyContention[String(k)] = median(other.busy) / median(proof.busy);
  }
  const normal = batches.map((b) => b.txs - b.liquidationTxs);
  const liqs = batches.map((b) => b.liquidations ?? Math.max(0, b.liquidationTxs - 2));
  const triggers = new Map<string, { atMs: number; count: number; marketId?: number }>();
  for (const s of run.liquidations.samples)
    if (s.phase === "load") {
      const atMs = s.triggerAt - run.startedAt;
      const key = `${atMs}:${s.triggerMarketId ?? ""}`;
      const g = triggers.get(key) ?? {
        atMs,
        count: 0,
        ...(s.triggerMarketId !== undefined ? { marketId: s.triggerMarketId } : {}),
      };
      g.count++;
      triggers.set(key, g);
    }
  return {
    version: 1,
    provenance: {
      command: x.command,
      commit: x.commit,
      date: new Date().toISOString(),
      machine: { ...x.machine, reportMachine: r.machine },
      sources: [
        `${x.reportPath} (commit ${r.commit.sha.slice(0, 12)}${r.commit.dirty ? ", dirty" : ""}, ${r.createdAt}): proof, dispatch and L1 samples, batch sizes, liquidation triggers`,
        ...(x.contention ?? []).map(
          (c) => `${c.path}: proof times with provers sharing the host (contention factor)`,
        ),
        ...x.extras.sources,
      ],
      notes: [
        "A MODEL calibration: measured distributions from one run on a shared machine; not a prediction of another machine.",
        `report machine load average at its end: ${r.machine.loadavg.join(", ")}`,
      ],
    },
    tape: {
      scenario: r.settings.scenario,
      minutes: r.settings.minutes,
      seed: r.settings.seed,
      maxAccounts: r.settings.maxAccounts,
    },
    proof: {
      instance: String(d.instance ?? "default"),
      samplesMs: proof.quiet,
      contention,
      ...(proof.busy.length > 0
        ? { busy: { samplesMs: proof.busy, reqPerS: BUSY_REQ_PER_S, contention: busyContention } }
        : {}),
    },
    dispatchMs: dispatch.length > 0 ? dispatch : [0],
    l1: {
      inclusionMs: inclusion,
      maxInFlight: 1,
      gasPerBatch: x.extras.gasPerBatch,
      reference: x.extras.reference,
    },
    intake: x.extras.intake,
    signatures: x.extras.signatures,
    redis: x.extras.redis,
    batch: {
      // Under shedding no batch fills; the devnet's own estimate (from full batches) is the floor.
      normalTxsPerBatch: Math.max(Number(d.txPerBatch ?? 1), ...normal),
      liquidationsPerBatch: Math.max(x.extras.liquidationsPerBatch, ...liqs),
      maxWaitMs: 2000,
      priceOnlyWaitMs: 30_000,
      urgentPriceMoveBps: 50,
    },
    admission: {
      // LIQ_TARGET_MS is 0 on the devnet: the target follows the live estimates (2 · (w + m + l)).
      targetMs: 0,
      sealWaitMs: 2000,
      // The devnet's estimates were warm when the tape started (the idle probes ran first).
      initialProofMs: Number(d.msPerBatchAtStart ?? median(proof.quiet)) * provers,
      initialL1Ms: median(inclusion),
      initialTxPerBatch: Number(d.txPerBatch ?? 18),
    },
    liquidationTriggers: [...triggers.values()].sort((a, b) => a.atMs - b.atMs),
  };
}
