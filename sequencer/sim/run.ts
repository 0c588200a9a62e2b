/**
 * The simulator core: replays a tape through a fresh Engine under one policy, doing what the sequencer
 * does around it, and reports the execution-quality ledger, a summary and the state root.
 *
 * Pure: no Redis, no Anvil, no wall clock. Engine time is tape time (startMs + t), passed as both
 * timestampMs and nowMs on price txs. `seq` counts every tx submitted (accepted or not), so order ids are
 * unique and increasing.
 *
 * What it imitates of the sequencer:
 * - after an accepted price tx, a liquidation tx for each id in `liquidationsDetected` (most
 *   under-collateralised first), before the next tape event (the priority lane);
 * - on every price tick, also a liquidation tx for each `engine.liquidationsInProgress()` account not
 *   already tried in that tick (the next on-book chunk);
 * - every `sweepMs` of tape time, `{kind:"liquidation", accountId, sweep:true}` for each
 *   `engine.zombies()` account (the zombie sweep).
 * Rejections (any `EngineError`) are counted by tx kind and code and never stop the run; anything else
 * thrown is a bug and propagates.
 *
 * Isolated margin: an `isolate` event becomes a `transfer` tx from the trader's cross account (opening
 * the sub-account the first time, topping it up after), counted as "isolate" in applied/rejections. The
 * trader's later orders in that market go from the sub-account; its cancels follow the order they
 * cancel, so an order keeps the account it rested under. Deposits still credit the cross account (the
 * engine maps a key to its parent).
 */
import { createHash } from "node:crypto";
import { Engine, type EngineGenesis } from "../engine/engine.ts";
import { EngineError } from "../engine/errors.ts";
import type { LiquidationRecord } from "../engine/ledger.ts";
import type { EngineParamsInput } from "../engine/params.ts";
import type { ApplyResult, EngineTx } from "../engine/types.ts";
import { globalRoot, stateRoot } from "../state/global-state.ts";
import { leafHash } from "../state/leaf.ts";
import { SparseMerkleTree } from "../state/merkle-tree.ts";
import { MemoryNodeStore } from "../state/node-store.ts";
import { policyParams } from "./policies.ts";
import { type SimSummary, summarize } from "./summary.ts";
import type { IsolateEvent, Tape } from "./tape.ts";

const USDC = 1_000_000n;
/** Defaults when the tape header names no genesis: 1M USDC insurance fund, 20M USDC vault capital. */
export const DEFAULT_GENESIS = { insuranceFund: 1_000_000n * USDC, backstopCollateral: 20_000_000n * USDC };

/** A trader's fake account key: never (0,0) and never the backstop's (1,1). */
export function traderKey(trader: number): { pubKeyX: bigint; pubKeyY: bigint } {
  return { pubKeyX: 1000n + BigInt(trader), pubKeyY: 7n };
}

/** The engine rngSeed every policy gets for a tape: the first 48 bits of sha256(seed). */
export function rngSeedOf(seed: string): bigint {
  return BigInt(`0x${createHash("sha256").update(`zk-perps-sim:${seed}`).digest("hex").slice(0, 12)}`);
}

/** The SPEC state root of an engine's leaves and global state, kept incrementally. */
export class RootTracker {
  private readonly tree: SparseMerkleTree;
  private readonly dirty = new Set<number>();
  private hashed = 0;

  constructor(private readonly engine: Engine) {
    const depth = Math.log2(engine.params.maxAccounts);
    this.tree = new SparseMerkleTree(depth, engine.params.markets.length, new MemoryNodeStore());
  }

  markDirty(ids: readonly number[]): void {
    for (const id of ids) this.dirty.add(id);
  }

  async root(): Promise<bigint> {
    for (let i = this.hashed; i < this.engine.accountCount(); i++) this.dirty.add(i);
    this.hashed = this.engine.accountCount();
    for (const id of [...this.dirty].sort((a, b) => a - b)) {
      const leaf = this.engine.account(id);
      if (leaf) await this.tree.update(id, leafHash(leaf));
    }
    this.dirty.clear();
    return stateRoot(await this.tree.root(), globalRoot(this.engine.global()));
  }
}

/** Counts by tx kind, then by code. */
export type CodeCounts = Record<string, Record<string, number>>;

const NONE: ReadonlySet<number> = new Set();

