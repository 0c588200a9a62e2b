import type { Logger } from "pino";
import { SeededRandom } from "../../core/random.ts";
import { devKey, signMessage } from "../../sequencer/crypto/keys.ts";
import { priceMessage } from "../../sequencer/crypto/messages.ts";
import { ApiClient } from "../client/api-client.ts";

export interface KeeperOptions {
  apiUrl: string;
  keeperSeed: string;
  randomSeed: string;
  startPrices: bigint[];
  /** Largest one-step move, in basis points. */
  volBps: number;
  /** Prices are rounded to this many micro-USDC so they sit on every market's tick. */
  tick: bigint;
  intervalMs: number;
  clock: () => number;
  log: Logger;
}

/** Next price of a bounded random walk: p·(1 + u·vol), u uniform in [-1, 1), rounded to the tick. */
export function nextPrice(p: bigint, u: number, volBps: number, tick: bigint): bigint {
  const stepBps = BigInt(Math.round((u * 2 - 1) * volBps * 100));
  const raw = p + (p * stepBps) / 1_000_000n;
  const rounded = (raw / tick) * tick;
  return rounded > tick ? rounded : tick;
}

/** The oracle keeper: signs index prices with its key and pushes them to the sequencer. */
export function startKeeper(o: KeeperOptions): { stop(): void; prices(): bigint[] } {
  const rng = new SeededRandom(o.randomSeed);
  const { prv } = devKey(o.keeperSeed);
  const prices = [...o.startPrices];
  // A price is never resent after a lost answer: the next tick's is newer anyway.
  const api = new ApiClient(o.apiUrl, { overloadRetryMs: 0, timeoutMs: 3_000 });
  let stopped = false;
  const tick = async () => {
    for (let marketId = 0; marketId < prices.length; marketId++) {
      prices[marketId] = nextPrice(prices[marketId]!, rng.next(), o.volBps, o.tick);
      const body = { marketId, price: prices[marketId]!, timestampMs: BigInt(o.clock()) };
      const signature = signMessage(prv, priceMessage(body));
      await api
        .post("/prices", {
          marketId,
          price: body.price.toString(),
          timestampMs: body.timestampMs.toString(),
          signature,
        })
        .catch((err: unknown) => o.log.warn({ marketId, err: String(err) }, "price rejected"));
    }
  };
  const loop = async () => {
    while (!stopped) {
      await tick().catch((err) => o.log.warn({ err }, "keeper tick failed"));
      await new Promise((r) => setTimeout(r, o.intervalMs));
    }
  };
  void loop();
  return {
    stop() {
      stopped = true;
    },
    prices: () => [...prices],
  };
}
