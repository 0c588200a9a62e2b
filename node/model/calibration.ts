/**
 * The model's calibration: measured distributions, not guesses. Each field says where its figure comes
 * from (docs/MODEL.md, "Calibration"); `scripts/model.ts calibrate` writes one from a load-lab report
 * and short in-process measurements. Parsed once, here, with zod: a bad file is a ModelInputError that
 * names the field, never a NaN deep in the simulation.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ModelInputError } from "./errors.ts";

const ms = z.number().finite().nonnegative();
const positive = z.number().finite().positive();
const sample = z.array(ms).min(1, "needs at least one measured sample");

export const calibrationSchema = z
  .object({
    version: z.literal(1),
    provenance: z.object({
      command: z.string().min(1),
      commit: z.string().min(1),
      date: z.string().min(1),
      machine: z.record(z.string(), z.unknown()),
      sources: z.array(z.string()).default([]),
      notes: z.array(z.string()).default([]),
    }),
    /** The tape the engine-side figures (liquidation triggers) were measured on. */
    tape: z.object({
      scenario: z.string(),
      minutes: positive,
      seed: z.string(),
      maxAccounts: z.number().int().positive(),
    }),
    proof: z.object({
      instance: z.string().min(1),
      /**
       * One prover's proving time per batch (proof job started → proven), ms, measured while few
       * requests arrived (the quiet proofs): the empirical sample the model resamples.
       */
      samplesMs: sample,
      /**
       * Proof time multiplier when k provers share one host (measured: two on a 2-core box slow each
       * other). Keys are k ≥ 2; a k not listed uses the largest listed below it; 1 when none.
       */
      contention: z.record(z.string().regex(/^[0-9]+$/), positive).default({}),
      /**
       * Proof times measured while the burst arrived (at least `reqPerS` requests a second over the
       * proof) with the provers on the sequencer's host: the intake, the lab's client and the rest of a
       * 2-core box take CPU from the proof. Drawn instead of `samplesMs` in the same conditions when
       * the provers share the sequencer's host; unused when they have hosts of their own.
       */
      busy: z
        .object({
          samplesMs: sample,
          reqPerS: positive,
          /** As `contention`, for the busy proofs (measured apart: the burst loads the host differently). */
          contention: z.record(z.string().regex(/^[0-9]+$/), positive).default({}),
        })
        .optional(),
    }),
    /** Sealed → proof job started with a prover idle (tree work, BullMQ add and fetch), ms. */
    dispatchMs: sample,
    l1: z.object({
      /** The submitter's own time per batch (send → receipt seen), ms, with nothing ahead of it. */
      inclusionMs: sample,
      /** Submissions in flight at once (1: node/sequencer/submitter.ts sends in order, one at a time). */
      maxInFlight: z.number().int().positive().default(1),
      gasPerBatch: positive,
      /** The L1 the gas-per-block utilisation is computed against (the devnet's Anvil mines per tx). */
      reference: z.object({ name: z.string(), blockGasLimit: positive, blockTimeMs: positive }),
    }),
    intake: z.object({
      /** Sequencer main-thread CPU per admitted request (HTTP, zod, admission, apply, WAL), µs. */
      acceptedUs: positive,
      /** Per request shed with 503 before its signature check, µs. */
      shedUs: positive,
      /** Main-thread tree work per sealed batch (witness and record), µs. */
      treeUsPerBatch: ms,
    }),
    signatures: z.object({
      /** One EdDSA-Poseidon check incl. the message hash, µs of one verify worker. */
      checkUs: positive,
      workers: z.number().int().positive(),
    }),
    redis: z.object({
      /** Redis commands per proof job (BullMQ add, fetch, lock, complete, events). */
      opsPerProofJob: positive,
      /** What one Redis server answers per second (measured, pipelined). */
      opsPerSecond: positive,
    }),
    batch: z.object({
      /** Normal-lane txs a batch holds before it is full (its account/message/op slots). */
      normalTxsPerBatch: z.number().int().positive(),
      /** Liquidations a batch holds (the cascade's R in docs/LANE.md). */
      liquidationsPerBatch: z.number().int().positive(),
      maxWaitMs: ms,
      priceOnlyWaitMs: ms,
      urgentPriceMoveBps: ms,
    }),
    /** The devnet's AdmissionSettings (sequencer/mempool/admission.ts), as the node builds them. */
    admission: z.object({
      targetMs: ms,
      sealWaitMs: ms,
      initialProofMs: positive,
      initialL1Ms: ms,
      initialTxPerBatch: positive,
      alpha: z.number().gt(0).lte(1).optional(),
    }),
    /**
     * The engine's decisions in the measured run: at which time (ms from the tape's start) a price made
     * how many accounts liquidatable. The model does not run the risk engine; it replays these.
     */
    liquidationTriggers: z.array(
      z.object({
        atMs: ms,
        count: z.number().int().positive(),
        marketId: z.number().int().nonnegative().optional(),
      }),
    ),
  })
  .strict();

export type Calibration = z.infer<typeof calibrationSchema>;

export function parseCalibration(raw: unknown, source = "calibration"): Calibration {
  const r = calibrationSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new ModelInputError(
      `${source} is not a valid model calibration: ${issues.slice(0, 5).join("; ")}`,
      {
        issues,
      },
    );
  }
  return r.data;
}

export function loadCalibration(file: string): Calibration {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ModelInputError(`cannot read the calibration ${file}: ${(err as Error).message}`, { file });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ModelInputError(`${file} is not JSON: ${(err as Error).message}`, { file });
  }
  return parseCalibration(raw, file);
}

/** The proof-time multiplier for `k` provers on one host (of the quiet proofs, or of the busy ones). */
export function contentionFactor(c: Calibration, k: number, busy = false): number {
  const table = busy ? (c.proof.busy?.contention ?? {}) : c.proof.contention;
  let best = 1;
  let bestK = 1;
  for (const [key, f] of Object.entries(table)) {
    const n = Number(key);
    if (n <= k && n > bestK) {
      best = f;
      bestK = n;
    }
  }
  return best;
}
