import type { LogRecord } from "./group.ts";

/**
 * Drops records of an epoch older than one already seen. With expected-last-sequence appends a stale
 * leader's group can never land after a newer leader's marker, so this should never drop anything; it
 * is a reader's second line of defence (a bug, a bucket recreated with revisions restarting, an
 * operator's manual publish), and a dropped record is reported rather than applied.
 */
export class EpochGate {
  #highest: number;

  constructor(highestSeen = 0) {
    this.#highest = highestSeen;
  }

  get highest(): number {
    return this.#highest;
  }

  /** True if the record may be applied; raises the highest epoch seen. */
  admit(record: Pick<LogRecord, "epoch">): boolean {
    if (record.epoch < this.#highest) return false;
    this.#highest = record.epoch;
    return true;
  }
}
