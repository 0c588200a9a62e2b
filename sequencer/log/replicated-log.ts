import { headers, type JetStreamClient, type JetStreamManager, type NatsConnection, type PubAck } from "nats";
import type { WalEntry } from "../wal.ts";
import {
  EpochRegressionError,
  LogGroupTooLargeError,
  LogUnavailableError,
  LogWriterStateError,
} from "./errors.ts";
import { EPOCH_HEADER, encodeGroup, groupMsgId, type LogGroup, type LogRecord } from "./group.ts";
import { classifyPublishError } from "./publish-error.ts";
import { type Follower, type FollowOptions, followLog, readLog } from "./reader.ts";
import { ensureLogStream, LogConfigError, type LogStreamNames, type LogStreamOptions } from "./stream.ts";

export interface ReplicatedLogOptions extends LogStreamOptions {
  /** How long an append waits for JetStream's ack (a quorum store) before failing as unavailable. */
  appendTimeoutMs?: number;
}

export interface AppendResult {
  /** Where the group sits in the stream. */
  streamSeq: number;
  /** The stream had already stored this group (a retry of an append whose first ack was lost). */
  duplicate: boolean;
}

export interface LogTail {
  /** 0 for an empty log. */
  lastSeq: number;
  firstSeq: number;
  groups: number;
  /** The Raft leader of the stream, as JetStream reports it. */
  leader: string | undefined;
}

export interface StartEpochParams {
  epoch: number;
  leaderId: string;
  url: string;
  /** The last stream seq this node has fully read and applied; the marker must land right after it. */
  afterSeq: number;
}

interface WriterState {
  epoch: number;
  lastSeq: number;
}

/**
 * The sequencer's log, replicated by one JetStream stream (R3 by default). An append resolves only
 * after JetStream acked it, which for a replicated stream means a quorum of members stored it.
 *
 * Only one writer can extend the log at a position: every publish carries Nats-Expected-Last-Sequence,
 * the stream seq this writer last wrote or read. A writer whose position another writer took (a new
 * leader's epoch-start marker) gets LogFencedError and must stop acknowledging. There is no other
 * agreement here: JetStream's Raft orders the publishes and checks the expectation atomically.
 */
export class ReplicatedLog {
  readonly stream: string;
  readonly subject: string;
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #timeoutMs: number;
  #writer: WriterState | undefined;
  /** The msg id of a publish whose outcome is unknown; only that same group may be sent next. */
  #unresolved: string | undefined;

  private constructor(nc: NatsConnection, jsm: JetStreamManager, names: LogStreamNames, timeoutMs: number) {
    this.#nc = nc;
    this.#jsm = jsm;
    this.#js = nc.jetstream();
    this.stream = names.stream;
    this.subject = names.subject;
    this.#timeoutMs = timeoutMs;
  }

  /** Opens (creating if needed) the log's stream on a connection the caller owns and closes. */
  static async open(nc: NatsConnection, opts: ReplicatedLogOptions): Promise<ReplicatedLog> {
    const timeoutMs = opts.appendTimeoutMs ?? 5000;
    let jsm: JetStreamManager;
    let names: LogStreamNames;
    try {
      jsm = await nc.jetstreamManager({ timeout: timeoutMs });
      names = await ensureLogStream(jsm, opts);
    } catch (err) {
      if (err instanceof LogConfigError) throw err;
      throw new LogUnavailableError({ op: "open", timeoutMs, reason: String(err) }, err);
    }
    return new ReplicatedLog(nc, jsm, names, timeoutMs);
  }

  /** This instance's writer position, or undefined if it is not (or no longer) a writer. */
  get writer(): Readonly<WriterState> | undefined {
    return this.#writer ? { ...this.#writer } : undefined;
  }

