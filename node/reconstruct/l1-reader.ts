/**
 * Reads what a rebuild needs from L1 and nothing else: the Rollup's Genesis event, every Deposit,
 * every BatchVerified and the submitBatch calldata of the transaction that emitted it (the data words
 * are calldata only, never stored). Logs are read in block ranges, as public RPCs cap getLogs.
 */
import { type Address, decodeFunctionData, getAbiItem, type Hash, type PublicClient } from "viem";
import { rollupAbi } from "../l1/rollup-abi.ts";
import { ReconstructError } from "./errors.ts";
import type { L1Genesis } from "./rebuild.ts";

export interface L1Deposit {
  index: number;
  pubKeyX: bigint;
  pubKeyY: bigint;
  amount: bigint;
  /** The queue hash after this deposit, as the Rollup computed it. */
  depositHash: bigint;
}

export interface L1Batch {
  batch: number;
  /** The BatchVerified event's root. */
  newRoot: bigint;
  oldRoot: bigint;
  depositCount: number;
  batchTimeMs: bigint;
  data: readonly bigint[];
  blockNumber: bigint;
  txHash: Hash;
}

export interface L1History {
  genesis: L1Genesis;
  genesisBlock: bigint;
  /** The last block read: every view a caller compares against is read at it. */
  toBlock: bigint;
  deposits: L1Deposit[];
  batches: L1Batch[];
}

export type ReadProgress =
  | { phase: "logs"; block: bigint; toBlock: bigint; deposits: number; batches: number }
  | { phase: "calldata"; done: number; total: number };

export interface ReadL1Parameters {
  client: PublicClient;
  rollup: Address;
  /** First block to scan (the Rollup's deployment block or earlier); default 0. */
  fromBlock?: bigint;
  /** Blocks per getLogs call; default 5,000. */
  chunkBlocks?: bigint;
  /** Last block to read; default the latest. */
  toBlock?: bigint;
  onProgress?: (p: ReadProgress) => void;
}

const EVENTS = [
  getAbiItem({ abi: rollupAbi, name: "Genesis" }),
  getAbiItem({ abi: rollupAbi, name: "Deposit" }),
  getAbiItem({ abi: rollupAbi, name: "BatchVerified" }),
] as const;

/** Transactions fetched at once when reading calldata. */
const CALLDATA_CONCURRENCY = 8;

export async function readL1History(p: ReadL1Parameters): Promise<L1History> {
  const { client, rollup } = p;
  const chunk = p.chunkBlocks ?? 5_000n;
  const toBlock = p.toBlock ?? (await client.getBlockNumber());
  let genesis: { g: L1Genesis; block: bigint } | undefined;
  const deposits: L1Deposit[] = [];
  const verified: { batch: number; newRoot: bigint; txHash: Hash; blockNumber: bigint }[] = [];

  for (let from = p.fromBlock ?? 0n; from <= toBlock; from += chunk) {
    const to = from + chunk - 1n < toBlock ? from + chunk - 1n : toBlock;
    const logs = await client.getLogs({
      address: rollup,
      events: EVENTS,
      fromBlock: from,
      toBlock: to,
      strict: true,
    });
    for (const log of logs) {
      if (log.eventName === "Genesis") {
        const a = log.args;
        genesis = {
          block: log.blockNumber,
          g: {
            accountsDepth: Number(a.accountsDepth),
            vaultPubKey: [a.vaultPubKeyX, a.vaultPubKeyY],
            vaultCollateral: a.vaultCollateral,
            insuranceFund: a.insuranceFund,
            markPrices: [...a.markPrices],
            keeperPubKey: [a.keeperPubKeyX, a.keeperPubKeyY],
          },
        };
      } else if (log.eventName === "Deposit") {
        const a = log.args;
        if (Number(a.index) !== deposits.length)
          throw new ReconstructError(
            "RECONSTRUCT_DEPOSIT_GAP",
            `deposit ${a.index} came where ${deposits.length} was due`,
            {
              details: {
                index: a.index.toString(),
                expected: deposits.length,
                block: log.blockNumber.toString(),
              },
            },
          );
        deposits.push({
          index: deposits.length,
          pubKeyX: a.pubKeyX,
          pubKeyY: a.pubKeyY,
          amount: a.amount,
          depositHash: a.depositHash,
        });
      } else {
        verified.push({
          batch: Number(log.args.batch),
          newRoot: log.args.newRoot,
          txHash: log.transactionHash,
          blockNumber: log.blockNumber,
        });
      }
    }
    p.onProgress?.({
      phase: "logs",
      block: to,
      toBlock,
      deposits: deposits.length,
      batches: verified.length,
    });
  }
  if (!genesis)
    throw new ReconstructError(
      "RECONSTRUCT_NO_GENESIS",
      `no Genesis event from ${rollup} in blocks ${p.fromBlock ?? 0n}..${toBlock}: not a Rollup, or --from-block is after its deployment`,
      { details: { rollup, fromBlock: (p.fromBlock ?? 0n).toString(), toBlock: toBlock.toString() } },
    );
  verified.forEach((v, i) => {
    if (v.batch !== i + 1)
      throw new ReconstructError(
        "RECONSTRUCT_BATCH_GAP",
        `BatchVerified(${v.batch}) came where batch ${i + 1} was due`,
        {
          details: { batch: v.batch, expected: i + 1 },
        },
      );
  });

  const batches: L1Batch[] = new Array(verified.length);
  let done = 0;
  for (let i = 0; i < verified.length; i += CALLDATA_CONCURRENCY) {
    await Promise.all(
      verified.slice(i, i + CALLDATA_CONCURRENCY).map(async (v, j) => {
        batches[i + j] = await readBatch(client, v);
        done++;
      }),
    );
    p.onProgress?.({ phase: "calldata", done, total: verified.length });
  }
  return { genesis: genesis.g, genesisBlock: genesis.block, toBlock, deposits, batches };
}

/** The submitBatch call of the transaction that emitted BatchVerified(`v.batch`). */
async function readBatch(
  client: PublicClient,
  v: { batch: number; newRoot: bigint; txHash: Hash; blockNumber: bigint },
): Promise<L1Batch> {
  const tx = await client.getTransaction({ hash: v.txHash });
  let call: ReturnType<typeof decodeFunctionData<typeof rollupAbi>>;
  try {
    call = decodeFunctionData({ abi: rollupAbi, data: tx.input });
  } catch (cause) {
    throw unreadable(v, cause);
  }
  if (call.functionName !== "submitBatch") throw unreadable(v);
  const [batchNumber, oldStateRoot, newStateRoot, depositCount, , , batchTimeMs, data] = call.args;
  // A contract that calls submitBatch for the operator (a multisig) leaves other calldata on the tx.
  if (batchNumber !== BigInt(v.batch) || newStateRoot !== v.newRoot) throw unreadable(v);
  return {
    batch: v.batch,
    newRoot: v.newRoot,
    oldRoot: oldStateRoot,
    depositCount: Number(depositCount),
    batchTimeMs,
    data,
    blockNumber: v.blockNumber,
    txHash: v.txHash,
  };
}

function unreadable(v: { batch: number; txHash: Hash }, cause?: unknown): ReconstructError {
  return new ReconstructError(
    "RECONSTRUCT_UNREADABLE_CALLDATA",
    `batch ${v.batch}: transaction ${v.txHash} is not a direct submitBatch call of that batch`,
    { details: { batch: v.batch, txHash: v.txHash }, cause },
  );
}
