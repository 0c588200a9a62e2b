import { BaseError } from "../../core/errors.ts";

/**
 * The log refused an append because another writer extended it first (its expected last sequence did
 * not match). For a leader this means it was superseded: it must stop acknowledging at once.
 */
export class LogFencedError extends BaseError {
  override name = "LogFencedError";
  constructor(details: { epoch: number; expectedLastSeq: number; reason: string }, cause?: unknown) {
    super(
      "LOG_FENCED",
      `append at epoch ${details.epoch} refused: the log moved past ${details.expectedLastSeq}`,
      {
        details,
        cause,
      },
    );
  }
}

/**
 * No quorum answered in time (members down, a Raft election, a lost connection). The outcome is
 * unknown: the group may or may not be stored, so nothing in it may be acknowledged, and the writer
 * must retry the same group (its Nats-Msg-Id makes the retry idempotent) before appending anything else.
 */
export class LogUnavailableError extends BaseError {
  override name = "LogUnavailableError";
  constructor(details: { op: string; timeoutMs?: number; reason: string }, cause?: unknown) {
    super("LOG_UNAVAILABLE", `replicated log unavailable during ${details.op}: ${details.reason}`, {
      details,
      cause,
    });
  }
}

/** A caller broke the writer protocol (append before startEpoch, a new group while one is unresolved). */
export class LogWriterStateError extends BaseError {
  override name = "LogWriterStateError";
  constructor(message: string, details: Record<string, unknown>) {
    super("LOG_WRITER_STATE", message, { details });
  }
}

/** The encoded group exceeds the server's max_payload; deterministic, so retrying cannot help. */
export class LogGroupTooLargeError extends BaseError {
  override name = "LogGroupTooLargeError";
  constructor(details: { bytes: number; maxPayload: number; entries: number }) {
    super("LOG_GROUP_TOO_LARGE", `encoded group of ${details.bytes} bytes exceeds max_payload`, { details });
  }
}

/** A stored message does not decode as a log group. */
export class LogCorruptError extends BaseError {
  override name = "LogCorruptError";
  constructor(details: { streamSeq: number; reason: string }, cause?: unknown) {
    super("LOG_CORRUPT", `log message ${details.streamSeq} is not a valid group: ${details.reason}`, {
      details,
      cause,
    });
  }
}

/** A new epoch must not be below an epoch already in the log. */
export class EpochRegressionError extends BaseError {
  override name = "EpochRegressionError";
  constructor(details: { epoch: number; logEpoch: number }) {
    super("LOG_EPOCH_REGRESSION", `epoch ${details.epoch} is below the log's epoch ${details.logEpoch}`, {
      details,
    });
  }
}

/** The lease bucket could not be reached or answered with an unexpected error. */
export class LeaseUnavailableError extends BaseError {
  override name = "LeaseUnavailableError";
  constructor(details: { op: string; reason: string }, cause?: unknown) {
    super("LEASE_UNAVAILABLE", `leader lease unavailable during ${details.op}: ${details.reason}`, {
      details,
      cause,
    });
  }
}

/** The lease was lost (expired or taken) while this node was still becoming or being the leader. */
export class LeaseLostError extends BaseError {
  override name = "LeaseLostError";
  constructor(details: { epoch: number; during: string }) {
    super("LEASE_LOST", `lost the lease at epoch ${details.epoch} during ${details.during}`, { details });
  }
}
