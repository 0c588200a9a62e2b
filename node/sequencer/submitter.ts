import type { Address, Hex, TransactionReceipt } from "viem";
import { retryWithBackoff, sleep } from "../../core/poll.ts";
import { createL1Clients, type L1Clients } from "../l1/clients.ts";
import { BadProvenBatchError, SubmitRevertedError } from "../l1/errors.ts";
import { decodeRollupRevert } from "../l1/revert.ts";
import { rollupAbi } from "../l1/rollup-abi.ts";

export type ProvenBatch = {
  batchNumber: bigint;
  oldStateRoot: bigint;
  newStateRoot: bigint;
  depositCount: bigint;
  /** Priority requests the batch serves, in queue order after the Rollup's priorityConsumed. */
  priorityCount: bigint;
  withdrawals: { accountId: bigint; to: Address; amount: bigint }[];
  /** The batch's proven time (ms), which the Rollup keeps monotonic and near its block time. */
  batchTimeMs: bigint;
  /** The published data words (sequencer/proof/batch-data.ts), public inputs of the proof. */
  data: readonly bigint[];
  /** [a0, a1, b00, b01, b10, b11, c0, c1] in snarkjs `exportSolidityCallData` order. */
  proof: readonly bigint[];
};

export type SubmitterEvent = {
  type: "submitted" | "verified" | "failed";
  batchNumber: bigint;
  txHash?: Hex;
  gasUsed?: bigint;
  blockNumber?: bigint;
  error?: unknown;
};

export type L1SubmitterParameters = {
  rpcUrl: string;
  operatorKey: Hex;
  rollupAddress: Address;
  /** How often to look for the next proven batch (and the base of the retry backoff). */
  pollMs: number;
  /** The proven batch `n`, or undefined while it is not proven yet. */
  getProven: (n: bigint) => Promise<ProvenBatch | undefined>;
  onEvent: (e: SubmitterEvent) => void;
  /** Give up waiting for a receipt after this long and resync from L1 (a dropped tx). Default 60 s. */
  receiptTimeoutMs?: number;
};

/**
 * Posts proven batches to the Rollup strictly in batch order. L1's `lastVerifiedBatch()` is the source of
 * truth: every step re-reads it and sends exactly `lastVerifiedBatch + 1`, so a restart of this process, an
 * Anvil restart or a dropped transaction can never skip or reorder a batch; at worst a batch is sent twice
 * and the contract refuses the second copy with `BatchAlreadyVerified`.
 *
 * Events: `submitted` when a tx is sent; `verified` exactly once per batch this instance sees become
 * verified on L1 (with receipt data when it was our tx); `failed` on each error before a retry.
 */
export class L1Submitter {
  readonly #p: L1SubmitterParameters;
  readonly #clients: L1Clients;
  #running = false;
  #loop: Promise<void> | undefined;
  /** Aborted by stop(): cuts short any pause and any wait for a receipt. */
  #stop = new AbortController();
  #stopped: Promise<void> = Promise.resolve();
  /** Highest batch reported `verified` (initialised from L1 at the first read). */
  #verifiedUpTo: bigint | undefined;
  /** Our last tx whose batch we have not yet seen verified, so its receipt can be reported. */
  #inFlight: { batchNumber: bigint; hash: Hex } | undefined;

  constructor(params: L1SubmitterParameters) {
    this.#p = params;
    this.#clients = createL1Clients({ rpcUrl: params.rpcUrl, privateKey: params.operatorKey });
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const stop = new AbortController();
    this.#stop = stop;
    this.#stopped = new Promise((resolve) => stop.signal.addEventListener("abort", () => resolve()));
    this.#loop = this.#run();
  }

  /** Stops after the current RPC call; a tx already sent stays sent (a later start picks up from L1). */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#stop.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const { signal } = this.#stop;
    let batchNumber = 1n;
    while (this.#running) {
      const progressed = await retryWithBackoff(
        async () => {
          batchNumber = (this.#verifiedUpTo ?? 0n) + 1n;
          const last = await this.#readLastVerified();
          batchNumber = last + 1n;
          return this.#step(batchNumber);
        },
        {
          minMs: this.#p.pollMs,
          // At most 32 polls or 5 s: a short poll (tests, a fast chain) also recovers fast.
          maxMs: Math.min(this.#p.pollMs * 32, 5000),
          signal,
          onError: (error) => this.#p.onEvent({ type: "failed", batchNumber, error }),
        },
      );
      if (progressed === false) await sleep(this.#p.pollMs, signal);
    }
  }

  /** Reads `lastVerifiedBatch()` and reports every batch that became verified since the last read. */
  async #readLastVerified(): Promise<bigint> {
    const last = await this.#clients.publicClient.readContract({
      address: this.#p.rollupAddress,
      abi: rollupAbi,
      functionName: "lastVerifiedBatch",
    });
    if (this.#verifiedUpTo === undefined) this.#verifiedUpTo = last;
    for (let n = this.#verifiedUpTo + 1n; n <= last; n++) {
      const inFlight = this.#inFlight?.batchNumber === n ? this.#inFlight : undefined;
      const receipt = inFlight ? await this.#tryReceipt(inFlight.hash) : undefined;
      this.#reportVerified(n, receipt);
    }
    return last;
  }

