/**
 * The L1 submitter (node/sequencer/submitter.ts): batches go to L1 strictly in order, because the
 * Rollup takes a batch only on top of the last verified root, so a proven batch waits for every batch
 * before it. `maxInFlight` 1 is the implementation (send, wait for the receipt, next).
 */
import { addBusy } from "./station.ts";

export class L1Submitter {
  readonly #proven = new Set<number>();
  #next = 1;
  #inFlight = 0;
  #lastVerified = 0;
  #lastVerifyAt = 0;
  readonly busyMs: number[] = [];
  /** Gas landed per 1-second bin (for the reference-L1 gas-per-block utilisation). */
  readonly gasPerS: number[] = [];

  /** Batches already in each block of the reference L1 (block k ends at (k + 1) · blockTimeMs). */
  readonly #inBlock = new Map<number, number>();

  constructor(
    private readonly maxInFlight: number,
    private readonly inclusionMs: () => number,
    private readonly gasPerBatch: number,
    /** The caller schedules verification of batch `n` at `at`. */
    private readonly onSubmit: (n: number, submittedAt: number, verifiedAt: number) => void,
    /**
     * A reference L1 instead of the devnet's Anvil (which mines each transaction at once): a batch
     * lands at the end of the first block with gas room left, at most floor(gas limit ÷ gas per batch)
     * batches a block.
     */
    private readonly blocks?: { blockGasLimit: number; blockTimeMs: number },
  ) {}

  #landing(now: number): number {
    if (!this.blocks) return now + this.inclusionMs();
    const cap = Math.max(1, Math.floor(this.blocks.blockGasLimit / this.gasPerBatch));
    let k = Math.floor(now / this.blocks.blockTimeMs);
    while ((this.#inBlock.get(k) ?? 0) >= cap) k++;
    this.#inBlock.set(k, (this.#inBlock.get(k) ?? 0) + 1);
    return (k + 1) * this.blocks.blockTimeMs;
  }

  proven(now: number, n: number): void {
    this.#proven.add(n);
    this.#pump(now);
  }

  verified(now: number, n: number): void {
    this.#inFlight--;
    this.#lastVerified = Math.max(this.#lastVerified, n);
    const k = Math.floor(now / 1000);
    while (this.gasPerS.length <= k) this.gasPerS.push(0);
    this.gasPerS[k]! += this.gasPerBatch;
    this.#pump(now);
  }

  get lastVerified(): number {
    return this.#lastVerified;
  }

  #pump(now: number): void {
    while (this.#inFlight < this.maxInFlight && this.#proven.has(this.#next)) {
      this.#proven.delete(this.#next);
      // In order on L1 too: a later batch cannot land before an earlier one.
      const end = Math.max(this.#landing(now), this.#lastVerifyAt);
      this.#lastVerifyAt = end;
      this.#inFlight++;
      if (this.maxInFlight === 1) addBusy(this.busyMs, now, end);
      this.onSubmit(this.#next, now, end);
      this.#next++;
    }
  }
}
