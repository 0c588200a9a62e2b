import {
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type StoredMsg,
} from "nats";
import { EpochGate } from "./epoch-gate.ts";
import { LogCorruptError, LogUnavailableError } from "./errors.ts";
import { decodeGroup, type LogRecord } from "./group.ts";

export interface FollowOptions {
  /** The highest epoch the caller has already applied, so the gate starts there. */
  highestEpoch?: number;
  /** Called for a record the epoch gate dropped (an epoch below one already seen); never applied. */
  onStale?: (record: LogRecord, highestEpoch: number) => void;
}

export interface Follower {
  /** Stops delivery; resolves once the consumer is closed and no onGroup call is running. */
  stop(): Promise<void>;
  /** Settles when delivery ends: resolves after stop(), rejects on a corrupt record or a throwing onGroup. */
  readonly done: Promise<void>;
  /** The stream seq of the last record delivered (or dropped by the gate); fromSeq - 1 before any. */
  readonly position: number;
}

const PULL_EXPIRES_MS = 2000;
/** JetStream's API error code for a stream message get of a sequence it does not hold. */
const JS_NO_MESSAGE_FOUND = 10037;

export function toRecord(streamSeq: number, data: Uint8Array): LogRecord {
  try {
    return { ...decodeGroup(data), streamSeq };
  } catch (err) {
    throw new LogCorruptError({ streamSeq, reason: err instanceof Error ? err.message : String(err) }, err);
  }
}

/**
 * An ordered consumer (ephemeral, flow-controlled, recreated by the client from the last seq it saw if
 * a gap or a missed heartbeat shows up) is what guarantees in-order, gap-free delivery from a position.
 * Short pulls (2 s, heartbeat 1 s) make a consumer stuck on a member that just came back from a pause
 * get noticed and recreated in seconds; the client's 30 s default left a standby idle that long.
 */
async function orderedMessages(
  js: JetStreamClient,
  stream: string,
  fromSeq: number,
): Promise<ConsumerMessages> {
  const c = await js.consumers.get(stream, {
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(1, fromSeq),
  });
  return c.consume({ expires: PULL_EXPIRES_MS });
}

/**
 * Reads by sequence with one stream-message get per group, not through a consumer: a get needs only the
 * stream leader (like an append does), while creating a consumer also needs the meta leader and a
 * healthy peer to place it on, which made a takeover's read hang during a member's outage. A takeover
 * reads the few groups its follower had not applied yet, so one request per group is cheap; `follow`
 * is the bulk and live path.
 *
 * It reads past the tail seen at the start until a sequence is missing: stream info can come from a
 * member that was just resumed and still answers with its old tail. A sequence at or below that tail
 * that is missing is never skipped (a lagging member may have answered): the read fails as
 * unavailable instead, and the caller retries.
 */
export async function* readLog(
  jsm: JetStreamManager,
  stream: string,
  fromSeq: number,
  tail: () => Promise<{ lastSeq: number }>,
  opts: FollowOptions & { timeoutMs: number },
): AsyncGenerator<LogRecord> {
  const { lastSeq } = await tail();
  const gate = new EpochGate(opts.highestEpoch);
  for (let seq = Math.max(1, fromSeq); ; seq++) {
    let m: StoredMsg;
    try {
      m = await jsm.streams.getMessage(stream, { seq });
    } catch (err) {
      if (isNoMessage(err) && seq > lastSeq) return;
      const reason = isNoMessage(err) ? `group ${seq} missing below the tail ${lastSeq}` : String(err);
      throw new LogUnavailableError({ op: "read", timeoutMs: opts.timeoutMs, reason }, err);
    }
    const r = toRecord(m.seq, m.data);
    if (gate.admit(r)) yield r;
    else opts.onStale?.(r, gate.highest);
  }
}

function isNoMessage(err: unknown): boolean {
  const api = (err as { api_error?: { err_code?: number } } | undefined)?.api_error;
  return api?.err_code === JS_NO_MESSAGE_FOUND;
}

export function followLog(
  js: JetStreamClient,
  stream: string,
  fromSeq: number,
  onGroup: (r: LogRecord) => void | Promise<void>,
  opts: FollowOptions = {},
): Follower {
  const gate = new EpochGate(opts.highestEpoch);
  let position = fromSeq - 1;
  let stopped = false;
  let msgs: ConsumerMessages | undefined;
  const done = (async () => {
    const it = await orderedMessages(js, stream, fromSeq);
    msgs = it;
    try {
      if (stopped) return;
      for await (const m of it) {
        const r = toRecord(m.seq, m.data);
        position = r.streamSeq;
        if (gate.admit(r)) await onGroup(r);
        else opts.onStale?.(r, gate.highest);
        if (stopped) break;
      }
    } finally {
      await it.close();
    }
  })();
  // The caller may never look at done; a rejection is still reported through it, not as unhandled.
  done.catch(() => {});
  return {
    get position() {
      return position;
    },
    done,
    async stop() {
      stopped = true;
      await msgs?.close();
      await done.catch(() => {});
    },
  };
}
