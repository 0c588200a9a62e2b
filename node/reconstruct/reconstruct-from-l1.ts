/**
 * The whole rebuild from L1: read the Rollup's history, check it belongs to the instance, rebuild
 * every batch and check each root against its BatchVerified event, and finally against the Rollup's
 * own views at the block read up to. The CLI (main.ts) and the end-to-end test call this.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Address, PublicClient } from "viem";
import { loadBatch2Instance } from "../../circuits/batch2-instance.ts";
import { BaseError } from "../../core/errors.ts";
import { poseidon } from "../../sequencer/crypto/poseidon.ts";
import { dataLayout } from "../../sequencer/proof/batch-data.ts";
import { createL1Clients } from "../l1/clients.ts";
import { rollupAbi } from "../l1/rollup-abi.ts";
import { BadRecordError, ReconstructError, RootMismatchError } from "./errors.ts";
import { type L1Deposit, type ReadProgress, readL1History } from "./l1-reader.ts";
import { L1State } from "./rebuild.ts";
import { batchRecords } from "./records.ts";

export type ReconstructProgress = ReadProgress | { phase: "rebuild"; done: number; total: number };

export interface ReconstructParameters {
  rpcUrl: string;
  rollup: Address;
  /** A Batch2 instance name (circuits/batch2.json). */
  instance: string;
  /** Writes `out/state.json` when given. */
  out?: string;
  fromBlock?: bigint;
  chunkBlocks?: bigint;
  /** A client to read through instead of one for `rpcUrl` (a test's own transport). */
  client?: PublicClient;
  onProgress?: (p: ReconstructProgress) => void;
}

export interface ReconstructResult {
  state: L1State;
  lastBatch: number;
  root: bigint;
  /**
   * The deposit queue hash after the consumed deposits, which the next batch's proof starts from
   * (seed-sequencer.ts seedProofChain): the records do not carry it, the Deposit events do.
   */
  depositHash: bigint;
  /** The block the history was read up to. */
  block: bigint;
}

export const rootHex = (x: bigint) => `0x${x.toString(16).padStart(64, "0")}`;

/** Every batch's records are rebuilt and checked; a progress report every this many batches. */
const REBUILD_PROGRESS_EVERY = 100;

