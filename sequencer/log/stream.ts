import {
  DiscardPolicy,
  type JetStreamManager,
  nanos,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from "nats";
import { BaseError } from "../../core/errors.ts";

export class LogConfigError extends BaseError {
  override name = "LogConfigError";
}

export interface LogStreamOptions {
  /** The log's name: the stream is `ZKLOG_<name>` on subject `zkrollup.log.<name>`. */
  name: string;
  /** 3 by default: an ack then means 2 of 3 members stored the group. Tests may use fewer. */
  replicas?: number;
  /**
   * How long the stream remembers a Nats-Msg-Id. A writer retrying an append whose outcome it does not
   * know must retry within this window; two minutes is JetStream's default.
   */
  duplicateWindowMs?: number;
}

export interface LogStreamNames {
  stream: string;
  subject: string;
}

const NAME = /^[A-Za-z0-9_-]+$/;

export function logStreamNames(name: string): LogStreamNames {
  if (!NAME.test(name)) {
    throw new LogConfigError("LOG_CONFIG", "a log name may hold only letters, digits, '-' and '_'", {
      details: { name },
    });
  }
  return { stream: `ZKLOG_${name}`, subject: `zkrollup.log.${name}` };
}

/**
 * Creates the log's stream if it does not exist. An existing stream is used as it is, but a replica
 * count other than the one asked for is an error: a caller that asked for R3 must not silently get R1.
 */
export async function ensureLogStream(
  jsm: JetStreamManager,
  opts: LogStreamOptions,
): Promise<LogStreamNames> {
  const names = logStreamNames(opts.name);
  const replicas = opts.replicas ?? 3;
  const config: Partial<StreamConfig> & { name: string } = {
    name: names.stream,
    subjects: [names.subject],
    num_replicas: replicas,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_msgs: -1,
    max_bytes: -1,
    max_age: 0,
    duplicate_window: nanos(opts.duplicateWindowMs ?? 120_000),
    // A log is append-only: nobody removes a message from under a replaying standby.
    deny_delete: true,
    deny_purge: true,
  };
  let existing: StreamConfig | undefined;
  try {
    existing = (await jsm.streams.info(names.stream)).config;
  } catch (err) {
    if (!(err instanceof Error) || !/stream not found/i.test(err.message)) throw err;
  }
  if (!existing) {
    await jsm.streams.add(config);
    return names;
  }
  if (existing.num_replicas !== replicas) {
    throw new LogConfigError("LOG_CONFIG", `stream ${names.stream} has ${existing.num_replicas} replicas`, {
      details: { stream: names.stream, want: replicas, have: existing.num_replicas },
    });
  }
  return names;
}