export interface RunOptions {
  /** Zombie sweep period in tape ms (default 10,000). 0 disables it. */
  sweepMs?: number;
  /** Also record the state root every N events (0 or undefined: only at the end). */
  rootEvery?: number;
  /** Overrides the tape header's genesis. */
  genesis?: EngineGenesis;
  /** Overrides the policy's params (tests). */
  params?: EngineParamsInput;
  /**
   * Bounds the accounts one tx may touch, as a sequencer's batch capacity does (a liquidation step or
   * a sweep then stops at it and goes on in the next tx). Unbounded by default.
   */
  maxTouchedPerTx?: number;
  /** Each trader's L2 key; `traderKey` by default. Real keys let a test sign the trace's messages. */
  traderKey?: (trader: number) => { pubKeyX: bigint; pubKeyY: bigint };
  /** Called once with the fresh engine, before the first event (property tests). */
  onStart?: (engine: Engine) => void;
  /** Called after every accepted tx (property tests). */
  onApplied?: (engine: Engine, tx: EngineTx, result: ApplyResult, seq: bigint) => void;
  /** Called every `progressEvery` events (default 1000) and at the end. */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
}

export interface RunResult {
  policy: string;
  ledger: LiquidationRecord[];
  summary: SimSummary;
  finalRoot: bigint;
  roots: { event: number; t: number; root: bigint }[];
  engine: Engine;
  /** The end state in brief: global state (marks, funding indexes, OI, fund, fee pool), accounts, vault. */
  finalState: {
    global: ReturnType<Engine["global"]>;
    accountCount: number;
    vault: ReturnType<Engine["vaultReport"]>;
    conservedTotal: bigint;
  };
  /** Accepted txs by kind. */
  applied: Record<string, number>;
  rejections: CodeCounts;
  /** Net cash deposited by tape traders (there are no withdrawals on a tape). */
  deposits: bigint;
  /** Trader → engine account id (its cross account, the one deposits credit). */
  accounts: Map<number, number>;
  /** Trader → market → the id of its sub-account isolated to that market. */
  isolated: Map<number, Map<number, number>>;
  /** Engine account id → trader, for every tape account (cross and isolated): ledger ids back to traders. */
  owners: Map<number, number>;
}

