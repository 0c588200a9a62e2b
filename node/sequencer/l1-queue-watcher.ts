import type { Address, Hex } from "viem";
import { retryWithBackoff, sleep } from "../../core/poll.ts";
import { createL1Clients, type L1Clients } from "../l1/clients.ts";
import { rollupAbi } from "../l1/rollup-abi.ts";

/** Where a queue item's log is on L1. */
export type LogAt = { blockNumber: bigint; txHash: Hex };

/** One of the Rollup's L1 → L2 queues: how many items it has, and the event that carries each. */
export interface QueueSpec<T> {
  countFunction: "depositCount" | "priorityCount";
  eventName: "Deposit" | "PriorityRequest";
  /** The item a log carries (its arguments as viem decodes them); throws for a log it cannot serve. */
  decode: (args: Record<string, unknown>, at: LogAt) => T;
}

export type QueueWatcherParameters<T> = {
  rpcUrl: string;
  rollupAddress: Address;
  /** First queue index to deliver. */
  fromIndex: bigint;
  pollMs: number;
  /** Awaited before the next item is delivered; if it throws, the same item is offered again. */
  onItem: (item: T) => Promise<void> | void;
  /** Where to start scanning logs (e.g. the Rollup's deployment block). Default 0. */
  fromBlock?: bigint;
  /** Told about every RPC or handler error before the retry. */
  onError?: (err: unknown) => void;
  /** Most items fetched per poll. Default 256. */
  maxPerPoll?: number;
};

type QueueLog = {
  args: Record<string, unknown>;
  removed: boolean;
  blockNumber: bigint;
  transactionHash: Hex;
};

/**
 * Delivers a Rollup queue's events (deposits, priority requests) strictly in index order, exactly once
 * each from `fromIndex` (a handler that throws gets the same item again). The count view says how many
 * exist; the logs are then fetched by their indexed `index` topic, so a gap or a lagging log query just
 * means "not yet".
 */
export class L1QueueWatcher<T> {
  readonly #spec: QueueSpec<T>;
  readonly #p: QueueWatcherParameters<T>;
  readonly #clients: L1Clients;
  #next: bigint;
  /** Block of the last delivered item: later ones cannot be in earlier blocks. */
  #scanFrom: bigint;
  #running = false;
  #loop: Promise<void> | undefined;
  /** Aborted by stop(): cuts short any pause. */
  #stop = new AbortController();

  constructor(spec: QueueSpec<T>, params: QueueWatcherParameters<T>) {
    this.#spec = spec;
    this.#p = params;
    this.#next = params.fromIndex;
    this.#scanFrom = params.fromBlock ?? 0n;
    this.#clients = createL1Clients({ rpcUrl: params.rpcUrl });
  }

  /** The next index to be delivered. */
  get nextIndex(): bigint {
    return this.#next;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stop = new AbortController();
    this.#loop = this.#run();
  }

  /** Resolves after the item being delivered (if any) has been handled. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#stop.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const { signal } = this.#stop;
    while (this.#running) {
      const delivered = await retryWithBackoff(() => this.#poll(), {
        minMs: this.#p.pollMs,
        // At most 32 polls or 5 s: a short poll (tests, a fast chain) also recovers fast.
        maxMs: Math.min(this.#p.pollMs * 32, 5000),
        signal,
        onError: (err) => this.#p.onError?.(err),
      });
      if (delivered === 0) await sleep(this.#p.pollMs, signal);
    }
  }

  /** One round: delivers every item from `#next` that the chain has, in order. Returns how many. */
  async #poll(): Promise<number> {
    const { publicClient } = this.#clients;
    const head = await publicClient.getBlockNumber();
    const count = await publicClient.readContract({
      address: this.#p.rollupAddress,
      abi: rollupAbi,
      functionName: this.#spec.countFunction,
      blockNumber: head,
    });
    if (count <= this.#next) return 0;
    // After an Anvil restart from an older state the head can be behind our cursor.
    const fromBlock = this.#scanFrom <= head ? this.#scanFrom : 0n;

    const want = Math.min(Number(count - this.#next), this.#p.maxPerPoll ?? 256);
    const indices = Array.from({ length: want }, (_, i) => this.#next + BigInt(i));
    const logs = (await publicClient.getContractEvents({
      address: this.#p.rollupAddress,
      abi: rollupAbi,
      eventName: this.#spec.eventName,
      args: { index: indices },
      fromBlock,
      toBlock: head,
    })) as unknown as QueueLog[];
    const byIndex = new Map<bigint, QueueLog>();
    for (const log of logs) {
      const index = log.args.index;
      if (!log.removed && typeof index === "bigint") byIndex.set(index, log);
    }

    let delivered = 0;
    while (this.#running) {
      const log = byIndex.get(this.#next);
      if (!log) break;
      const item = this.#spec.decode(log.args, { blockNumber: log.blockNumber, txHash: log.transactionHash });
      await this.#p.onItem(item);
      this.#next += 1n;
      this.#scanFrom = log.blockNumber;
      delivered++;
    }
    return delivered;
  }
}
