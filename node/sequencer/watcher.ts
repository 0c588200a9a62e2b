import type { Address, Hex } from "viem";
import { L1Error } from "../l1/errors.ts";
import { L1QueueWatcher, type LogAt } from "./l1-queue-watcher.ts";

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

function depositOf(args: Record<string, unknown>, at: LogAt): DepositEvent {
  const { index, pubKeyX, pubKeyY, amount, depositHash } = args;
  if (
    typeof index !== "bigint" ||
    typeof pubKeyX !== "bigint" ||
    typeof pubKeyY !== "bigint" ||
    typeof amount !== "bigint" ||
    typeof depositHash !== "bigint"
  )
    throw new L1Error("L1_BAD_DEPOSIT_LOG", "malformed Deposit log", { details: { txHash: at.txHash } });
  return { index, pubKeyX, pubKeyY, amount, depositHash, blockNumber: at.blockNumber, txHash: at.txHash };
}

/**
 * Delivers the Rollup's `Deposit` events strictly in index order, exactly once each from `fromIndex`
 * (a handler that throws gets the same deposit again): the queue walk of L1QueueWatcher.
 */
export class DepositWatcher extends L1QueueWatcher<DepositEvent> {
  constructor(params: DepositWatcherParameters) {
    const { onDeposit, ...rest } = params;
    super(
      { countFunction: "depositCount", eventName: "Deposit", decode: depositOf },
      { ...rest, onItem: onDeposit },
    );
  }
}
