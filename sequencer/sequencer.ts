import { EventEmitter } from "node:events";
import type { Level } from "level";
import type { Logger } from "pino";
import type { CircuitInstance } from "../circuits/compile.ts";
import type { BatchRecord } from "./batches/batch-record.ts";
import { BatchStore } from "./batches/batch-store.ts";
import { type BatchShape, OpenBatch } from "./batches/open-batch.ts";
import { buildBatchRecord, type CommittedState, captureSeal, type SealedBatch } from "./batches/sealer.ts";
import type { Engine } from "./engine/engine.ts";
import type { ApplyResult, EngineTx } from "./engine/types.ts";
import { BaseError } from "./errors.ts";
import { type LaneName, Lanes, type PendingTx } from "./mempool/lanes.ts";
import type { SparseMerkleTree } from "./state/merkle-tree.ts";
import { type SealReason, type WalEntry, WriteAheadLog } from "./wal.ts";

export class ReplayDivergedError extends BaseError {
  override name = "ReplayDivergedError";
}

export class DepositGapError extends BaseError {
  override name = "DepositGapError";
}

export interface SequencerOptions {
  db: Level<string, Buffer>;
  engine: Engine;
  tree: SparseMerkleTree;
  instance: CircuitInstance;
  shape: BatchShape;
  /** Identifies engine params and circuit shape: a WAL written under other settings must not replay. */
  fingerprint: string;
  maxBatchWaitMs: number;
  /**
   * A batch holding only oracle prices still moves the global root and costs a full proof; sealing it
   * on the short timer would flood the provers with proofs of nothing but marks.
   */
  maxPriceOnlyWaitMs: number;
  maxNormalQueue: number;
  /**
   * Every this many ms the liquidation lane gets a liquidation tx for each account with negative equity
   * (the zombie sweep, forcing the vault/ADL tiers) and for each open liquidation event (its next on-book
   * chunk, or closing the event of an account that recovered). 0 = off.
   */
  sweepIntervalMs?: number;
  clock: () => number;
  log: Logger;
}

export interface SequencerEvents {
  sealed: [BatchRecord];
  applied: [{ tx: EngineTx; result: ApplyResult; lane: LaneName; queuedMs: number }];
  rejected: [{ tx: EngineTx; code: string; lane: LaneName }];
}

const GROUP_COMMIT = 256;

/**
 * Single writer of the rollup state. Requests wait in two lanes; the loop applies them to the engine
 * in order, logs each group to the WAL before acknowledging it, seals batches by size or time, and
 * hands sealed batches (in order) to the tree and then to the prover queue.
 */
export class Sequencer extends EventEmitter<SequencerEvents> {
  readonly batches: BatchStore;
  readonly lanes: Lanes;
  readonly #wal: WriteAheadLog;
  readonly #o: SequencerOptions;
  #seq = 0n;
  #open!: OpenBatch;
  #committed!: CommittedState;
  #pendingLiquidations = new Set<number>();
  #treeChain: Promise<void> = Promise.resolve();
  #running = false;
  #loopDone: Promise<void> = Promise.resolve();
  #lastSealedRecord: BatchRecord | undefined;
  #fatal: unknown;
  #sweepTimer: NodeJS.Timeout | undefined;

  constructor(o: SequencerOptions) {
    super();
    this.#o = o;
    this.#wal = new WriteAheadLog(o.db);
    this.batches = new BatchStore(o.db);
    this.lanes = new Lanes(o.maxNormalQueue);
  }

  get engine(): Engine {
    return this.#o.engine;
  }
  /** The next L1 deposit index to apply: the engine's own cursor, so it cannot drift from the state. */
  get depositsSeen(): bigint {
    return this.#o.engine.nextDepositIndex();
  }
  get openBatchNumber(): bigint {
    return this.#open.batchNumber;
  }
  get openBatchTxCount(): number {
    return this.#open.txCount;
  }
  get lastSealed(): BatchRecord | undefined {
    return this.#lastSealedRecord;
  }

