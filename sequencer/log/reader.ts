import { type ConsumerMessages, DeliverPolicy, type JetStreamClient, type JsMsg } from "nats";
import { EpochGate } from "./epoch-gate.ts";
import { LogCorruptError } from "./errors.ts";
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

export function toRecord(m: JsMsg): LogRecord {
  try {
    return { ...decodeGroup(m.data), streamSeq: m.seq };
  } catch (err) {
    throw new LogCorruptError(
      { streamSeq: m.seq, reason: err instanceof Error ? err.message : String(err) },
      err,
    );
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

export async function* readLog(
  js: JetStreamClient,
  stream: string,
  fromSeq: number,
  tail: () => Promise<{ lastSeq: number }>,
  opts: FollowOptions = {},
): AsyncGenerator<LogRecord> {
  const { lastSeq } = await tail();
  if (fromSeq > lastSeq) return;
  const gate = new EpochGate(opts.highestEpoch);
  const msgs = await orderedMessages(js, stream, fromSeq);
  try {
    for await (const m of msgs) {
      const r = toRecord(m);
      if (gate.admit(r)) yield r;
      else opts.onStale?.(r, gate.highest);
      if (m.seq >= lastSeq) break;
    }
  } finally {
    await msgs.close();
  }
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
        const r = toRecord(m);
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
