import type { Signature } from "../crypto/eddsa.ts";
import type { ProofChain } from "../proof/witness.ts";
import type { BatchRecord } from "./batch-record.ts";
import type { OpenBatch2 } from "./open-batch2.ts";

const address = (x: bigint): `0x${string}` => `0x${x.toString(16).padStart(40, "0")}`;

/**
 * Runs a sealed batch's ops through the proof's model and witness builder (which refuse
 * what the circuit would), moving the chain to the batch's new state. Must run in batch order.
 */
export function buildBatch2Record(
  chain: ProofChain,
  batch: OpenBatch2,
  signatures: ReadonlyMap<bigint, Signature>,
  sealedAt: number,
): BatchRecord {
  const w = chain.buildBatch({
    batchNumber: batch.batchNumber,
    batchTimeMs: batch.timeMs ?? 0n,
    ops: batch.ops,
    signatures,
    nonces: batch.nonces,
  });
  return {
    batchNumber: batch.batchNumber,
    status: "sealed",
    priority: batch.hasLiquidation ? "liquidation" : "normal",
    txCount: batch.txCount,
    firstSeq: batch.firstSeq ?? 0n,
    lastSeq: batch.lastSeq ?? 0n,
    touched: w.accounts,
    oldStateRoot: w.oldStateRoot,
    newStateRoot: w.newStateRoot,
    publicHash: w.publicHash,
    depositCount: BigInt(batch.deposits),
    priorityCount: BigInt(batch.priority),
    depositHashOld: BigInt(w.input.depositHashOld as string),
    depositHashNew: w.depositHashNew,
    batchTimeMs: batch.timeMs ?? 0n,
    withdrawals: w.withdrawals.map((x) => ({
      accountId: BigInt(x.accountId),
      to: address(x.l1Address),
      amount: x.amount,
    })),
    data: w.data,
    input: w.input,
    times: { opened: batch.openedAt, sealed: sealedAt },
  };
}