  /** Sends batch `n` if it is proven and waits for the outcome. Returns false when there is nothing to do. */
  async #step(n: bigint): Promise<boolean> {
    const batch = await this.#p.getProven(n);
    if (!batch || !this.#running) return false;
    if (batch.batchNumber !== n || batch.proof.length !== 8) {
      throw new BadProvenBatchError("L1_BAD_PROVEN_BATCH", `getProven(${n}) returned an unusable batch`, {
        details: { asked: n, got: batch.batchNumber, proofWords: batch.proof.length },
      });
    }
    const hash = await this.#send(batch);
    if (hash === undefined) return true; // already verified on L1: the next read reports it
    this.#inFlight = { batchNumber: n, hash };
    this.#p.onEvent({ type: "submitted", batchNumber: n, txHash: hash });

    const receipt = await Promise.race([
      this.#clients.publicClient.waitForTransactionReceipt({
        hash,
        timeout: this.#p.receiptTimeoutMs ?? 60_000,
      }),
      this.#stopped.then(() => undefined),
    ]);
    if (!receipt) return true;
    if (receipt.status === "success") {
      this.#reportVerified(n, receipt);
      return true;
    }
    // Reverted on chain: if an earlier copy of this batch got in first, the next read reports it verified.
    const last = await this.#readLastVerified();
    if (last >= n) return true;
    throw new SubmitRevertedError("L1_SUBMIT_REVERTED", `submitBatch(${n}) reverted on chain`, {
      details: { batchNumber: n, txHash: hash, blockNumber: receipt.blockNumber },
    });
  }

  /** Simulates first (so custom-error reverts come back decoded and cost no gas), then sends. */
  async #send(batch: ProvenBatch): Promise<Hex | undefined> {
    const { publicClient, walletClient, account } = this.#clients;
    if (!walletClient || !account) throw new Error("unreachable: the submitter always has a key");
    const proof = batch.proof as unknown as readonly [
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
    ];
    try {
      const { request } = await publicClient.simulateContract({
        account,
        // On the block the tx will be mined in, not the latest: the Rollup checks batchTimeMs against its
        // block's time, and on a chain without traffic (Anvil mines only on a tx) the latest block can be
        // minutes old. Checked there, every fresh batch would look too far ahead (BatchTimeInFuture), and
        // as nothing would be sent, no newer block would ever come.
        blockTag: "pending",
        address: this.#p.rollupAddress,
        abi: rollupAbi,
        functionName: "submitBatch",
        args: [
          batch.batchNumber,
          batch.oldStateRoot,
          batch.newStateRoot,
          batch.depositCount,
          batch.priorityCount,
          batch.withdrawals,
          batch.batchTimeMs,
          batch.data,
          proof,
        ],
      });
      return await walletClient.writeContract({ ...request, chain: null });
    } catch (err) {
      const revert = decodeRollupRevert(err);
      if (revert?.errorName === "BatchAlreadyVerified") return undefined;
      throw revert ?? err;
    }
  }

  async #tryReceipt(hash: Hex): Promise<TransactionReceipt | undefined> {
    try {
      return await this.#clients.publicClient.getTransactionReceipt({ hash });
    } catch {
      return undefined;
    }
  }

  #reportVerified(n: bigint, receipt: TransactionReceipt | undefined): void {
    if (this.#verifiedUpTo !== undefined && n <= this.#verifiedUpTo) return;
    this.#verifiedUpTo = n;
    if (this.#inFlight?.batchNumber === n) this.#inFlight = undefined;
    this.#p.onEvent({
      type: "verified",
      batchNumber: n,
      ...(receipt && receipt.status === "success"
        ? { txHash: receipt.transactionHash, gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber }
        : {}),
    });
  }
}