  /** Rebuilds everything from the WAL, then starts taking requests. */
  async start(genesis: CommittedState): Promise<{ replayed: number; batches: bigint }> {
    this.#committed = {
      leaves: new Map(genesis.leaves),
      global: genesis.global,
      depositHash: genesis.depositHash,
    };
    this.#open = new OpenBatch(1n, this.#o.shape, this.#o.clock());
    let replayed = 0;
    let sawGenesis = false;
    for await (const entry of this.#wal.replay()) {
      replayed++;
      this.#seq = entry.seq + 1n;
      if (entry.kind === "genesis") {
        if (entry.fingerprint !== this.#o.fingerprint) {
          throw new ReplayDivergedError(
            "WAL_CONFIG_MISMATCH",
            "the write-ahead log was written with other engine or circuit settings; use a fresh data dir",
            { details: { logged: entry.fingerprint, current: this.#o.fingerprint } },
          );
        }
        sawGenesis = true;
      } else if (entry.kind === "tx") {
        this.#replayTx(entry);
      } else {
        this.#seal(entry.at, true);
      }
    }
    if (!sawGenesis)
      await this.#wal.append([{ kind: "genesis", seq: this.#seq++, fingerprint: this.#o.fingerprint }]);
    await this.#treeChain;
    for (const id of this.#pendingLiquidations) this.#enqueueLiquidation(id);
    this.#running = true;
    this.#loopDone = this.#loop();
    if (this.#o.sweepIntervalMs) {
      this.#sweepTimer = setInterval(() => this.sweep(), this.#o.sweepIntervalMs);
      this.#sweepTimer.unref();
    }
    return { replayed, batches: this.#open.batchNumber - 1n };
  }

  async stop(): Promise<void> {
    clearInterval(this.#sweepTimer);
    this.#running = false;
    this.lanes.interrupt();
    await this.#loopDone;
    await this.#treeChain;
  }

  /** Queues a request; resolves once it is applied and durably logged, rejects with a typed error. */
  submit(lane: LaneName, tx: EngineTx): Promise<ApplyResult> {
    if (this.#fatal) return Promise.reject(this.#fatal);
    return new Promise((resolve, reject) => {
      this.lanes.push({
        lane,
        tx,
        receivedAt: this.#o.clock(),
        resolve: resolve as (v: unknown) => void,
        reject,
      });
    });
  }

  /**
   * L1 deposits arrive in queue order, one at a time (the watcher awaits each). An index already applied
   * is ignored, a gap is an error; a deposit the engine rejects stays unapplied, so the watcher's retry
   * offers it again instead of it being skipped.
   */
  async submitDeposit(d: { index: bigint; pubKeyX: bigint; pubKeyY: bigint; amount: bigint }): Promise<void> {
    const next = this.depositsSeen;
    if (d.index < next) return;
    if (d.index > next) throw new DepositGapError("DEPOSIT_GAP", `deposit ${d.index} arrived before ${next}`);
    await this.submit("normal", {
      kind: "deposit",
      depositIndex: d.index,
      pubKeyX: d.pubKeyX,
      pubKeyY: d.pubKeyY,
      amount: d.amount,
    });
  }

  #replayTx(entry: Extract<WalEntry, { kind: "tx" }>): void {
    const { tx, lane } = entry;
    let result: ApplyResult;
    try {
      result = this.#o.engine.apply(tx, entry.seq, this.#open.limitsFor(lane));
    } catch (err) {
      throw new ReplayDivergedError("REPLAY_DIVERGED", `logged tx ${entry.seq} no longer applies`, {
        cause: err,
      });
    }
    this.#afterApply(entry.seq, tx, result, true);
  }

  #afterApply(seq: bigint, tx: EngineTx, result: ApplyResult, replaying: boolean): void {
    this.#open.record(seq, tx, result);
    if (tx.kind === "liquidation") this.#pendingLiquidations.delete(tx.accountId);
    for (const id of result.liquidationsDetected) {
      if (this.#pendingLiquidations.has(id)) continue;
      this.#pendingLiquidations.add(id);
      if (!replaying) this.#enqueueLiquidation(id);
    }
  }

  /**
   * Zombie sweep and follow-up of open liquidation events (see `sweepIntervalMs`); public so tests and the
   * simulator-like scripts can run one on demand. Returns how many liquidation txs it queued.
   */
  sweep(): number {
    if (!this.#running) return 0;
    let n = 0;
    const zombies = new Set(this.#o.engine.zombies());
    for (const id of new Set([...zombies, ...this.#o.engine.liquidationsInProgress()])) {
      if (this.#pendingLiquidations.has(id)) continue;
      this.#pendingLiquidations.add(id);
      this.#enqueueLiquidation(id, zombies.has(id));
      n++;
    }
    return n;
  }

  #enqueueLiquidation(accountId: number, sweep = false): void {
    const tx: EngineTx = sweep
      ? { kind: "liquidation", accountId, sweep }
      : { kind: "liquidation", accountId };
    this.submit("liquidation", tx).catch(() => {
      // An account that recovered before its turn is not liquidatable: nothing to do.
      this.#pendingLiquidations.delete(accountId);
    });
  }

  async #loop(): Promise<void> {
    while (this.#running) {
      await this.lanes.waitForWork(
        Math.max(5, Math.min(this.#o.maxBatchWaitMs, this.#o.maxPriceOnlyWaitMs) / 4),
      );
      try {
        await this.#step();
      } catch (err) {
        // A failed WAL write means the engine is ahead of the log: stop rather than ack anything else.
        this.#fatal = err;
        this.#running = false;
        this.#o.log.fatal({ err }, "sequencer loop failed; restart replays the log");
        for (const item of this.lanes.take(Number.MAX_SAFE_INTEGER)) item.reject(err);
      }
    }
  }

  async #step(): Promise<void> {
    const now = this.#o.clock();
    const items = this.lanes.take(GROUP_COMMIT);
    const entries: WalEntry[] = [];
    const acks: { item: PendingTx; result: ApplyResult }[] = [];
    const sealed: SealedBatch[] = [];
    const seal = (reason: SealReason) => {
      entries.push({ kind: "seal", seq: this.#seq++, batchNumber: this.#open.batchNumber, reason, at: now });
      sealed.push(this.#seal(now, false));
    };

    for (const item of items) {
      const { tx, lane } = item;
      if (this.#open.slotsExhaustedFor(tx)) seal("slots");
      let result: ApplyResult | undefined;
      try {
        result = this.#o.engine.apply(tx, this.#seq, this.#open.limitsFor(lane));
      } catch (err) {
        if (err instanceof BaseError && err.code === "BATCH_CAPACITY" && !this.#open.isEmpty) {
          seal("capacity");
          try {
            result = this.#o.engine.apply(tx, this.#seq, this.#open.limitsFor(lane));
          } catch (err2) {
            this.#reject(item, err2);
            continue;
          }
        } else {
          this.#reject(item, err);
          continue;
        }
      }
      const seq = this.#seq++;
      entries.push({ kind: "tx", seq, lane, tx, receivedAt: item.receivedAt });
      this.#afterApply(seq, tx, result, false);
      acks.push({ item, result });
      this.emit("applied", { tx, result, lane, queuedMs: now - item.receivedAt });
      if (this.#open.isFull) seal("full");
    }
    const wait = this.#open.touched.size > 0 ? this.#o.maxBatchWaitMs : this.#o.maxPriceOnlyWaitMs;
    if (!this.#open.isEmpty && now - this.#open.openedAt >= wait) seal("timer");

    await this.#wal.append(entries);
    for (const { item, result } of acks) item.resolve(result);
    for (const s of sealed) this.#queueTreeWork(s);
  }

  #reject(item: PendingTx, err: unknown): void {
    const code = err instanceof BaseError ? err.code : "INTERNAL";
    this.emit("rejected", { tx: item.tx, code, lane: item.lane });
    item.reject(err);
  }

  #seal(now: number, replaying: boolean): SealedBatch {
    const sealed = captureSeal(this.#open, this.#o.engine, this.#committed, this.#o.instance.M, now);
    this.#open = new OpenBatch(this.#open.batchNumber + 1n, this.#o.shape, now);
    if (replaying) this.#queueTreeWork(sealed);
    return sealed;
  }

  /** Tree updates are async (LevelDB) and must happen in batch order: one promise chain. */
  #queueTreeWork(s: SealedBatch): void {
    this.#treeChain = this.#treeChain.then(async () => {
      const fresh = await buildBatchRecord(this.#o.tree, this.#o.instance, s);
      const stored = await this.batches.get(fresh.batchNumber);
      if (stored && stored.newStateRoot !== fresh.newStateRoot) {
        throw new ReplayDivergedError(
          "REPLAY_DIVERGED",
          `batch ${fresh.batchNumber} replays to a different root than was stored`,
          { details: { stored: stored.newStateRoot.toString(), replayed: fresh.newStateRoot.toString() } },
        );
      }
      // Keep what the pipeline learned (proof, L1 tx) across restarts; the content is identical.
      const rec = stored ? { ...fresh, ...pickProgress(stored) } : fresh;
      await this.batches.put(rec);
      this.#lastSealedRecord = rec;
      this.emit("sealed", rec);
    });
    this.#treeChain.catch((err) => {
      this.#fatal = err;
      this.#running = false;
      this.#o.log.fatal({ err }, "applying a sealed batch to the tree failed");
    });
  }

  /** Resolves once every batch sealed so far is in the tree and the batch store. */
  async settled(): Promise<void> {
    await this.#treeChain;
  }
}

function pickProgress(r: BatchRecord): Partial<BatchRecord> {
  const out: Partial<BatchRecord> = { status: r.status, times: r.times };
  if (r.proof) out.proof = r.proof;
  if (r.proverId) out.proverId = r.proverId;
  if (r.l1TxHash) out.l1TxHash = r.l1TxHash;
  if (r.l1Block !== undefined) out.l1Block = r.l1Block;
  if (r.gasUsed !== undefined) out.gasUsed = r.gasUsed;
  return out;
}
