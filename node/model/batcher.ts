/**
 * The open batch and the seal rules of sequencer/sequencer.ts, at the model's grain: a batch is full
 * at the calibrated normal-lane capacity (the real one is account, message and op slots), holds R
 * liquidations, one price per market before any other op, and seals by size, by its timer (2 s; 30 s
 * while it holds only prices), before a price that does not fit, or at once when a price moves the
 * mark by URGENT_PRICE_MOVE_BPS. With backpressure, while every prover has a sealed batch
 * (`sealedUnproven ≥ provers`), the timer waits and prices that do not fit are held, newest per market
 * wins; when a prover frees the batch seals at once ("Price batches" in docs/LANE.md).
 */
import type { Admission } from "../../sequencer/mempool/admission.ts";

export interface Liquidation {
  /** When the sequencer received the price that triggered it (the trace's trigger.at). */
  triggerAt: number;
}

export interface SealedBatch {
  n: number;
  openedAt: number;
  sealedAt: number;
  normalTxs: number;
  liquidationLaneTxs: number;
  liquidations: Liquidation[];
  reason: "full" | "capacity" | "price" | "timer";
}

export interface BatcherRules {
  normalTxsPerBatch: number;
  liquidationsPerBatch: number;
  maxWaitMs: number;
  priceOnlyWaitMs: number;
  urgentPriceMoveBps: number;
}

export interface PriceItem {
  marketId: number;
  price: bigint;
  receivedAt: number;
  liquidates: number;
}

class OpenBatch {
  normalTxs = 0;
  liquidationLaneTxs = 0;
  readonly prices = new Set<number>();
  readonly liquidations: Liquidation[] = [];
  constructor(
    readonly n: number,
    readonly openedAt: number,
  ) {}
  get isEmpty(): boolean {
    return this.normalTxs + this.liquidationLaneTxs === 0;
  }
  get onlyPrices(): boolean {
    return this.normalTxs === 0 && this.liquidations.length === 0;
  }
  acceptsPrice(m: number): boolean {
    return this.onlyPrices && !this.prices.has(m);
  }
}

export class Batcher {
  #open: OpenBatch;
  readonly #deferred = new Map<number, PriceItem[]>();
  #heldForPool = false;
  readonly #marks = new Map<number, bigint>();
  #sealedCount = 0;

  constructor(
    private readonly rules: BatcherRules,
    private readonly admission: Admission,
    /** Sealed minus proven-through (the admission view's `sealedUnproven`). */
    private readonly sealedUnproven: () => number,
    private readonly onSeal: (b: SealedBatch) => void,
  ) {
    this.#open = new OpenBatch(1, 0);
  }

  get openTxs(): number {
    return this.#open.normalTxs + this.#open.liquidationLaneTxs;
  }
  get sealed(): number {
    return this.#sealedCount;
  }
  get openedAt(): number {
    return this.#open.openedAt;
  }
  get openIsEmpty(): boolean {
    return this.#open.isEmpty;
  }
  /** When the open batch's timer is due (price-only batches wait longer). */
  get timerDueAt(): number {
    return this.#open.openedAt + (this.#open.onlyPrices ? this.rules.priceOnlyWaitMs : this.rules.maxWaitMs);
  }

  #poolBusy(): boolean {
    return this.sealedUnproven() >= Math.max(1, this.admission.capacity.provers);
  }

  #seal(now: number, reason: SealedBatch["reason"]): void {
    const b = this.#open;
    if (reason === "full") this.admission.capacity.observeFullBatch(b.normalTxs);
    this.#open = new OpenBatch(b.n + 1, now);
    this.#sealedCount++;
    this.onSeal({
      n: b.n,
      openedAt: b.openedAt,
      sealedAt: now,
      normalTxs: b.normalTxs,
      liquidationLaneTxs: b.liquidationLaneTxs,
      liquidations: b.liquidations,
      reason,
    });
  }

  /** A normal-lane tx the admission rule let in, applied now. */
  applyNormal(now: number): void {
    this.#applyDeferred(now);
    if (this.#open.normalTxs >= this.rules.normalTxsPerBatch) {
      this.admission.capacity.observeFullBatch(this.#open.normalTxs);
      this.#seal(now, "capacity");
    }
    this.#open.normalTxs++;
    if (this.#open.normalTxs >= this.rules.normalTxsPerBatch) this.#seal(now, "full");
    this.step(now);
  }

  /** A keeper/lab price (liquidation lane, never shed); the liquidations it triggers follow it. */
  applyPrice(now: number, p: PriceItem): void {
    this.#applyDeferred(now);
    this.#price(now, p);
    this.step(now);
  }

  #price(now: number, p: PriceItem): void {
    if (this.#shouldDefer(p)) {
      this.#deferred.set(p.marketId, [...(this.#deferred.get(p.marketId) ?? []), p]);
      return;
    }
    if (!this.#open.isEmpty && !this.#open.acceptsPrice(p.marketId)) this.#seal(now, "price");
    this.#open.prices.add(p.marketId);
    this.#open.liquidationLaneTxs++;
    this.#marks.set(p.marketId, p.price);
    for (let k = 0; k < p.liquidates; k++) {
      if (this.#open.liquidations.length >= this.rules.liquidationsPerBatch) this.#seal(now, "capacity");
      this.#open.liquidations.push({ triggerAt: p.receivedAt });
      this.#open.liquidationLaneTxs++;
    }
  }

  #shouldDefer(p: PriceItem): boolean {
    if (this.#open.acceptsPrice(p.marketId)) return false;
    if (this.#heldForPool && this.#deferred.has(p.marketId)) return true;
    if (this.#poolBusy()) {
      this.#heldForPool = true;
      return true;
    }
    if (!this.#open.onlyPrices) return false;
    const mark = this.#marks.get(p.marketId) ?? 0n;
    const move = p.price > mark ? p.price - mark : mark - p.price;
    return move * 10_000n < BigInt(this.rules.urgentPriceMoveBps) * mark;
  }

  /** Held prices the open batch can take now go in first, the newest per market (the rest resolve with it). */
  #applyDeferred(now: number): void {
    for (const [m, waiting] of [...this.#deferred]) {
      if (!this.#open.acceptsPrice(m)) continue;
      this.#deferred.delete(m);
      const newest = waiting[waiting.length - 1]!;
      // The engine sees only the newest mark, so it triggers what the older ones would have, and the
      // trace's trigger time is the newest's receipt (as Sequencer#readyDeferred does).
      const liquidates = waiting.reduce((s, w) => s + w.liquidates, 0);
      this.#price(now, { ...newest, liquidates });
    }
  }

  /**
   * The end of a sequencer step: the timer seal (unless the pool is busy) and the release of a price
   * held for the pool. Run after every apply, every proof, and when the timer is due.
   */
  step(now: number): void {
    this.#applyDeferred(now);
    const busy = this.#poolBusy();
    const release = this.#heldForPool && !busy;
    if (!this.#open.isEmpty && ((now >= this.timerDueAt && !busy) || release)) this.#seal(now, "timer");
    if (release) {
      this.#heldForPool = false;
      // The real loop applies the released price on its next step, a moment later.
      this.#applyDeferred(now);
    }
  }
}