export async function reconstructFromL1(p: ReconstructParameters): Promise<ReconstructResult> {
  const inst = loadBatch2Instance(p.instance);
  const layout = dataLayout(inst);
  const client =
    p.client ??
    (createL1Clients({ rpcUrl: p.rpcUrl, retryCount: 2, timeoutMs: 30_000 }).publicClient as PublicClient);
  const block = await reach(p.rpcUrl, () => client.getBlockNumber());
  const code = await reach(p.rpcUrl, () => client.getCode({ address: p.rollup, blockNumber: block }));
  if (!code || code === "0x")
    throw new ReconstructError("RECONSTRUCT_NO_ROLLUP", `no contract at ${p.rollup} on ${p.rpcUrl}`, {
      details: { rollup: p.rollup },
    });
  const view = async <
    N extends "dataWords" | "genesisStateRoot" | "stateRoot" | "lastVerifiedBatch" | "depositsConsumed",
  >(
    functionName: N,
  ): Promise<bigint> => {
    try {
      return (await client.readContract({
        address: p.rollup,
        abi: rollupAbi,
        functionName,
        blockNumber: block,
      })) as bigint;
    } catch (cause) {
      throw new ReconstructError(
        "RECONSTRUCT_NO_ROLLUP",
        `${p.rollup} does not answer ${functionName}(): not a Rollup`,
        {
          details: { rollup: p.rollup, view: functionName },
          cause,
        },
      );
    }
  };
  const words = await view("dataWords");
  if (words !== BigInt(layout.words))
    throw new ReconstructError(
      "RECONSTRUCT_WRONG_INSTANCE",
      `the Rollup publishes ${words} data words per batch, instance "${inst.name}" ${layout.words}: pass the instance it was deployed with (--instance)`,
      { details: { dataWords: words.toString(), expected: layout.words, instance: inst.name } },
    );

  const history = await readL1History({
    client,
    rollup: p.rollup,
    toBlock: block,
    ...(p.fromBlock === undefined ? {} : { fromBlock: p.fromBlock }),
    ...(p.chunkBlocks === undefined ? {} : { chunkBlocks: p.chunkBlocks }),
    ...(p.onProgress ? { onProgress: p.onProgress } : {}),
  });
  const state = L1State.fromGenesis(inst, history.genesis);
  const genesisRoot = await view("genesisStateRoot");
  if (state.stateRoot() !== genesisRoot)
    throw new RootMismatchError(
      "RECONSTRUCT_ROOT_MISMATCH",
      `genesis: the rebuilt root ${rootHex(state.stateRoot())} is not the Rollup's ${rootHex(genesisRoot)}`,
      { details: { batch: 0 } },
    );

  let consumed = 0;
  history.batches.forEach((b, i) => {
    const keys = history.deposits.slice(consumed, consumed + b.depositCount);
    if (keys.length !== b.depositCount)
      throw new BadRecordError(
        "RECONSTRUCT_BAD_RECORD",
        `batch ${b.batch} consumes deposits no Deposit event shows`,
        {
          details: { batch: b.batch, from: consumed, count: b.depositCount, known: history.deposits.length },
        },
      );
    consumed += b.depositCount;
    let records: ReturnType<typeof batchRecords>;
    try {
      records = batchRecords(layout, b.data, b.batch);
    } catch (err) {
      if (err instanceof ReconstructError || !(err instanceof BaseError)) throw err;
      throw new BadRecordError("RECONSTRUCT_BAD_RECORD", `batch ${b.batch}: ${err.message}`, {
        details: { batch: b.batch },
        cause: err,
      });
    }
    state.applyBatch(b.batch, records, keys, b.newRoot);
    if ((i + 1) % REBUILD_PROGRESS_EVERY === 0 || i + 1 === history.batches.length)
      p.onProgress?.({ phase: "rebuild", done: i + 1, total: history.batches.length });
  });

  // The events were all there: the Rollup's own counters agree at the block read up to.
  const [last, root, deposits] = [
    await view("lastVerifiedBatch"),
    await view("stateRoot"),
    await view("depositsConsumed"),
  ];
  if (last !== BigInt(state.lastBatch) || root !== state.stateRoot() || deposits !== BigInt(consumed))
    throw new ReconstructError(
      "RECONSTRUCT_INCOMPLETE",
      `the Rollup is at batch ${last} (root ${rootHex(root)}), the events rebuilt batch ${state.lastBatch}: logs are missing (--from-block?)`,
      {
        details: {
          lastVerifiedBatch: last.toString(),
          rebuilt: state.lastBatch,
          depositsConsumed: deposits.toString(),
          consumed,
        },
      },
    );

  const depositHash = consumedDepositHash(history.deposits.slice(0, consumed));

  if (p.out) {
    await mkdir(p.out, { recursive: true });
    const json = { rollup: p.rollup, instance: inst.name, block: block.toString(), ...state.toJSON() };
    await writeFile(path.join(p.out, "state.json"), `${JSON.stringify(json, null, 2)}\n`);
  }
  return { state, lastBatch: state.lastBatch, root: state.stateRoot(), depositHash, block };
}

/**
 * The deposit chain Poseidon(h, x, y, amount) over `deposits`, each step checked against the hash its
 * Deposit event carries, so a seeded sequencer's next proof starts from the Rollup's own value.
 */
function consumedDepositHash(deposits: readonly L1Deposit[]): bigint {
  let h = 0n;
  for (const d of deposits) {
    h = poseidon([h, d.pubKeyX, d.pubKeyY, d.amount]);
    if (h !== d.depositHash)
      throw new ReconstructError(
        "RECONSTRUCT_DEPOSIT_HASH",
        `deposit ${d.index}'s queue hash is not the chain of the deposits before it`,
        {
          details: { index: d.index, event: rootHex(d.depositHash), rebuilt: rootHex(h) },
        },
      );
  }
  return h;
}

/** An RPC call whose failure means the URL is wrong or the node is down. */
async function reach<T>(rpcUrl: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (cause) {
    throw new ReconstructError("RECONSTRUCT_RPC_UNREACHABLE", `cannot reach an L1 node at ${rpcUrl}`, {
      details: { rpcUrl },
      cause,
    });
  }
}
