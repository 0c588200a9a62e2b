import type { Address, Hex } from "viem";
import { retryWithBackoff, sleep } from "../../core/poll.ts";
import { createL1Clients, type L1Clients } from "../l1/clients.ts";
import { rollupAbi } from "../l1/rollup-abi.ts";

export type DepositEvent = {
  /** 0-based position in the Rollup's deposit queue. */
  index: bigint;
  pubKeyX: bigint;
  pubKeyY: bigint;
  amount: bigint;
  /** Queue hash after this deposit (`depositHashes(index + 1)`). */
  depositHash: bigint;
  blockNumber: bigint;
  txHash: Hex;
};

export type DepositWatcherParameters = {
  rpcUrl: string;
  rollupAddress: Address;
  /** First queue index to deliver. */
  fromIndex: bigint;
  pollMs: number;
  /** Awaited before the next deposit is delivered; if it throws, the same deposit is offered again. */
  onDeposit: (d: DepositEvent) => Promise<void> | void;
  /** Where to start scanning logs (e.g. the Rollup's deployment block). Default 0. */
  fromBlock?: bigint;
  /** Told about every RPC or handler error before the retry. */
  onError?: (err: unknown) => void;
  /** Most deposits fetched per poll. Default 256. */
  maxPerPoll?: number;
};

/**
 * Delivers the Rollup's `Deposit` events strictly in index order, exactly once each from `fromIndex`
 * (a handler that throws gets the same deposit again). `depositCount()` says how many exist; the logs are
 * then fetched by their indexed `index` topic, so a gap or a lagging log query just means "not yet".
 */
export class DepositWatcher {
  readonly #p: DepositWatcherParameters;
  readonly #clients: L1Clients;
  #next: bigint;
  /** Block of the last delivered deposit: later ones cannot be in earlier blocks. */
  #scanFrom: bigint;
  #running = false;
  #loop: Promise<void> | undefined;
  /** Aborted by stop(): cuts short any pause. */
  #stop = new AbortController();

  constructor(params: DepositWatcherParameters) {
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

  /** Resolves after the deposit being delivered (if any) has been handled. */
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

  /** One round: delivers every deposit from `#next` that the chain has, in order. Returns how many. */
  async #poll(): Promise<number> {
    const { publicClient } = this.#clients;
    const head = await publicClient.getBlockNumber();
    const count = await publicClient.readContract({
      address: this.#p.rollupAddress,
      abi: rollupAbi,
      functionName: "depositCount",
      blockNumber: head,
    });
    if (count <= this.#next) return 0;
    // After an Anvil restart from an older state the head can be behind our cursor.
    const fromBlock = this.#scanFrom <= head ? this.#scanFrom : 0n;

    const want = Math.min(Number(count - this.#next), this.#p.maxPerPoll ?? 256);
    const indices = Array.from({ length: want }, (_, i) => this.#next + BigInt(i));
    const logs = await publicClient.getContractEvents({
      address: this.#p.rollupAddress,
      abi: rollupAbi,
      eventName: "Deposit",
      args: { index: indices },
      fromBlock,
      toBlock: head,
    });
    const byIndex = new Map<bigint, (typeof logs)[number]>();
    for (const log of logs)
      if (!log.removed && log.args.index !== undefined) byIndex.set(log.args.index, log);

    let delivered = 0;
    while (this.#running) {
      const log = byIndex.get(this.#next);
      if (!log) break;
      const { index, pubKeyX, pubKeyY, amount, depositHash } = log.args;
      if (
        index === undefined ||
        pubKeyX === undefined ||
        pubKeyY === undefined ||
        amount === undefined ||
        depositHash === undefined
      ) {
        throw new Error(`malformed Deposit log at index ${this.#next}`);
      }
      await this.#p.onDeposit({
        index,
        pubKeyX,
        pubKeyY,
        amount,
        depositHash,
        blockNumber: log.blockNumber,
        txHash: log.transactionHash,
      });
      this.#next = index + 1n;
      this.#scanFrom = log.blockNumber;
      delivered++;
    }
    return delivered;
  }
}
