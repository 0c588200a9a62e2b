import { decode, encode } from "../codec.ts";
import type { WalEntry } from "../wal.ts";

/**
 * One stream message per group commit: the sequencer already batches up to 256 entries per
 * `wal.append`, so one publish (one Raft round) per group keeps the log's cost per group, not per
 * entry. The log's stream sequence therefore counts groups; entries keep their own bigint `seq`.
 *
 * An epoch-start marker is the first message a new leader writes: appended with the expected last
 * sequence of the tail it has read, it is what fences every later append of an older leader.
 */
export type LogGroup =
  | { kind: "entries"; epoch: number; entries: readonly WalEntry[] }
  | { kind: "epoch-start"; epoch: number; leaderId: string; url: string };

/** A group as read back, with where it sits in the stream. */
export type LogRecord = LogGroup & { streamSeq: number };

/** Bumped if the payload layout changes, so an old reader fails loudly instead of misreading. */
export const GROUP_FORMAT = 1;

/** The epoch is also a header, so tools and filters can see it without decoding the payload. */
export const EPOCH_HEADER = "Zk-Epoch";

export function encodeGroup(group: LogGroup): Buffer {
  return encode({ v: GROUP_FORMAT, ...group });
}

export function decodeGroup(bytes: Uint8Array): LogGroup {
  const raw = decode<Record<string, unknown>>(bytes);
  if (!raw || typeof raw !== "object") throw new Error("payload is not a map");
  if (raw.v !== GROUP_FORMAT) throw new Error(`unknown group format ${String(raw.v)}`);
  const epoch = raw.epoch;
  if (typeof epoch !== "number" || !Number.isSafeInteger(epoch) || epoch < 1) {
    throw new Error(`bad epoch ${String(epoch)}`);
  }
  if (raw.kind === "entries") {
    if (!Array.isArray(raw.entries)) throw new Error("entries is not an array");
    return { kind: "entries", epoch, entries: raw.entries as WalEntry[] };
  }
  if (raw.kind === "epoch-start") {
    if (typeof raw.leaderId !== "string" || typeof raw.url !== "string") throw new Error("bad marker");
    return { kind: "epoch-start", epoch, leaderId: raw.leaderId, url: raw.url };
  }
  throw new Error(`unknown group kind ${String(raw.kind)}`);
}

/**
 * The Nats-Msg-Id: a retried publish of the same group carries the same id and is deduplicated by the
 * stream. The epoch is part of it so that a new leader's group over the same entry seqs (after the old
 * leader's attempt was refused) is never mistaken for a duplicate of the old one.
 */
export function groupMsgId(group: LogGroup): string {
  if (group.kind === "epoch-start") return `e${group.epoch}:start`;
  const first = group.entries[0];
  const last = group.entries[group.entries.length - 1];
  if (!first || !last) throw new Error("an entries group needs at least one entry");
  return `e${group.epoch}:${first.seq}-${last.seq}`;
}
