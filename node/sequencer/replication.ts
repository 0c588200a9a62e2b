/**
 * A sequencer node on the replicated log (docs/REPLICATION.md). It starts as a standby: it follows
 * the log live, applying every group to its own engine and local WAL, and serves reads. When the
 * leader's lease lapses it takes the lease, reads the log to its tail, writes the epoch-start marker
 * that fences the old leader, and leads: from then on every group commit is appended to the log
 * before it is acknowledged. Losing the lease (or being fenced) ends the process; the supervisor
 * starts it again and it rejoins as a standby, rebuilt from its WAL and the log. The engine state of a
 * deposed leader may hold a group the log refused, so it is never reused.
 */
import type { AbstractSublevel } from "abstract-level";
import type { Level } from "level";
import { connect, type NatsConnection } from "nats";
import type { Logger } from "pino";
import type { LogRecord } from "../../sequencer/log/group.ts";
import { LeaderLease } from "../../sequencer/log/lease.ts";
import type { Follower } from "../../sequencer/log/reader.ts";
import { ReplicatedLog } from "../../sequencer/log/replicated-log.ts";
import { becomeLeader } from "../../sequencer/log/takeover.ts";
import type { LogReplica, Sequencer } from "../../sequencer/sequencer.ts";

export interface ReplicationOptions {
  natsUrls: readonly string[];
  /** Names the log's stream and the lease's bucket: every node of one rollup uses the same. */
  name: string;
  replicas: number;
  leaseTtlMs: number;
  nodeId: string;
  /** Where clients reach this node's API (what a follower names in NOT_LEADER). */
  url: string;
  log: Logger;
}

const POSITION_KEY = "logPosition";

/** The log's (and lease's) name every node of one rollup derives alike when LOG_NAME is unset. */
export const defaultLogName = (rollupAddress: string) => `zk_${rollupAddress.slice(2, 14).toLowerCase()}`;
type Meta = AbstractSublevel<Level<string, Buffer>, string | Buffer | Uint8Array, string, Buffer>;

export class ReplicatedRole {
  /** The Sequencer's `replica`: a leader's group commits go here before they are acknowledged. */
  readonly replica: LogReplica;
  #epoch = 0;
  #follower: Follower | undefined;
  #position = 0;
  #leaderUrl: string | undefined;
  #leaderTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #abort = new AbortController();

  #lost: (reason: string) => void = () => {};

  private constructor(
    readonly o: ReplicationOptions,
    readonly nc: NatsConnection,
    readonly rlog: ReplicatedLog,
    readonly meta: Meta,
  ) {
    // The position is not saved here: the local WAL gets the group only after this resolves, and a
    // saved position must never be ahead of the WAL. A restart reads on from the last saved one and
    // skips what the WAL already holds (Sequencer.applyLogged).
    this.replica = { append: async (entries) => void (await this.rlog.append(entries, this.#epoch)) };
  }

  lease!: LeaderLease;

  /**
   * Connects to the log cluster and opens the stream and the lease bucket. `db` is the node's LevelDB:
   * the stream position applied so far is kept beside the WAL, so a restart reads on from there.
   */
  static async open(o: ReplicationOptions, db: Level<string, Buffer>): Promise<ReplicatedRole> {
    // A SIGSTOPped member still accepts TCP but never answers: short timeouts and pings find out fast.
    const nc = await connect({
      servers: [...o.natsUrls],
      timeout: 1_000,
      pingInterval: 500,
      maxPingOut: 3,
      reconnectTimeWait: 250,
      maxReconnectAttempts: -1,
      name: o.nodeId,
    });
    const rlog = await ReplicatedLog.open(nc, { name: o.name, replicas: o.replicas });
    const meta = db.sublevel<string, Buffer>("replication", { valueEncoding: "buffer" });
    const role = new ReplicatedRole(o, nc, rlog, meta);
    role.lease = await LeaderLease.open(nc, {
      name: o.name,
      ttlMs: o.leaseTtlMs,
      replicas: o.replicas,
      onLost: (reason, epoch) => role.#lost(`lease ${reason} at epoch ${epoch}`),
    });
    const saved = await meta.get(POSITION_KEY).catch(() => undefined);
    role.#position = saved ? Number(saved.toString()) : 0;
    return role;
  }

  get epoch(): number {
    return this.#epoch;
  }

  /** The leader's URL as the lease names it (refreshed while this node follows). */
  leaderUrl(): string | undefined {
    return this.#epoch > 0 ? this.o.url : this.#leaderUrl;
  }

  /**
   * Follows the log into `sequencer` until this node takes the lease, then makes it the leader and
   * calls `onLeader`. `onLost` is called once if leadership is lost later (the caller exits).
   */
  async run(
    sequencer: Sequencer,
    onLeader: (epoch: number) => Promise<void>,
    onLost: (reason: string) => void,
  ): Promise<void> {
    this.#lost = onLost;
    const apply = async (r: LogRecord) => {
      if (r.kind === "entries") await sequencer.applyLogged(r.entries);
      this.#position = r.streamSeq;
      await this.#savePosition();
    };
    this.#follower = this.rlog.follow(this.#position + 1, apply);
    // A dead follower (a corrupt record, a gap) must not leave a standby silently behind.
    this.#follower.done.catch((err) => {
      if (!this.#stopped && this.#epoch === 0) onLost(`following the log failed: ${String(err)}`);
    });
    this.#refreshLeader();

    // The lease first, then stop following: becomeLeader reads on from exactly where the follower stopped.
    await this.lease.acquire(this.o.nodeId, this.o.url, { signal: this.#abort.signal });
    const t0 = performance.now();
    await this.#follower.stop();
    clearInterval(this.#leaderTimer);
    const res = await becomeLeader({
      log: this.rlog,
      lease: this.lease,
      nodeId: this.o.nodeId,
      url: this.o.url,
      appliedSeq: this.#position,
      apply,
      signal: this.#abort.signal,
    });
    this.#position = res.markerSeq;
    await this.#savePosition();
    this.#epoch = res.epoch;
    await sequencer.lead(res.epoch);
    this.o.log.info(
      { epoch: res.epoch, markerSeq: res.markerSeq, takeoverMs: Math.round(performance.now() - t0) },
      "leading the replicated log",
    );
    await onLeader(res.epoch);
  }

  #refreshLeader(): void {
    const read = () =>
      void this.lease
        .current()
        .then((h) => {
          this.#leaderUrl = h?.url;
        })
        .catch(() => {});
    read();
    this.#leaderTimer = setInterval(read, 500);
    this.#leaderTimer.unref();
  }

  async #savePosition(): Promise<void> {
    await this.meta.put(POSITION_KEY, Buffer.from(String(this.#position)));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    clearInterval(this.#leaderTimer);
    await this.#follower?.stop().catch(() => {});
    // A clean stop hands the seat over at once instead of after the lease's TTL.
    await this.lease.release().catch(() => {});
    await this.nc.drain().catch(() => {});
  }
}