  async tail(): Promise<LogTail> {
    try {
      const info = await this.#jsm.streams.info(this.stream);
      return {
        lastSeq: info.state.last_seq,
        firstSeq: info.state.first_seq,
        groups: info.state.messages,
        leader: info.cluster?.leader,
      };
    } catch (err) {
      throw new LogUnavailableError({ op: "tail", timeoutMs: this.#timeoutMs, reason: String(err) }, err);
    }
  }

  /**
   * Makes this instance the writer at `epoch` by appending an epoch-start marker right after
   * `afterSeq`. If the log moved past `afterSeq` (the old leader appended after this node's read), the
   * marker is refused with LogFencedError: read on from afterSeq + 1, apply, and call again.
   */
  async startEpoch(p: StartEpochParams): Promise<AppendResult> {
    // Equal is allowed: it is this epoch's own marker when a marker whose outcome was unknown is retried
    // after reading it back (the retry then deduplicates). The lease never hands out an epoch twice.
    if (p.afterSeq > 0) {
      const logEpoch = await this.#epochAt(p.afterSeq);
      if (p.epoch < logEpoch) throw new EpochRegressionError({ epoch: p.epoch, logEpoch });
    }
    const group: LogGroup = { kind: "epoch-start", epoch: p.epoch, leaderId: p.leaderId, url: p.url };
    this.#writer = undefined;
    // A new epoch settles an earlier group of ours whose outcome was unknown: if it landed, the read
    // before this marker applied it (or this marker is refused until a read does); if not, the marker
    // takes its position and it can never land.
    this.#unresolved = undefined;
    const res = await this.#publish(group, p.afterSeq, "startEpoch");
    this.#writer = { epoch: p.epoch, lastSeq: res.streamSeq };
    return res;
  }

  /**
   * Appends one group commit as one message. Resolves after a quorum stored it. LogFencedError: this
   * writer was superseded (it stays fenced: no further append succeeds). LogUnavailableError: outcome
   * unknown; retry the same entries, which the stream deduplicates if the first attempt landed.
   */
  async append(entries: readonly WalEntry[], epoch: number): Promise<AppendResult> {
    const w = this.#writer;
    if (!w)
      throw new LogWriterStateError("not a writer: call startEpoch first (or again after a fence)", {
        epoch,
      });
    if (w.epoch !== epoch) {
      throw new LogWriterStateError(`writer is at epoch ${w.epoch}, not ${epoch}`, {
        epoch,
        writerEpoch: w.epoch,
      });
    }
    if (entries.length === 0) return { streamSeq: w.lastSeq, duplicate: false };
    const res = await this.#publish({ kind: "entries", epoch, entries }, w.lastSeq, "append");
    w.lastSeq = res.streamSeq;
    return res;
  }

  /**
   * The groups from `fromSeq` to the end of the log, in order: at least up to the tail seen when the
   * read began, and on until a sequence is missing. LogUnavailableError if the stream leader is away.
   */
  read(fromSeq = 1, opts: FollowOptions = {}): AsyncGenerator<LogRecord> {
    return readLog(this.#jsm, this.stream, fromSeq, () => this.tail(), {
      ...opts,
      timeoutMs: this.#timeoutMs,
    });
  }

  /** Delivers every group from `fromSeq` on, live, in order; `onGroup` is awaited before the next. */
  follow(
    fromSeq: number,
    onGroup: (r: LogRecord) => void | Promise<void>,
    opts: FollowOptions = {},
  ): Follower {
    return followLog(this.#js, this.stream, fromSeq, onGroup, opts);
  }

  async #publish(group: LogGroup, expectedLastSeq: number, op: string): Promise<AppendResult> {
    const msgID = groupMsgId(group);
    if (this.#unresolved !== undefined && this.#unresolved !== msgID) {
      throw new LogWriterStateError("an earlier append's outcome is unknown: retry that group first", {
        unresolved: this.#unresolved,
        attempted: msgID,
      });
    }
    const bytes = encodeGroup(group);
    const maxPayload = this.#nc.info?.max_payload;
    if (maxPayload !== undefined && bytes.length > maxPayload) {
      throw new LogGroupTooLargeError({
        bytes: bytes.length,
        maxPayload,
        entries: group.kind === "entries" ? group.entries.length : 0,
      });
    }
    const h = headers();
    h.set(EPOCH_HEADER, String(group.epoch));
    let ack: PubAck;
    try {
      ack = await this.#js.publish(this.subject, bytes, {
        msgID,
        expect: { lastSequence: expectedLastSeq },
        headers: h,
        timeout: this.#timeoutMs,
      });
    } catch (err) {
      const e = classifyPublishError(err, {
        op,
        epoch: group.epoch,
        expectedLastSeq,
        timeoutMs: this.#timeoutMs,
      });
      if (e.code === "LOG_FENCED") {
        // Definitely not stored, and never will be: the position is someone else's.
        this.#unresolved = undefined;
        this.#writer = undefined;
      } else {
        this.#unresolved = msgID;
      }
      throw e;
    }
    this.#unresolved = undefined;
    return { streamSeq: ack.seq, duplicate: ack.duplicate };
  }

  async #epochAt(seq: number): Promise<number> {
    try {
      const m = await this.#jsm.streams.getMessage(this.stream, { seq });
      const epoch = Number(m.header.get(EPOCH_HEADER));
      return Number.isSafeInteger(epoch) ? epoch : 0;
    } catch (err) {
      throw new LogUnavailableError(
        { op: "startEpoch", timeoutMs: this.#timeoutMs, reason: String(err) },
        err,
      );
    }
  }
}
