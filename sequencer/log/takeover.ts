import { LeaseLostError } from "./errors.ts";
import type { LogRecord } from "./group.ts";
import type { LeaderLease } from "./lease.ts";
import type { ReplicatedLog } from "./replicated-log.ts";

export interface BecomeLeaderParams {
  log: ReplicatedLog;
  lease: LeaderLease;
  nodeId: string;
  url: string;
  /** The last stream seq this node applied (a standby's follower position; 0 for an empty node). */
  appliedSeq: number;
  /** Applies a group the node had not seen yet: the old leader's last groups, acked before it died. */
  apply: (record: LogRecord) => void | Promise<void>;
  signal?: AbortSignal;
  pollMs?: number;
}

export interface BecomeLeaderResult {
  epoch: number;
  /** The stream seq of this epoch's marker: everything up to it is applied, appends go after it. */
  markerSeq: number;
}

/**
 * A standby's way to the leader's seat: wait for the lease, read and apply the log to its tail, then
 * write the epoch-start marker right after it. If the old leader still slipped a group in after the
 * read, the marker is refused (LOG_FENCED): read on and try again. Once the marker is in, the old
 * leader can no longer append, so nothing it acks afterwards exists. An unknown outcome
 * (LOG_UNAVAILABLE) is retried the same way: the read shows the marker if it landed, and the retry
 * with the same msg id deduplicates.
 */
export async function becomeLeader(p: BecomeLeaderParams): Promise<BecomeLeaderResult> {
  const pollMs = p.pollMs ?? 100;
  const epoch = await p.lease.acquire(p.nodeId, p.url, { pollMs, ...(p.signal ? { signal: p.signal } : {}) });
  let applied = p.appliedSeq;
  for (;;) {
    p.signal?.throwIfAborted();
    if (p.lease.epoch !== epoch) throw new LeaseLostError({ epoch, during: "takeover" });
    try {
      for await (const r of p.log.read(applied + 1)) {
        await p.apply(r);
        applied = r.streamSeq;
      }
      const res = await p.log.startEpoch({ epoch, leaderId: p.nodeId, url: p.url, afterSeq: applied });
      return { epoch, markerSeq: res.streamSeq };
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== "LOG_FENCED" && code !== "LOG_UNAVAILABLE") throw err;
      await new Promise((r) => setTimeout(r, code === "LOG_FENCED" ? 0 : pollMs));
    }
  }
}
