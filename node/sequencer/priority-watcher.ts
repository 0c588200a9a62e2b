import type { Address, Hex } from "viem";
import {
  FORCED_KIND_CODE,
  type ForcedRequest,
  type ForcedRequestKind,
} from "../../sequencer/proof/forced.ts";
import { L1Error } from "../l1/errors.ts";
import { L1QueueWatcher } from "./l1-queue-watcher.ts";

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
 * `fromIndex` (a handler that throws gets the same request again): the queue walk of L1QueueWatcher.
 */
export class PriorityWatcher extends L1QueueWatcher<PriorityRequestEvent> {
  constructor(params: PriorityWatcherParameters) {
    const { onRequest, ...rest } = params;
    super(
      {
        countFunction: "priorityCount",
        eventName: "PriorityRequest",
        decode: (args, at) => priorityRequestOf(args as PriorityRequestArgs, at),
      },
      { ...rest, onItem: onRequest },
    );
  }
}
