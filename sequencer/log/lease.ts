import type { KV, NatsConnection } from "nats";
import { LeaseUnavailableError } from "./errors.ts";
import { JS_WRONG_LAST_SEQUENCE } from "./publish-error.ts";

export interface LeaseHolder {
  leaderId: string;
  url: string;
  /** The fencing epoch: the KV revision at which the lease was taken, strictly above any earlier one. */
  epoch: number;
  /** The KV revision of the latest renewal (the CAS token). */
  revision: number;
  /** Server clock of the last renewal + TTL. Informational only: never compare it with a local clock. */
  expiresAt: number;
}

export type LeaseLostReason = "superseded" | "expired";

export interface LeaderLeaseOptions {
  /** The bucket is `zkrollup_lease_<name>`, one lease per bucket. */
  name: string;
  /** The bucket's max age: JetStream removes a lease not renewed for this long. */
  ttlMs?: number;
  renewEveryMs?: number;
  replicas?: number;
  /** Per KV request. */
  timeoutMs?: number;
  /** The holder stopped being leader; it must stop acknowledging (its appends get fenced anyway). */
  onLost?: (reason: LeaseLostReason, epoch: number) => void;
}

interface Held {
  leaderId: string;
  url: string;
  epoch: number;
  revision: number;
}

interface LeaseValue {
  leaderId: string;
  url: string;
  /** 0 in the creating write, whose own revision is the epoch. */
  epoch: number;
}

const KEY = "leader";

/**
 * Leadership as a lease in a JetStream KV bucket (R3, history 1, max age = TTL).
 *
 * Expiry is JetStream's: the bucket's max age removes a lease that was not renewed, measured on the
 * server from the message's own timestamp, so no two machines' clocks are compared. A waiter simply
 * retries `create` (which only succeeds on an absent key). The holder keeps a local, monotonic and
 * conservative deadline (send time of the last good renewal + TTL, minus a drift margin) and reports
 * the lease lost when it passes: by then the server may have let someone else in.
 *
 * The lease decides who should write; it is not what keeps two writers apart. That is the log's
 * expected-last-sequence check, which the epoch-start marker arms (see ReplicatedLog.startEpoch).
 */
export class LeaderLease {
  readonly bucket: string;
  readonly ttlMs: number;
  readonly renewEveryMs: number;
  readonly #kv: KV;
  readonly #onLost: LeaderLeaseOptions["onLost"];
  #held: Held | undefined;
  #deadline = 0;
  #renewTimer: NodeJS.Timeout | undefined;
  #deadlineTimer: NodeJS.Timeout | undefined;
  #renewing = false;

  private constructor(kv: KV, bucket: string, opts: LeaderLeaseOptions, ttlMs: number) {
    this.#kv = kv;
    this.bucket = bucket;
    this.ttlMs = ttlMs;
    this.renewEveryMs = opts.renewEveryMs ?? Math.floor(ttlMs / 3);
    this.#onLost = opts.onLost;
  }

  static async open(nc: NatsConnection, opts: LeaderLeaseOptions): Promise<LeaderLease> {
    const bucket = `zkrollup_lease_${opts.name}`;
    const ttlMs = opts.ttlMs ?? 1500;
    try {
      const kv = await nc.jetstream().views.kv(bucket, {
        history: 1,
        ttl: ttlMs,
        replicas: opts.replicas ?? 3,
        timeout: opts.timeoutMs ?? 1000,
      });
      return new LeaderLease(kv, bucket, opts, ttlMs);
    } catch (err) {
      throw new LeaseUnavailableError({ op: "open", reason: String(err) }, err);
    }
  }

  /** The epoch held, or undefined if this node does not (or no longer) hold the lease. */
  get epoch(): number | undefined {
    return this.#held && performance.now() < this.#deadline ? this.#held.epoch : undefined;
  }

