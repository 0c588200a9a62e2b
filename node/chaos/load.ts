/**
 * The chaos run's own steady load: a few traders, each sending one signed order at a time on a fixed
 * schedule, crossing each other near a fixed price so batches carry fills. Every answer is sorted:
 * acknowledged (recorded: account and nonce, the invariant checks that the leader holds it), refused
 * with a code (changed nothing), or lost (no answer: the order may or may not have been applied, so the
 * trader reads its nonce back from the leader before signing again).
 */
import { type ApiClient, ApiError, postPrice, Trader } from "../client/api-client.ts";

export interface Ack {
  accountId: number;
  nonce: bigint;
  at: number;
}

export interface LoadCounts {
  sent: number;
  acked: number;
  /** Refusals by code: the request changed nothing. */
  refused: Record<string, number>;
  /** No answer (connection refused, reset, timed out): outcome unknown until the nonce is read back. */
  lost: number;
}

export interface LoadOptions {
  /** Orders a second over all traders. */
  ratePerS: number;
  marketId: number;
  /** Index price the harness posts as the keeper, and the orders' centre. */
  price: bigint;
  keeperPrv: Uint8Array;
  priceEveryMs?: number;
}

export interface LoadTrader {
  prv: Uint8Array;
  accountId: number;
}

export class ChaosLoad {
  readonly acks: Ack[] = [];
  readonly counts: LoadCounts = { sent: 0, acked: 0, refused: {}, lost: 0 };
  /** Acknowledged orders per whole second of the run (the timeline plot). */
  readonly ackedPerS: number[] = [];
  #running = false;
  #loops: Promise<void>[] = [];
  #startedAt = 0;
  #lastPriceTs = 0;

  constructor(
    /** One client over every sequencer endpoint: it follows the leader (ApiClient failover). */
    readonly api: ApiClient,
    readonly traders: readonly LoadTrader[],
    readonly o: LoadOptions,
  ) {}

  start(): void {
    this.#running = true;
    this.#startedAt = Date.now();
    const gapMs = (1000 * this.traders.length) / this.o.ratePerS;
    this.#loops = this.traders.map((t, i) => this.#trade(t, i, gapMs));
    this.#loops.push(this.#prices());
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
  }

  /** The highest acknowledged nonce per account. */
  highestAcked(): Map<number, bigint> {
    const m = new Map<number, bigint>();
    for (const a of this.acks) if ((m.get(a.accountId) ?? 0n) < a.nonce) m.set(a.accountId, a.nonce);
    return m;
  }

  async #trade(t: LoadTrader, i: number, gapMs: number): Promise<void> {
    let trader: Trader | undefined;
    let k = 0;
    // Staggered so the traders do not all send in the same millisecond.
    let due = Date.now() + (gapMs * i) / this.traders.length;
    while (this.#running) {
      await sleep(Math.max(0, due - Date.now()));
      due += gapMs;
      if (!this.#running) break;
      if (!trader) {
        trader = await this.#attach(t);
        if (!trader) continue;
      }
      const side = (i + k++) % 2 === 0 ? "buy" : "sell";
      // Buys a tick above and sells a tick below the centre: any two opposite orders cross.
      const tick = this.o.price / 1000n;
      const price = side === "buy" ? this.o.price + tick : this.o.price - tick;
      const nonce = trader.nonce;
      this.counts.sent++;
      try {
        await trader.order({ marketId: this.o.marketId, side, type: "limit", tif: "GTC", price, size: 1n });
        this.#acked(t.accountId, nonce);
      } catch (err) {
        if (err instanceof ApiError) {
          this.counts.refused[err.code] = (this.counts.refused[err.code] ?? 0) + 1;
          if (err.code === "BAD_NONCE" || err.code === "NOT_LEADER") trader = undefined;
        } else {
          this.counts.lost++;
          // A paused leader times out rather than refusing: try the others too.
          this.api.moveOn();
          trader = undefined;
        }
      }
    }
  }

  #acked(accountId: number, nonce: bigint): void {
    const at = Date.now();
    this.acks.push({ accountId, nonce, at });
    this.counts.acked++;
    const s = Math.floor((at - this.#startedAt) / 1000);
    while (this.ackedPerS.length <= s) this.ackedPerS.push(0);
    this.ackedPerS[s]!++;
  }

  /** The account's next nonce as the current leader has it; undefined while no leader answers. */
  async #attach(t: LoadTrader): Promise<Trader | undefined> {
    try {
      return await Trader.atAccount(this.api, t.prv, t.accountId);
    } catch {
      this.api.moveOn();
      return undefined;
    }
  }

  async #prices(): Promise<void> {
    const every = this.o.priceEveryMs ?? 3_000;
    while (this.#running) {
      this.#lastPriceTs = Math.max(Date.now(), this.#lastPriceTs + 1);
      try {
        await postPrice(this.api, this.o.keeperPrv, this.o.marketId, this.o.price, BigInt(this.#lastPriceTs));
      } catch {
        // The next tick goes wherever the client found the leader; a missed price is no fault.
      }
      await sleep(every);
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
