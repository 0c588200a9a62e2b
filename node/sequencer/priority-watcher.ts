import type { Address, Hex } from "viem";
import { retryWithBackoff, sleep } from "../../core/poll.ts";
import {
  FORCED_KIND_CODE,
  type ForcedRequest,
  type ForcedRequestKind,
} from "../../sequencer/proof/forced.ts";
import { createL1Clients, type L1Clients } from "../l1/clients.ts";
import { L1Error } from "../l1/errors.ts";
import { rollupAbi } from "../l1/rollup-abi.ts";

/** A PriorityRequest log that cannot be served as it stands (an unknown kind, an id the engine cannot hold). */
export class BadPriorityRequestError extends L1Error {
  override name = "BadPriorityRequestError";
}

/** A PriorityRequest event, as the engine takes it, plus where and until when L1 wants it served. */
export type PriorityRequestEvent = ForcedRequest & {
  /** Past both deadlines (block and time) anyone can stop the rollup (activateDesertMode). */
  deadlineBlock: bigint;
  deadlineTime: bigint;
  /** Queue hash after this request (`priorityHashes(index + 1)`). */
  priorityHash: bigint;
  blockNumber: bigint;
  txHash: Hex;
};

/** The event's arguments, as viem decodes them. */
export type PriorityRequestArgs = {
  index?: bigint;
  kind?: bigint;
  accountId?: bigint;
  pubKeyX?: bigint;
  pubKeyY?: bigint;
  amount?: bigint;
  to?: Address;
  deadlineBlock?: bigint;
  deadlineTime?: bigint;
  priorityHash?: bigint;
};

const KIND_OF = new Map<bigint, ForcedRequestKind>(
  Object.entries(FORCED_KIND_CODE).map(([k, code]) => [code, k as ForcedRequestKind]),
);

/**
 * The request a PriorityRequest log carries. Throws BadPriorityRequestError for a log the sequencer
 * cannot serve exactly: the proof hashes the request field for field, so an approximated account id
 * or a guessed kind would make the batch unprovable.
 */
export function priorityRequestOf(
  args: PriorityRequestArgs,
  at: { blockNumber: bigint; txHash: Hex },
): PriorityRequestEvent {
  const { index, kind, accountId, pubKeyX, pubKeyY, amount, to, deadlineBlock, deadlineTime, priorityHash } =
    args;
  if (
    index === undefined ||
    kind === undefined ||
    accountId === undefined ||
    pubKeyX === undefined ||
    pubKeyY === undefined ||
    amount === undefined ||
    to === undefined ||
    deadlineBlock === undefined ||
    deadlineTime === undefined ||
    priorityHash === undefined
  ) {
    throw new BadPriorityRequestError("L1_BAD_PRIORITY_REQUEST", "malformed PriorityRequest log", {
      details: { index: index?.toString(), txHash: at.txHash },
    });
  }
  const request = KIND_OF.get(kind);
  if (request === undefined)
    throw new BadPriorityRequestError("L1_BAD_PRIORITY_REQUEST", `unknown priority request kind ${kind}`, {
      details: { index: index.toString(), kind: kind.toString() },
    });
  // L1 bounds ids by the tree depth; a depth past 53 bits would not fit the engine's number ids.
  if (accountId > BigInt(Number.MAX_SAFE_INTEGER))
    throw new BadPriorityRequestError("L1_BAD_PRIORITY_REQUEST", `account id ${accountId} is not exact`, {
      details: { index: index.toString(), accountId: accountId.toString() },
    });
  return {
    priorityIndex: index,
    request,
    accountId: Number(accountId),
    pubKeyX,
    pubKeyY,
    amount,
    to: BigInt(to),
    deadlineBlock,
    deadlineTime,
    priorityHash,
    blockNumber: at.blockNumber,
    txHash: at.txHash,
  };
}

export type PriorityWatcherParameters = {
  rpcUrl: string;
  rollupAddress: Address;
  /** First queue index to deliver (the engine's nextPriorityIndex). */
  fromIndex: bigint;
  pollMs: number;
  /** Awaited before the next request is delivered; if it throws, the same request is offered again. */
  onRequest: (r: PriorityRequestEvent) => Promise<void> | void;
  /** Where to start scanning logs (e.g. the Rollup's deployment block). Default 0. */
  fromBlock?: bigint;
  /** Told about every RPC or handler error before the retry. */
  onError?: (err: unknown) => void;
  /** Most requests fetched per poll. Default 256. */
  maxPerPoll?: number;
};

/**
 * Delivers the Rollup's `PriorityRequest` events strictly in index order, exactly once each from
 * `fromIndex` (a handler that throws gets the same request again), as DepositWatcher does deposits:
 * `priorityCount()` says how many exist, the logs are fetched by their indexed `index` topic, and a
 * gap or a lagging log query just means "not yet".
 */
export class PriorityWatcher {
  readonly #p: PriorityWatcherParameters;
  readonly #clients: L1Clients;
  #next: bigint;
  /** Block of the last delivered request: later ones cannot be in earlier blocks. */
  #scanFrom: bigint;
  #running = false;
  #loop: Promise<void> | undefined;
  #stop = new AbortController();

  constructor(params: PriorityWatcherParameters) {
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

  /** Resolves after the request being delivered (if any) has been handled. */
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
        maxMs: Math.min(this.#p.pollMs * 32, 5000),
        signal,
        onError: (err) => this.#p.onError?.(err),
      });
      if (delivered === 0) await sleep(this.#p.pollMs, signal);
    }
  }

  /** One round: delivers every request from `#next` that the chain has, in order. Returns how many. */
  async #poll(): Promise<number> {
    const { publicClient } = this.#clients;
    const head = await publicClient.getBlockNumber();
    const count = await publicClient.readContract({
      address: this.#p.rollupAddress,
      abi: rollupAbi,
      functionName: "priorityCount",
      blockNumber: head,
    });
    if (count <= this.#next) return 0;
    const fromBlock = this.#scanFrom <= head ? this.#scanFrom : 0n;
    const want = Math.min(Number(count - this.#next), this.#p.maxPerPoll ?? 256);
    const indices = Array.from({ length: want }, (_, i) => this.#next + BigInt(i));
    const logs = await publicClient.getContractEvents({
      address: this.#p.rollupAddress,
      abi: rollupAbi,
      eventName: "PriorityRequest",
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
      const r = priorityRequestOf(log.args, { blockNumber: log.blockNumber, txHash: log.transactionHash });
      await this.#p.onRequest(r);
      this.#next = r.priorityIndex + 1n;
      this.#scanFrom = log.blockNumber;
      delivered++;
    }
    return delivered;
  }
}