export async function runTape(tape: Tape, policy: string, opts: RunOptions = {}): Promise<RunResult> {
  const h = tape.header;
  const params = opts.params ?? policyParams(policy, h.markets, rngSeedOf(h.seed));
  const genesis: EngineGenesis = opts.genesis ?? {
    insuranceFund: h.genesis?.insuranceFund ?? DEFAULT_GENESIS.insuranceFund,
    backstopCollateral: h.genesis?.backstopCollateral ?? DEFAULT_GENESIS.backstopCollateral,
  };
  const engine = new Engine(params, genesis);
  const insuranceStart = engine.global().insuranceFund;
  opts.onStart?.(engine);
  const tracker = new RootTracker(engine);
  const sweepMs = opts.sweepMs ?? 10_000;
  const progressEvery = opts.progressEvery ?? 1000;

  let seq = 0n;
  let deposits = 0n;
  const applied: Record<string, number> = {};
  const rejections: CodeCounts = {};
  const accounts = new Map<number, number>();
  const isolated = new Map<number, Map<number, number>>();
  const owners = new Map<number, number>();
  /** Tape event index of an order → the engine order id it rests under. */
  const resting = new Map<number, { accountId: number; marketId: number; orderId: bigint }>();
  const roots: RunResult["roots"] = [];

  const reject = (kind: string, code: string) => {
    const k = rejections[kind] ?? {};
    rejections[kind] = k;
    k[code] = (k[code] ?? 0) + 1;
  };
  const submit = (tx: EngineTx, label: string = tx.kind): ApplyResult | undefined => {
    seq += 1n;
    try {
      const r = engine.apply(
        tx,
        seq,
        opts.maxTouchedPerTx === undefined
          ? undefined
          : { touchedInBatch: NONE, maxTouched: opts.maxTouchedPerTx },
      );
      applied[label] = (applied[label] ?? 0) + 1;
      tracker.markDirty(r.touched);
      opts.onApplied?.(engine, tx, r, seq);
      return r;
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      reject(label, e.code);
      return undefined;
    }
  };
  const nonceOf = (id: number) => (engine.account(id)?.nonce ?? 0n) + 1n;
  /** The account a trader's order in `marketId` comes from: its isolated sub-account if it has one. */
  const orderAccount = (trader: number, marketId: number) =>
    isolated.get(trader)?.get(marketId) ?? accounts.get(trader);
  const isolate = (ev: IsolateEvent) => {
    const from = accounts.get(ev.trader);
    if (from === undefined) {
      reject("isolate", "NO_ACCOUNT");
      return;
    }
    const subs = isolated.get(ev.trader) ?? new Map<number, number>();
    const existing = subs.get(ev.marketId);
    const target = existing === undefined ? { isolatedMarket: ev.marketId } : { to: existing };
    const r = submit(
      { kind: "transfer", accountId: from, nonce: nonceOf(from), amount: ev.amount, ...target },
      "isolate",
    );
    if (r?.transfer?.created) {
      subs.set(ev.marketId, r.transfer.to);
      isolated.set(ev.trader, subs);
      owners.set(r.transfer.to, ev.trader);
    }
  };
  const sweep = () => {
    for (const id of engine.zombies()) submit({ kind: "liquidation", accountId: id, sweep: true }, "sweep");
  };

  let nextSweep = sweepMs > 0 ? sweepMs : Number.POSITIVE_INFINITY;
  const total = tape.events.length;
  for (let i = 0; i < total; i++) {
    const ev = tape.events[i] as Tape["events"][number];
    while (ev.t >= nextSweep) {
      sweep();
      nextSweep += sweepMs;
    }
    switch (ev.kind) {
      case "deposit": {
        const r = submit({
          kind: "deposit",
          depositIndex: engine.nextDepositIndex(),
          ...(opts.traderKey ?? traderKey)(ev.trader),
          amount: ev.amount,
        });
        if (r?.deposit) {
          accounts.set(ev.trader, r.deposit.accountId);
          owners.set(r.deposit.accountId, ev.trader);
          deposits += ev.amount;
        }
        break;
      }
      case "isolate":
        isolate(ev);
        break;
      case "order": {
        const id = orderAccount(ev.trader, ev.marketId);
        if (id === undefined) {
          reject("order", "NO_ACCOUNT");
          break;
        }
        const r = submit({
          kind: "order",
          accountId: id,
          nonce: nonceOf(id),
          marketId: ev.marketId,
          side: ev.side,
          type: ev.type,
          tif: ev.tif,
          price: ev.price,
          size: ev.size,
        });
        if (r?.status === "resting" && r.orderId !== undefined) {
          resting.set(i, { accountId: id, marketId: ev.marketId, orderId: r.orderId });
        }
        break;
      }
      case "cancel": {
        const o = resting.get(ev.ref);
        if (!o) {
          reject("cancel", "NOT_RESTING");
          break;
        }
        resting.delete(ev.ref);
        submit({
          kind: "cancel",
          accountId: o.accountId,
          nonce: nonceOf(o.accountId),
          marketId: o.marketId,
          orderId: o.orderId,
        });
        break;
      }
      case "price": {
        const ms = h.startMs + BigInt(ev.t);
        const r = submit({
          kind: "price",
          marketId: ev.marketId,
          price: ev.price,
          timestampMs: ms,
          nowMs: ms,
        });
        const tried = new Set<number>();
        for (const id of r?.liquidationsDetected ?? []) {
          tried.add(id);
          submit({ kind: "liquidation", accountId: id });
        }
        for (const id of engine.liquidationsInProgress()) {
          if (tried.has(id)) continue;
          tried.add(id);
          submit({ kind: "liquidation", accountId: id }, "liquidation");
        }
        break;
      }
    }
    if (opts.rootEvery && (i + 1) % opts.rootEvery === 0) {
      roots.push({ event: i, t: ev.t, root: await tracker.root() });
    }
    if (opts.onProgress && (i + 1) % progressEvery === 0) opts.onProgress(i + 1, total);
  }
  while (nextSweep <= h.durationMs) {
    sweep();
    nextSweep += sweepMs;
  }
  opts.onProgress?.(total, total);

  const finalRoot = await tracker.root();
  const ledger = engine.ledger();
  const summary = summarize({
    policy,
    ledger,
    insuranceStart,
    insuranceEnd: engine.global().insuranceFund,
    vault: engine.vaultReport(),
    applied,
    rejections,
    endMs: engine.nowMs(),
    isolatedAccounts: new Set([...isolated.values()].flatMap((m) => [...m.values()])),
  });
  const finalState = {
    global: engine.global(),
    accountCount: engine.accountCount(),
    vault: engine.vaultReport(),
    conservedTotal: engine.conservedTotal(),
  };
  return {
    policy,
    ledger,
    summary,
    finalRoot,
    roots,
    engine,
    finalState,
    applied,
    rejections,
    deposits,
    accounts,
    isolated,
    owners,
  };
}