  /** Takes the lease if nobody holds it; returns the new epoch, or undefined if it is taken. */
  async tryAcquire(nodeId: string, url: string): Promise<number | undefined> {
    if (this.#held) return this.#held.epoch;
    const sentAt = performance.now();
    let revision: number;
    try {
      revision = await this.#kv.create(KEY, encodeValue({ leaderId: nodeId, url, epoch: 0 }));
    } catch (err) {
      if (isWrongLastSequence(err)) return undefined;
      throw new LeaseUnavailableError({ op: "acquire", reason: String(err) }, err);
    }
    this.#held = { leaderId: nodeId, url, epoch: revision, revision };
    this.#armDeadline(sentAt);
    this.#renewTimer = setInterval(() => void this.renew().catch(() => {}), this.renewEveryMs);
    this.#renewTimer.unref();
    return revision;
  }

  /** Polls tryAcquire until it succeeds or the signal aborts. */
  async acquire(
    nodeId: string,
    url: string,
    opts: { pollMs?: number; signal?: AbortSignal } = {},
  ): Promise<number> {
    for (;;) {
      opts.signal?.throwIfAborted();
      try {
        const epoch = await this.tryAcquire(nodeId, url);
        if (epoch !== undefined) return epoch;
      } catch (err) {
        if (!(err instanceof LeaseUnavailableError)) throw err;
      }
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 100));
    }
  }

  /**
   * One compare-and-set renewal against the last revision. Refused means someone else took the lease
   * (ours expired and was re-created): lost at once. Any other failure is retried on the next tick
   * until the local deadline runs out.
   */
  async renew(): Promise<void> {
    const h = this.#held;
    if (!h || this.#renewing) return;
    this.#renewing = true;
    const sentAt = performance.now();
    try {
      const revision = await this.#kv.update(
        KEY,
        encodeValue({ leaderId: h.leaderId, url: h.url, epoch: h.epoch }),
        h.revision,
      );
      if (this.#held !== h) return;
      h.revision = revision;
      this.#armDeadline(sentAt);
    } catch (err) {
      if (this.#held === h && isWrongLastSequence(err)) this.#lose("superseded");
      else throw new LeaseUnavailableError({ op: "renew", reason: String(err) }, err);
    } finally {
      this.#renewing = false;
    }
  }

  /** Who holds the lease according to the bucket, or undefined if nobody does. */
  async current(): Promise<LeaseHolder | undefined> {
    let e: Awaited<ReturnType<KV["get"]>>;
    try {
      e = await this.#kv.get(KEY);
    } catch (err) {
      throw new LeaseUnavailableError({ op: "current", reason: String(err) }, err);
    }
    if (e?.operation !== "PUT") return undefined;
    const v = decodeValue(e.value);
    return {
      leaderId: v.leaderId,
      url: v.url,
      epoch: v.epoch > 0 ? v.epoch : e.revision,
      revision: e.revision,
      expiresAt: e.created.getTime() + this.ttlMs,
    };
  }

  /** Gives the lease up at once (a CAS delete, so it never removes a successor's lease). */
  async release(): Promise<void> {
    const h = this.#held;
    this.abandon();
    if (!h) return;
    try {
      await this.#kv.delete(KEY, { previousSeq: h.revision });
    } catch (err) {
      if (!isWrongLastSequence(err))
        throw new LeaseUnavailableError({ op: "release", reason: String(err) }, err);
    }
  }

  /** Stops renewing without releasing: to the other nodes this looks exactly like a crash. */
  abandon(): void {
    this.#held = undefined;
    clearInterval(this.#renewTimer);
    clearTimeout(this.#deadlineTimer);
    this.#renewTimer = undefined;
    this.#deadlineTimer = undefined;
  }

  /**
   * The server's expiry starts when it stores the write, which is after `sentAt`, so sentAt + TTL is
   * never later than the server's; the margin covers the two clocks ticking at slightly different rates.
   */
  #armDeadline(sentAt: number): void {
    this.#deadline = sentAt + this.ttlMs * 0.9;
    clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = setTimeout(() => this.#lose("expired"), this.#deadline - performance.now());
    this.#deadlineTimer.unref();
  }

  #lose(reason: LeaseLostReason): void {
    const h = this.#held;
    if (!h) return;
    this.abandon();
    this.#onLost?.(reason, h.epoch);
  }
}

function isWrongLastSequence(err: unknown): boolean {
  const api = (err as { api_error?: { err_code?: number } } | undefined)?.api_error;
  return api?.err_code === JS_WRONG_LAST_SEQUENCE;
}

const encodeValue = (v: LeaseValue): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

function decodeValue(bytes: Uint8Array): LeaseValue {
  const v = JSON.parse(new TextDecoder().decode(bytes)) as Partial<LeaseValue>;
  return { leaderId: String(v.leaderId ?? ""), url: String(v.url ?? ""), epoch: Number(v.epoch ?? 0) };
}
