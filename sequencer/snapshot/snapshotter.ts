import type { Level } from "level";
import type { Logger } from "pino";
import type { BatchRecord } from "../batches/batch-record.ts";
import type { BatchStore } from "../batches/batch-store.ts";
import type { Signature } from "../crypto/eddsa.ts";
import type { Engine } from "../engine/engine.ts";
import type { ProofChain } from "../proof/witness.ts";
import type { WriteAheadLog } from "../wal.ts";
import { SnapshotMismatchError } from "./errors.ts";
import {
  decodeChainPart,
  decodeSequencerPart,
  encodeChainPart,
  encodeSequencerPart,
  SNAPSHOT_VERSION,
  type Snapshot,
} from "./snapshot.ts";
import { SnapshotStore } from "./snapshot-store.ts";

export interface SnapshotterOptions {
  db: Level<string, Buffer>;
  wal: WriteAheadLog;
  /** Take one when at least this many batches sealed since the last; 0 = never (stored ones still load). */
  everyBatches: number;
  fingerprint: string;
  log: Logger;
}

/** The sequencer's state right after a seal, with nothing applied since. */
export interface BoundaryState {
  engine: Engine;
  signatures: ReadonlyMap<bigint, Signature>;
  pendingLiquidations: Iterable<number>;
  nextSeq: bigint;
  openedAt: number;
}

/** What `restore` hands back to the sequencer, beside the engine and the chain it restored in place. */
export interface Restored {
  batchNumber: bigint;
  nextSeq: bigint;
  openedAt: number;
  signatures: Map<bigint, Signature>;
  pendingLiquidations: number[];
  /** The stored record of `batchNumber`: the sequencer's last sealed batch. */
  record: BatchRecord;
}

type Pending = Omit<Snapshot, "chain" | "stateRoot">;

/**
 * Takes snapshots in two halves, because the engine and the proof reach a boundary at different
 * times: the engine's half at the seal (synchronously, before the loop applies the next tx), the
 * proof's half on the tree chain once that batch's witness is built (the chain runs behind the
 * engine). Only then is the snapshot stored and the WAL below it dropped.
 */
export class Snapshotter {
  readonly store: SnapshotStore;
  readonly #o: SnapshotterOptions;
  /** Batches are keyed by the sealed batch object, as the sequencer's seal times are. */
  readonly #pending = new WeakMap<object, Pending>();
  #lastBatch = 0n;

  constructor(o: SnapshotterOptions) {
    this.#o = o;
    this.store = new SnapshotStore(o.db);
  }

  /** Batch `sealed` just sealed and nothing was applied since: capture the engine's half if one is due. */
  atBoundary(sealed: { batchNumber: bigint }, s: BoundaryState): void {
    const every = this.#o.everyBatches;
    if (every <= 0 || sealed.batchNumber - this.#lastBatch < BigInt(every)) return;
    let engine: Uint8Array;
    try {
      engine = encodeSequencerPart(s.engine, s);
    } catch (err) {
      // Nothing is lost without a snapshot (the WAL stays whole); say so loudly and go on.
      this.#o.log.error({ err, batch: sealed.batchNumber }, "snapshot skipped: the state cannot be encoded");
      return;
    }
    this.#lastBatch = sealed.batchNumber;
    this.#pending.set(sealed, {
      version: SNAPSHOT_VERSION,
      fingerprint: this.#o.fingerprint,
      batchNumber: sealed.batchNumber,
      nextSeq: s.nextSeq,
      openedAt: s.openedAt,
      engine,
    });
  }

  /**
   * On the tree chain, right after `sealed`'s witness and record: adds the proof's half, stores the
   * snapshot and compacts the WAL. The compaction follows the put (LevelDB cannot clear a range inside
   * a batch); a crash between leaves entries that replay skips and the next compaction drops.
   */
  async afterTree(sealed: object, chain: ProofChain): Promise<void> {
    const p = this.#pending.get(sealed);
    if (!p) return;
    this.#pending.delete(sealed);
    let bytes: Uint8Array;
    try {
      bytes = encodeChainPart(chain);
    } catch (err) {
      this.#o.log.error({ err, batch: p.batchNumber }, "snapshot skipped: the proof state cannot be encoded");
      return;
    }
    const keepFrom = await this.store.put({ ...p, stateRoot: chain.stateRoot(), chain: bytes });
    await this.#o.wal.compact(keepFrom);
  }

  /**
   * Loads the newest usable snapshot into `engine` and `chain` (fresh, at genesis). An unreadable one
   * falls back to the one before (the WAL still holds its tail); a readable one that disagrees with
   * the settings or the stored batches throws: that is a bug or another node's data, not damage.
   */
  async restore(engine: Engine, chain: ProofChain, batches: BatchStore): Promise<Restored | undefined> {
    const all = await this.store.all();
    for (const [i, s] of all.entries()) {
      if (s.fingerprint !== this.#o.fingerprint || s.version !== SNAPSHOT_VERSION)
        throw new SnapshotMismatchError(
          "SNAPSHOT_CONFIG_MISMATCH",
          "the snapshot was taken under other engine or circuit settings (or codec); use a fresh data dir",
          { details: { batch: s.batchNumber.toString(), version: s.version } },
        );
      let parts: [ReturnType<typeof decodeSequencerPart>, ReturnType<typeof decodeChainPart>];
      try {
        // Both halves decode before either is imported: a failure leaves the genesis objects untouched.
        parts = [decodeSequencerPart(s.engine, engine), decodeChainPart(s.chain, chain)];
      } catch (err) {
        if (i === all.length - 1) throw err;
        this.#o.log.warn({ err, batch: s.batchNumber }, "snapshot unreadable; trying the one before");
        continue;
      }
      const [part, proof] = parts;
      engine.importState(part.engine);
      chain.importState(proof);
      const record = await batches.get(s.batchNumber);
      const root = chain.stateRoot();
      if (root !== s.stateRoot || record?.newStateRoot !== s.stateRoot)
        throw new SnapshotMismatchError(
          "SNAPSHOT_DIVERGED",
          `the snapshot of batch ${s.batchNumber} does not restore the root its batch was stored with`,
          {
            details: {
              snapshot: s.stateRoot.toString(),
              restored: root.toString(),
              stored: record?.newStateRoot.toString(),
            },
          },
        );
      this.#lastBatch = s.batchNumber;
      return {
        batchNumber: s.batchNumber,
        nextSeq: s.nextSeq,
        openedAt: s.openedAt,
        signatures: part.signatures,
        pendingLiquidations: part.pendingLiquidations,
        record,
      };
    }
    return undefined;
  }
}
