/**
 * The proof queue and N provers (prover/queue.ts): a batch carrying a liquidation is taken first,
 * otherwise the lowest batch number (BullMQ: priority, then FIFO). Each proof's time is drawn from the
 * calibrated sample, times the per-host contention factor when provers share a host, and slowed by
 * the intake when they share the sequencer's host (slowdown.ts).
 */
import type { SealedBatch } from "./batcher.ts";
import { addBusy } from "./station.ts";

export interface ProofJob {
  batch: SealedBatch;
  enqueuedAt: number;
}

export class ProverPool {
  readonly #waiting: ProofJob[] = [];
  #idle: number;
  readonly busyMs: number[] = [];

  constructor(
    readonly provers: number,
    /** When a proof started at `start` ends (its drawn time, slowed by what shares its host). */
    private readonly proofEnd: (start: number) => number,
    /** Called with the proof's start and end; the caller schedules the end. */
    private readonly onStart: (job: ProofJob, startedAt: number, endsAt: number) => void,
  ) {
    this.#idle = provers;
  }

  enqueue(now: number, job: ProofJob): void {
    this.#waiting.push(job);
    this.#dispatch(now);
  }

  /** A prover finished its proof at `now`. */
  release(now: number): void {
    this.#idle++;
    this.#dispatch(now);
  }

  get queued(): number {
    return this.#waiting.length;
  }

  #dispatch(now: number): void {
    while (this.#idle > 0 && this.#waiting.length > 0) {
      let best = 0;
      for (let k = 1; k < this.#waiting.length; k++)
        if (before(this.#waiting[k]!, this.#waiting[best]!)) best = k;
      const [job] = this.#waiting.splice(best, 1);
      this.#idle--;
      const end = this.proofEnd(now);
      addBusy(this.busyMs, now, end);
      this.onStart(job!, now, end);
    }
  }
}

function before(a: ProofJob, b: ProofJob): boolean {
  const pa = a.batch.liquidations.length > 0 ? 0 : 1;
  const pb = b.batch.liquidations.length > 0 ? 0 : 1;
  return pa < pb || (pa === pb && a.batch.n < b.batch.n);
}
