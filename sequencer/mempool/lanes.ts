import { BaseError } from "../../core/errors.ts";
import type { Signature } from "../crypto/eddsa.ts";
import type { EngineTx } from "../engine/types.ts";

export type LaneName = "liquidation" | "normal";

export interface PendingTx {
  lane: LaneName;
  tx: EngineTx;
  /** The signature the proof checks, over `signedMessageOf(tx)`; the API verified it. */
  signature?: Signature;
  receivedAt: number;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export class OverloadedError extends BaseError {
  override name = "OverloadedError";
  constructor(queued: number, limit: number) {
    super("OVERLOADED", `the normal lane holds ${queued} requests (limit ${limit}); retry later`, {
      details: { queued, limit },
    });
  }
}

/**
 * Two FIFO lanes. The liquidation lane (liquidations and oracle prices, which trigger them) is always
 * drained first and is never shed, so a flood of ordinary orders cannot delay risk reduction: the
 * failure mode of 11 Oct 2025. The normal lane is bounded and sheds load with a typed error instead
 * of queueing without limit.
 */
export class Lanes {
  readonly #liquidation: PendingTx[] = [];
  readonly #normal: PendingTx[] = [];
  #wake: (() => void) | undefined;

  readonly #fifo: boolean;

  /** `fifo`: the lane-off baseline, every request in arrival order in one queue (never shed by size). */
  constructor(
    readonly maxNormal: number,
    o: { fifo?: boolean } = {},
  ) {
    this.#fifo = o.fifo ?? false;
  }

  push(item: PendingTx): void {
    if (this.#fifo && item.lane === "liquidation") {
      this.#normal.push(item);
    } else if (item.lane === "normal") {
      if (this.#normal.length >= this.maxNormal)
        throw new OverloadedError(this.#normal.length, this.maxNormal);
      this.#normal.push(item);
    } else {
      this.#liquidation.push(item);
    }
    this.#wake?.();
  }

  /** Takes up to `max` items, liquidation lane first. */
  take(max: number): PendingTx[] {
    const out = this.#liquidation.splice(0, max);
    if (out.length < max) out.push(...this.#normal.splice(0, max - out.length));
    return out;
  }

  /** Puts items back at the head of their lanes, in order (used when a batch must be sealed first). */
  unshift(items: readonly PendingTx[]): void {
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i]!;
      (item.lane === "liquidation" ? this.#liquidation : this.#normal).unshift(item);
    }
  }

  get size(): { liquidation: number; normal: number } {
    return { liquidation: this.#liquidation.length, normal: this.#normal.length };
  }

  /** Ends a pending `waitForWork` now (used on shutdown). */
  interrupt(): void {
    this.#wake?.();
  }

  /** Resolves when something is pushed (or after `ms`, so timers such as batch sealing still run). */
  waitForWork(ms: number): Promise<void> {
    if (this.#liquidation.length + this.#normal.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(t);
        self.#wake = undefined;
        resolve();
      }
      this.#wake = done;
    });
  }
}
