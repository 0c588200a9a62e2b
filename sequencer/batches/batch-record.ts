/** Lifecycle of a batch: sealed by the sequencer, proving on a worker, proven, verified on L1. */
export type BatchStatus = "sealed" | "proving" | "proven" | "verified";

export interface BatchWithdrawal {
  accountId: bigint;
  to: `0x${string}`;
  amount: bigint;
}

export interface BatchRecord {
  batchNumber: bigint;
  status: BatchStatus;
  /** A batch that carries a liquidation is proven first (higher queue priority). */
  priority: "liquidation" | "normal";
  txCount: number;
  firstSeq: bigint;
  lastSeq: bigint;
  touched: number[];
  oldStateRoot: bigint;
  newStateRoot: bigint;
  publicHash: bigint;
  depositCount: bigint;
  /** Priority requests the batch serves, after the Rollup's priorityConsumed (submitBatch's priorityCount). */
  priorityCount: bigint;
  depositHashOld: bigint;
  depositHashNew: bigint;
  /** The batch's proven time (ms): order expiry is checked against it, L1 keeps it monotonic. */
  batchTimeMs: bigint;
  withdrawals: BatchWithdrawal[];
  /** The published data words (sequencer/proof/batch-data.ts), public inputs of the proof after publicHash. */
  data: bigint[];
  /** Circuit input (decimal strings), kept so a restart can re-enqueue the proof without recomputing. */
  input: Record<string, unknown>;
  proof?: bigint[];
  proverId?: string;
  l1TxHash?: `0x${string}`;
  l1Block?: bigint;
  gasUsed?: bigint;
  /** Wall-clock milliseconds per stage; observability only, never part of the state. */
  times: {
    opened: number;
    sealed: number;
    provingStarted?: number;
    proven?: number;
    submitted?: number;
    verified?: number;
  };
}
