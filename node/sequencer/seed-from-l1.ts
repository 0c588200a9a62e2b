/**
 * Starts a sequencer from L1 alone (`FROM_L1=on`, `npm run devnet -- --from-l1`): when its data dir
 * holds nothing yet, it rebuilds the last verified state from the Rollup's calldata
 * (node/reconstruct), seeds the genesis engine and proof chain with it, and stores that as the data
 * dir's first snapshot and batch record. The sequencer then restores it like any snapshot and goes on
 * at the next batch: L1 is the only source, no WAL, Redis or old node is read.
 *
 * What L1 does not hold starts empty (node/reconstruct/seed-sequencer.ts): resting orders, the risk
 * engine's memory, signatures of orders that rested.
 */
import type { Level } from "level";
import type { Logger } from "pino";
import type { Address } from "viem";
import type { BatchRecord } from "../../sequencer/batches/batch-record.ts";
import { BatchStore } from "../../sequencer/batches/batch-store.ts";
import type { Engine } from "../../sequencer/engine/engine.ts";
import type { ProofChain } from "../../sequencer/proof/witness.ts";
import { encodeChainPart, encodeSequencerPart, SNAPSHOT_VERSION } from "../../sequencer/snapshot/snapshot.ts";
import { SnapshotStore } from "../../sequencer/snapshot/snapshot-store.ts";
import { createL1Clients } from "../l1/clients.ts";
import { rollupAbi } from "../l1/rollup-abi.ts";
import { reconstructFromL1 } from "../reconstruct/reconstruct-from-l1.ts";
import { seedEngine, seedProofChain } from "../reconstruct/seed-sequencer.ts";

export interface SeedFromL1Parameters {
  rpcUrl: string;
  rollup: Address;
  instance: string;
  db: Level<string, Buffer>;
  /** At genesis, as the node built them; seeded in place, then stored. */
  engine: Engine;
  chain: ProofChain;
  fingerprint: string;
  log: Logger;
  now?: () => number;
}

/** Seeds an empty data dir; returns the batch it starts after, or undefined if the dir had data. */
export async function seedFromL1(
  p: SeedFromL1Parameters,
): Promise<{ batch: bigint; root: bigint } | undefined> {
  const snapshots = new SnapshotStore(p.db);
  if ((await snapshots.all()).length > 0 || (await firstKey(p.db)) !== undefined) {
    p.log.info("FROM_L1: the data dir is not empty; starting from it, not from L1");
    return undefined;
  }
  const t0 = Date.now();
  const r = await reconstructFromL1({
    rpcUrl: p.rpcUrl,
    rollup: p.rollup,
    instance: p.instance,
    onProgress: (x) => {
      if (x.phase === "rebuild" && x.done === x.total)
        p.log.info({ batches: x.total }, "FROM_L1: rebuilt from L1");
    },
  });
  const { publicClient } = createL1Clients({ rpcUrl: p.rpcUrl });
  const at = { address: p.rollup, abi: rollupAbi, blockNumber: r.block } as const;
  const consumed = await publicClient.readContract({ ...at, functionName: "priorityConsumed" });
  const priorityHash = await publicClient.readContract({
    ...at,
    functionName: "priorityHashes",
    args: [consumed],
  });

  const report = seedEngine(p.engine, r.state);
  p.engine.exportState().nextPriorityIndex = consumed;
  seedProofChain(p.chain, r.state, r.depositHash);
  const st = p.chain.exportState();
  st.model.nextPriorityIndex = consumed;
  p.chain.importState({ ...st, priorityHash });
  const root = p.chain.stateRoot();

  const batch = BigInt(r.lastBatch);
  const now = (p.now ?? Date.now)();
  // The batch the sequencer goes on after: as L1 verified it. Only what a restart reads is real.
  const record: BatchRecord = {
    batchNumber: batch,
    status: "verified",
    priority: "normal",
    txCount: 0,
    firstSeq: 0n,
    lastSeq: 0n,
    touched: [],
    oldStateRoot: root,
    newStateRoot: root,
    publicHash: 0n,
    depositCount: 0n,
    priorityCount: 0n,
    depositHashOld: r.depositHash,
    depositHashNew: r.depositHash,
    batchTimeMs: 0n,
    withdrawals: [],
    data: [],
    input: {},
    times: { opened: now, sealed: now, verified: now },
  };
  await new BatchStore(p.db).put(record);
  await snapshots.put({
    version: SNAPSHOT_VERSION,
    fingerprint: p.fingerprint,
    batchNumber: batch,
    nextSeq: 1n,
    openedAt: now,
    stateRoot: root,
    engine: encodeSequencerPart(p.engine, { signatures: new Map(), pendingLiquidations: [] }),
    chain: encodeChainPart(p.chain),
  });
  p.log.info(
    {
      batch: batch.toString(),
      root: `0x${root.toString(16)}`,
      accounts: r.state.accounts().length,
      unresolved: report.unresolved?.length ?? 0,
      ms: Date.now() - t0,
    },
    "FROM_L1: data dir seeded from L1; the sequencer goes on at the next batch",
  );
  return { batch, root };
}

async function firstKey(db: Level<string, Buffer>): Promise<string | undefined> {
  for await (const k of db.keys({ limit: 1 })) return k;
  return undefined;
}
