/**
 * The proof job id, both ways. The prover queue names jobs with it and the sequencer node reads the
 * batch number back out of queue events, so encode and decode live together here (prover/, which the
 * node may import; the prover must not import the node).
 */
import { BaseError } from "../core/errors.ts";

export class BadJobIdError extends BaseError {
  override name = "BadJobIdError";
  constructor(jobId: string) {
    super("BAD_JOB_ID", `not a proof job id: ${JSON.stringify(jobId.slice(0, 80))}`, {
      details: { jobId: jobId.slice(0, 80) },
    });
  }
}

export interface JobId {
  batchNumber: bigint;
  /** The first 16 hex digits of the batch's public-input hash: another batch content, another job. */
  contentTag: string;
}

/** Idempotent per batch *content*: re-adding the same batch is a no-op, a different one never collides. */
export function encodeJobId(batchNumber: bigint, publicHash: bigint): string {
  if (batchNumber < 0n) throw new RangeError(`batch number ${batchNumber} is negative`);
  return `batch-${batchNumber}-${publicHash.toString(16).padStart(64, "0").slice(0, 16)}`;
}

// Exactly what encodeJobId writes: no sign, no leading zero, at most a u64 of digits.
const JOB_ID = /^batch-(0|[1-9][0-9]{0,19})-([0-9a-f]{16})$/;

/** Strict inverse of encodeJobId; throws BAD_JOB_ID on anything it would not have written. */
export function decodeJobId(jobId: string): JobId {
  const m = JOB_ID.exec(jobId);
  if (!m) throw new BadJobIdError(jobId);
  return { batchNumber: BigInt(m[1]!), contentTag: m[2]! };
}
