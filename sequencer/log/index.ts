/** The replicated log and leader lease of issue 11 (docs/REPLICATION.md). */
export { EpochGate } from "./epoch-gate.ts";
export {
  EpochRegressionError,
  LeaseLostError,
  LeaseUnavailableError,
  LogCorruptError,
  LogFencedError,
  LogGroupTooLargeError,
  LogUnavailableError,
  LogWriterStateError,
} from "./errors.ts";
export { EPOCH_HEADER, type LogGroup, type LogRecord } from "./group.ts";
export {
  LeaderLease,
  type LeaderLeaseOptions,
  type LeaseHolder,
  type LeaseLostReason,
} from "./lease.ts";
export type { Follower, FollowOptions } from "./reader.ts";
export {
  type AppendResult,
  type LogTail,
  ReplicatedLog,
  type ReplicatedLogOptions,
  type StartEpochParams,
} from "./replicated-log.ts";
export { LogConfigError, type LogStreamOptions } from "./stream.ts";
export { type BecomeLeaderParams, type BecomeLeaderResult, becomeLeader } from "./takeover.ts";
