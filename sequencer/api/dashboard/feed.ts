/**
 * One snapshot ticker shared by every open dashboard: however many tabs watch, the snapshot is built
 * once per tick, and the timer runs only while someone listens.
 */
import type { DashboardSnapshot } from "./types.ts";

export type SnapshotListener = (json: string) => void;

export interface DashboardFeedOptions {
  build: () => Promise<DashboardSnapshot>;
  everyMs: number;
  onError?: (err: unknown) => void;
}

export class DashboardFeed {
  readonly #o: DashboardFeedOptions;
  readonly #listeners = new Set<SnapshotListener>();
  #timer: NodeJS.Timeout | undefined;
  #building = false;

  constructor(o: DashboardFeedOptions) {
    this.#o = o;
  }

  get listeners(): number {
    return this.#listeners.size;
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** Sends `fn` a snapshot now and one every tick after; the returned function unsubscribes. */
  subscribe(fn: SnapshotListener): () => void {
    this.#listeners.add(fn);
    void this.#once(fn);
    if (!this.#timer) this.#timer = setInterval(() => void this.#tick(), this.#o.everyMs);
    return () => {
      this.#listeners.delete(fn);
      if (this.#listeners.size === 0) this.stop();
    };
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #once(fn: SnapshotListener): Promise<void> {
    const json = await this.#json();
    if (json !== undefined && this.#listeners.has(fn)) fn(json);
  }

  async #tick(): Promise<void> {
    // A slow build (L1 or Redis lagging) skips ticks rather than piling them up.
    if (this.#building) return;
    this.#building = true;
    try {
      const json = await this.#json();
      if (json !== undefined) for (const fn of this.#listeners) fn(json);
    } finally {
      this.#building = false;
    }
  }

  async #json(): Promise<string | undefined> {
    try {
      return JSON.stringify(await this.#o.build());
    } catch (err) {
      this.#o.onError?.(err);
      return undefined;
    }
  }
}
