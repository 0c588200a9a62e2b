/**
 * Builds the Batch2 circuit input (docs/PROOF.md) from a batch's proven ops, batch after batch. It
 * keeps the proof's view of the state (the v2 account tree with each account's order-fill tree, the
 * market fields the price slots move, the L1 deposit chain) and runs every op through ProofModel
 * first, so a batch the circuit would refuse fails here with the rule's code.
 */

import type { Batch2Instance } from "../../circuits/batch2-instance.ts";
import { BaseError } from "../../core/errors.ts";
import type { Signature } from "../crypto/eddsa.ts";
import { priceMessage } from "../crypto/messages.ts";
import { poseidon } from "../crypto/poseidon.ts";
import { fromFieldSigned, toField } from "../state/field.ts";
import type { MarketState } from "../state/global-state.ts";
import type { AccountLeaf } from "../state/leaf.ts";
import {
  type AccountRecord,
  type BatchData,
  dataLayout,
  encodeBatchData,
  type OrderRecord,
} from "./batch-data.ts";
import { ProofRuleError } from "./errors.ts";
import { FORCED_KIND_CODE, type ForcedRequest } from "./forced.ts";
import { MemorySmt } from "./memory-smt.ts";
import { messageHash, orderFields, transferFields, withdrawalFields } from "./messages.ts";
import { type OrderSlot, ProofModel, type ProofRules } from "./model.ts";
import type { ProofOp } from "./ops.ts";

export class WitnessError extends BaseError {
  override name = "WitnessError";
}

const KIND_INDEX = {
  deposit: 0,
  withdrawal: 1,
  transfer: 2,
  fill: 3,
  "on-book": 4,
  vault: 5,
  adl: 6,
  penalty: 7,
  cover: 8,
} as const;

export interface ProofGenesis {
  accounts: ReadonlyMap<number, AccountLeaf>;
  markets: readonly MarketState[];
  insuranceFund: bigint;
  feePool: bigint;
  /** The oracle keeper's key, fixed at genesis. */
  keeper: readonly [bigint, bigint];
}

export interface BuildBatchParams {
  batchNumber: bigint;
  batchTimeMs: bigint;
  ops: readonly ProofOp[];
  /** Signatures by the message hash they sign (orders, withdrawals, transfers, prices). */
  signatures: ReadonlyMap<bigint, Signature>;
  /** Final nonce per account (the engine's); the model's where missing. */
  nonces?: ReadonlyMap<number, bigint>;
  /**
   * Build the witness even where the model refuses an op (its errors are returned in `violations`).
   * For tests that write a hostile batch and show the circuit refuses it at the matching constraint.
   */
  unchecked?: boolean;
}

export interface Batch2Witness {
  input: Record<string, unknown>;
  oldStateRoot: bigint;
  newStateRoot: bigint;
  publicHash: bigint;
  depositHashNew: bigint;
  priorityHashNew: bigint;
  /** Priority requests the batch serves (Rollup.submitBatch's priorityCount). */
  priorityCount: bigint;
  withdrawalHash: bigint;
  withdrawals: { accountId: number; l1Address: bigint; amount: bigint }[];
  /** The model's refusals, with `unchecked` (empty otherwise: a refusal throws). */
  violations: ProofRuleError[];
  /** The published data (proof/batch-data.ts): the public data words and the records they pack. */
  data: bigint[];
  records: BatchData;
  /** The account ids of the slots the batch used, in slot order. */
  accounts: number[];
}

type OpFields = { kind: number } & Partial<
  Record<"a" | "b" | "msgA" | "msgB" | "market" | "t" | "price" | "amount" | "feeA" | "feeB", bigint>
>;

export interface MarketExtra {
  index: bigint;
  priceTime: bigint;
  fundingTime: bigint;
}

const dec = (x: bigint) => toField(x).toString();

/** The priority queue's next hash, as Rollup.sol `_queue` computes it. */
export function priorityItem(
  h: bigint,
  r: Pick<ForcedRequest, "request" | "accountId" | "pubKeyX" | "pubKeyY" | "amount" | "to">,
): bigint {
  return poseidon([
    h,
    FORCED_KIND_CODE[r.request],
    BigInt(r.accountId),
    poseidon([r.pubKeyX, r.pubKeyY]),
    (r.amount << 160n) + r.to,
  ]);
}

/** What a ProofChain carries from batch to batch (see `exportState`). */
export interface ProofChainState {
  model: ProofModel;
  tree: MemorySmt;
  leaves: Map<number, bigint[]>;
  orderTrees: Map<number, MemorySmt>;
  orderEntries: Map<number, Map<number, OrderSlot>>;
  extra: MarketExtra[];
  depositHash: bigint;
  /** Absent in snapshots from before priority requests: 0. */
  priorityHash?: bigint;
}

/** The proof's state across batches, and the witness of each next batch. */
export class ProofChain {
  private proofModel: ProofModel;
  private tree: MemorySmt;
  private leaves = new Map<number, bigint[]>();
  private orderTrees = new Map<number, MemorySmt>();
  private orderEntries = new Map<number, Map<number, OrderSlot>>();
  private extra: MarketExtra[];
  private readonly emptyLeaf: bigint[];
  private depositHash = 0n;
  private priorityHash = 0n;

  constructor(
    readonly inst: Batch2Instance,
    rules: Omit<ProofRules, "markets" | "penaltyBps" | "orderBits" | "liquidationBandBps">,
    private readonly genesis: ProofGenesis,
  ) {
    this.proofModel = new ProofModel(
      {
        ...rules,
        markets: inst.imfBps.map((imfBps, m) => ({ imfBps, mmfBps: inst.mmfBps[m] as number })),
        penaltyBps: inst.penaltyBps,
        liquidationBandBps: inst.liquidationBandBps,
        orderBits: inst.K,
      },
      genesis,
    );
    this.emptyLeaf = new Array(5 + 3 * inst.M).fill(0n);
    this.tree = new MemorySmt(inst.D, poseidon(this.emptyLeaf));
    for (const id of genesis.accounts.keys()) this.writeLeaf(id);
    this.extra = genesis.markets.map(() => ({ index: 0n, priceTime: 0n, fundingTime: 0n }));
  }

  get model(): ProofModel {
    return this.proofModel;
  }

  /**
   * The state this chain moves batch by batch, live (not a copy): for the snapshot codec, which copies
   * it before the next batch's witness. The rest (instance, genesis, empty leaf) is configuration.
   */
  exportState(): ProofChainState {
    return {
      model: this.proofModel,
      tree: this.tree,
      leaves: this.leaves,
      orderTrees: this.orderTrees,
      orderEntries: this.orderEntries,
      extra: this.extra,
      depositHash: this.depositHash,
      priorityHash: this.priorityHash,
    };
  }

  /** Puts back a state `exportState` gave (restored from a snapshot of a chain with the same instance). */
  importState(s: ProofChainState): void {
    if (s.model.rules !== this.proofModel.rules || s.tree.depth !== this.inst.D)
      throw new RangeError("the restored proof state belongs to another instance or rule set");
    this.proofModel = s.model;
    this.tree = s.tree;
    this.leaves = s.leaves;
    this.orderTrees = s.orderTrees;
    this.orderEntries = s.orderEntries;
    this.extra = s.extra;
    this.depositHash = s.depositHash;
    this.priorityHash = s.priorityHash ?? 0n;
  }

  /** v2 leaf fields of an account as the proof sees it now. */
  leafFields(id: number): bigint[] {
    const a = this.model.leaf(id);
    const orders = this.orderTrees.get(id);
    const out = [a.pubKeyX, a.pubKeyY, a.nonce, a.collateral, orders ? orders.root : 0n];
    for (const p of a.positions) out.push(p.size, p.entryNotional, p.fundingSnapshot);
    return out.map(toField);
  }

  private writeLeaf(id: number): void {
    const f = this.leafFields(id);
    this.leaves.set(id, f);
    this.tree.set(BigInt(id), poseidon(f));
  }

  globalFields(): bigint[] {
    const g: bigint[] = [];
    this.model.markets.forEach((mk, m) => {
      const e = this.extra[m] as MarketExtra;
      g.push(e.index, mk.markPrice, mk.fundingIndex, mk.openInterest, e.priceTime, e.fundingTime);
    });
    g.push(this.model.insuranceFund, this.model.feePool, this.genesis.keeper[0], this.genesis.keeper[1]);
    return g.map(toField);
  }

  static globalRoot(fields: readonly bigint[], M: number): bigint {
    const markets = Array.from({ length: M }, (_, m) => poseidon(fields.slice(6 * m, 6 * m + 6)));
    return poseidon([...markets, ...fields.slice(6 * M)]);
  }

  stateRoot(): bigint {
    return poseidon([this.tree.root, ProofChain.globalRoot(this.globalFields(), this.inst.M)]);
  }

  /**
   * The published record of each account slot (proof/batch-data.ts): null where the slot changed
   * nothing, else its new fields, where its key came from, and which funding snapshots moved to F.
   */
  private accountRecords(
    slots: readonly { old: bigint[]; new: bigint[]; index: number }[],
    deposits: readonly { x: bigint; y: bigint }[],
    lenient: boolean,
  ): (AccountRecord | null)[] {
    const { N, M } = this.inst;
    const out: (AccountRecord | null)[] = [];
    slots.forEach((s, i) => {
      if (s.old.every((x, f) => x === s.new[f])) {
        out.push(null);
        return;
      }
      const [x, y] = s.new as [bigint, bigint];
      let keyFrom = 0;
      if (x !== s.old[0] || y !== s.old[1]) {
        const k = deposits.findIndex((d) => toField(d.x) === x && toField(d.y) === y);
        // A key copied from another slot names an earlier changed slot that already held it, so a
        // reader resolves every key in one pass.
        const j = slots.findIndex((o, jj) => jj < i && out[jj] !== null && o.old[0] === x && o.old[1] === y);
        if (k >= 0) keyFrom = 1 + N + k;
        else if (j >= 0 && x !== 0n) keyFrom = 1 + j;
        else if (!lenient)
          throw new WitnessError(
            "WITNESS_BAD_BATCH",
            `account ${s.index} got a key no deposit or earlier slot holds`,
            {
              details: { index: s.index, slot: i },
            },
          );
      }
      const snapshotToF = Array.from({ length: M }, (_, m) => {
        const F = toField((this.model.markets[m] as MarketState).fundingIndex);
        const snap = s.new[7 + 3 * m] as bigint;
        if (snap !== F && snap !== s.old[7 + 3 * m] && !lenient)
          throw new WitnessError("WITNESS_BAD_BATCH", `account ${s.index}'s funding snapshot moved off F`, {
            details: { index: s.index, market: m },
          });
        return snap === F;
      });
      out.push({
        index: s.index,
        keyFrom,
        nonce: s.new[2] as bigint,
        collateral: s.new[3] as bigint,
        sizes: Array.from({ length: M }, (_, m) => fromFieldSigned(s.new[5 + 3 * m] as bigint)),
        entries: Array.from({ length: M }, (_, m) => fromFieldSigned(s.new[6 + 3 * m] as bigint)),
        snapshotToF,
      });
    });
    return out;
  }

  buildBatch(p: BuildBatchParams): Batch2Witness {
    const { inst } = this;
    const { M } = inst;
    const oldGlobal = this.globalFields();
    const oldAccountsRoot = this.tree.root;
    const oldStateRoot = this.stateRoot();
    const depositHashOld = this.depositHash;
    const priorityHashOld = this.priorityHash;
    const model = this.model;
    model.beginBatch(p.batchTimeMs);
    const violations: ProofRuleError[] = [];
    const checked = <T>(fn: () => T): T | undefined => {
      try {
        return fn();
      } catch (err) {
        if (!p.unchecked || !(err instanceof ProofRuleError)) throw err;
        violations.push(err);
        return undefined;
      }
    };

    const sig = (hash: bigint, what: string): Signature => {
      const s = p.signatures.get(hash);
      if (!s)
        throw new WitnessError("WITNESS_MISSING_SIGNATURE", `no signature for ${what}`, {
          details: { what },
        });
      return s;
    };
    const tooMany = (what: string, max: number) => {
      throw new WitnessError("WITNESS_BATCH_TOO_LARGE", `the batch needs more than ${max} ${what}`, {
        details: { what, max, instance: inst.name },
      });
    };

    // 1. Prices first, at most one per market.
    const priceSlots = Array.from({ length: M }, () => ({
      enabled: 0n,
      price: 0n,
      time: 0n,
      mark: 0n,
      F: 0n,
      sig: [0n, 0n, 0n],
    }));
    let k = 0;
    for (; k < p.ops.length && p.ops[k]?.kind === "price"; k++) {
      const op = p.ops[k] as Extract<ProofOp, { kind: "price" }>;
      const slot = priceSlots[op.marketId];
      if (!slot || slot.enabled === 1n)
        throw new WitnessError("WITNESS_BAD_BATCH", "a batch holds at most one price per market", {
          details: { marketId: op.marketId },
        });
      const s = sig(
        priceMessage({ marketId: op.marketId, price: op.indexPrice, timestampMs: op.timestampMs }),
        `price of market ${op.marketId}`,
      );
      Object.assign(slot, {
        enabled: 1n,
        price: op.indexPrice,
        time: op.timestampMs,
        mark: op.mark,
        F: op.fundingIndex,
        sig: [s.R8[0], s.R8[1], s.S],
      });
      const e = this.extra[op.marketId] as MarketExtra;
      if (op.fundingIndex !== (model.markets[op.marketId] as MarketState).fundingIndex)
        e.fundingTime = op.timestampMs;
      e.index = op.indexPrice;
      e.priceTime = op.timestampMs;
      checked(() => model.apply(op));
    }

    // 2. The table, the messages and the op slots, running each op through the model.
    const slots: number[] = [];
    const slotOf = new Map<number, number>();
    const settle = new Map<number, Set<number>>();
    const slotFor = (id: number): number => {
      let s = slotOf.get(id);
      if (s === undefined) {
        s = slots.length;
        if (s >= inst.N) tooMany("account slots", inst.N);
        slots.push(id);
        slotOf.set(id, s);
      }
      return s;
    };
    const msgs: { fields: bigint[]; sig: Signature; accountId: number; fills: bigint; isOrder: boolean }[] =
      [];
    const msgOf = new Map<bigint, number>();
    const msgFor = (fields: bigint[], accountId: number, isOrder: boolean): number => {
      const h = messageHash(fields);
      let j = msgOf.get(h);
      if (j === undefined) {
        j = msgs.length;
        if (j >= inst.S) tooMany("signed messages", inst.S);
        msgs.push({
          fields,
          sig: sig(h, `a message of account ${accountId}`),
          accountId,
          fills: 0n,
          isOrder,
        });
        msgOf.set(h, j);
        slotFor(accountId);
      }
      return j;
    };
    const opSlots: Record<string, bigint | bigint[]>[] = [];
    const deposits: { x: bigint; y: bigint; amount: bigint }[] = [];
    const paid: { accountId: number; l1Address: bigint; amount: bigint }[] = [];
    const forced: { op: Extract<ProofOp, { kind: "forced" }>; slot: number }[] = [];
    const addOp = (o: OpFields) => {
      if (opSlots.length >= inst.T) tooMany("op slots", inst.T);
      const kind = new Array(9).fill(0n);
      kind[o.kind] = 1n;
      opSlots.push({
        kind,
        a: o.a ?? 0n,
        b: o.b ?? 0n,
        msgA: o.msgA ?? 0n,
        msgB: o.msgB ?? 0n,
        market: o.market ?? 0n,
        t: o.t ?? 0n,
        price: o.price ?? 0n,
        amount: o.amount ?? 0n,
        feeA: o.feeA ?? 0n,
        feeB: o.feeB ?? 0n,
      });
    };
    const abs = (x: bigint) => (x < 0n ? -x : x);

    for (; k < p.ops.length; k++) {
      const op = p.ops[k] as ProofOp;
      // The circuit serves priority requests after every op, so one must end its batch.
      if (forced.length > 0 && op.kind !== "forced")
        throw new WitnessError("WITNESS_BAD_BATCH", "a priority request must end its batch", {
          details: { kind: op.kind },
        });
      switch (op.kind) {
        case "price":
          throw new WitnessError("WITNESS_BAD_BATCH", "a price must start its batch", {
            details: { marketId: op.marketId },
          });
        case "settle": {
          slotFor(op.accountId);
          const s = settle.get(op.accountId) ?? new Set<number>();
          s.add(op.marketId);
          settle.set(op.accountId, s);
          break;
        }
        case "deposit":
          if (deposits.length >= inst.ND) tooMany("deposit slots", inst.ND);
          deposits.push({ x: op.pubKeyX, y: op.pubKeyY, amount: op.amount });
          addOp({ kind: KIND_INDEX.deposit, a: BigInt(slotFor(op.accountId)), amount: op.amount });
          break;
        case "withdrawal": {
          if (paid.length >= inst.NW) tooMany("withdrawal slots", inst.NW);
          paid.push({ accountId: op.accountId, l1Address: op.l1Address, amount: op.amount });
          const j = msgFor(withdrawalFields(op), op.accountId, false);
          addOp({
            kind: KIND_INDEX.withdrawal,
            a: BigInt(slotFor(op.accountId)),
            msgA: BigInt(j),
            amount: op.amount,
          });
          break;
        }
        case "transfer": {
          const j = msgFor(transferFields({ ...op, accountId: op.from }), op.from, false);
          addOp({
            kind: KIND_INDEX.transfer,
            a: BigInt(slotFor(op.from)),
            b: BigInt(slotFor(op.to)),
            msgA: BigInt(j),
            amount: op.amount,
          });
          break;
        }
        case "fill": {
          const jt = msgFor(orderFields(op.taker), op.taker.accountId, true);
          const jm = msgFor(orderFields(op.maker), op.maker.accountId, true);
          (msgs[jt] as { fills: bigint }).fills += op.size;
          (msgs[jm] as { fills: bigint }).fills += op.size;
          addOp({
            kind: KIND_INDEX.fill,
            a: BigInt(slotFor(op.taker.accountId)),
            b: BigInt(slotFor(op.maker.accountId)),
            msgA: BigInt(jt),
            msgB: BigInt(jm),
            market: BigInt(op.marketId),
            t: op.taker.side === "buy" ? op.size : -op.size,
            price: op.price,
            feeA: op.takerFee,
            feeB: op.makerFee,
          });
          break;
        }
        case "liquidation-fill": {
          let msgB: bigint | undefined;
          if (op.tier === "on-book" && op.counterOrder) {
            const j = msgFor(orderFields(op.counterOrder), op.counterparty, true);
            (msgs[j] as { fills: bigint }).fills += abs(op.size);
            msgB = BigInt(j);
          }
          addOp({
            kind: KIND_INDEX[op.tier],
            a: BigInt(slotFor(op.liquidated)),
            b: BigInt(slotFor(op.counterparty)),
            ...(msgB === undefined ? {} : { msgB }),
            market: BigInt(op.marketId),
            t: op.size,
            price: op.price,
            feeB: op.counterFee,
          });
          break;
        }
        case "penalty":
          addOp({ kind: KIND_INDEX.penalty, a: BigInt(slotFor(op.accountId)), amount: op.amount });
          break;
        case "forced":
          if (forced.length >= inst.NP) tooMany("priority slots", inst.NP);
          if (op.request === "withdrawal") {
            if (paid.length >= inst.NW) tooMany("withdrawal slots", inst.NW);
            paid.push({ accountId: op.accountId, l1Address: op.to, amount: op.paid });
          }
          forced.push({ op, slot: slotFor(op.accountId) });
          break;
        case "cover":
          addOp({
            kind: KIND_INDEX.cover,
            a: BigInt(slotFor(op.accountId)),
            b: BigInt(slotFor(model.rules.vaultId)),
            // The circuit carries a cover's fund share in `amount` and its vault share in `feeB`.
            amount: op.fromFund,
            feeB: op.fromVault,
          });
          break;
      }
      checked(() => model.apply(op));
    }
    // An account whose only change is its nonce (an order that rested unfilled, a cancel) still
    // needs its slot: its new leaf carries the new nonce.
    for (const [id, n] of p.nonces ?? []) if (n !== model.leaf(id).nonce) slotFor(id);
    checked(() => model.endBatch(p.nonces));

    // 3. Message slots and the order-fill trees, in slot order (the circuit's order).
    const msgInputs = msgs.map((mg) => {
      const none = {
        record: null,
        occupied: 0n,
        storedNonce: 0n,
        storedFilled: 0n,
        siblings: new Array(inst.K).fill(0n),
      };
      if (!mg.isOrder) return none;
      const nonce = mg.fields[2] as bigint;
      let tree = this.orderTrees.get(mg.accountId);
      if (!tree) {
        tree = new MemorySmt(inst.K, 0n);
        this.orderTrees.set(mg.accountId, tree);
      }
      const entries = this.orderEntries.get(mg.accountId) ?? new Map<number, OrderSlot>();
      this.orderEntries.set(mg.accountId, entries);
      const idx = Number(nonce % (1n << BigInt(inst.K)));
      const cur = entries.get(idx);
      const siblings = tree.path(BigInt(idx));
      const start = cur && cur.nonce === nonce ? cur.filled : 0n;
      const filled = start + mg.fills;
      entries.set(idx, { nonce, filled });
      tree.set(BigInt(idx), poseidon([nonce, filled]));
      return {
        record: { accountId: mg.accountId, nonce, filled } as OrderRecord,
        occupied: cur ? 1n : 0n,
        storedNonce: cur?.nonce ?? 0n,
        storedFilled: cur?.filled ?? 0n,
        siblings,
      };
    });

    // 4. Account slots, padded with no-op repeats of the last one (or the vault's leaf).
    const accInputs: {
      index: number;
      old: bigint[];
      new: bigint[];
      siblings: bigint[];
      settle: bigint[];
      nonce: bigint;
    }[] = [];
    for (const id of slots) {
      const old = this.leaves.get(id) ?? this.emptyLeaf;
      const siblings = this.tree.path(BigInt(id));
      this.writeLeaf(id);
      const s = settle.get(id);
      accInputs.push({
        index: id,
        old,
        new: this.leafFields(id),
        siblings,
        settle: Array.from({ length: M }, (_, m) => (s?.has(m) ? 1n : 0n)),
        nonce: this.model.leaf(id).nonce,
      });
    }
    const padId = slots[slots.length - 1] ?? model.rules.vaultId;
    while (accInputs.length < inst.N) {
      const cur = this.leafFields(padId);
      accInputs.push({
        index: padId,
        old: this.leaves.get(padId) ?? cur,
        new: this.leaves.get(padId) ?? cur,
        siblings: this.tree.path(BigInt(padId)),
        settle: new Array(M).fill(0n),
        nonce: this.model.leaf(padId).nonce,
      });
    }

    // 5. L1 queues, the new state, the public hash.
    const depositHashNew = deposits.reduce((h, d) => poseidon([h, d.x, d.y, d.amount]), depositHashOld);
    this.depositHash = depositHashNew;
    const withdrawalHash = paid.reduce(
      (h, w) => poseidon([h, BigInt(w.accountId), w.l1Address, w.amount]),
      0n,
    );
    const newStateRoot = this.stateRoot();
    const records: BatchData = {
      global: this.globalFields().slice(0, 6 * M + 2),
      accounts: this.accountRecords(accInputs, deposits, p.unchecked === true),
      orders: Array.from({ length: inst.S }, (_, j) =>
        msgInputs[j] && msgs[j]?.isOrder ? msgInputs[j].record : null,
      ),
    };
    const data = encodeBatchData(dataLayout(inst), records, p.unchecked === true);
    const priorityHashNew = forced.reduce((h, { op }) => priorityItem(h, op), priorityHashOld);
    this.priorityHash = priorityHashNew;
    const l1Hash = poseidon([depositHashOld, depositHashNew, withdrawalHash, p.batchTimeMs]);
    const publicHash = poseidon([
      oldStateRoot,
      newStateRoot,
      p.batchNumber,
      l1Hash,
      poseidon([priorityHashOld, priorityHashNew]),
    ]);
    const fPad = (i: number) => forced[i];

    const padMsg = Array.from({ length: inst.S - msgs.length }, () => null);
    const msgAll = [...msgs.map((m, j) => ({ m, x: msgInputs[j] })), ...padMsg.map(() => null)];
    const noop = (): Record<string, bigint | bigint[]> => ({
      kind: new Array(9).fill(0n),
      a: 0n,
      b: 0n,
      msgA: 0n,
      msgB: 0n,
      market: 0n,
      t: 0n,
      price: 0n,
      amount: 0n,
      feeA: 0n,
      feeB: 0n,
    });
    const opsAll: Record<string, bigint | bigint[]>[] = [
      ...opSlots,
      ...Array.from({ length: inst.T - opSlots.length }, noop),
    ];
    const col = (name: string) => opsAll.map((o) => dec(o[name] as bigint));
    const depPad = (i: number) => deposits[i] ?? { x: 0n, y: 0n, amount: 0n };
    const wdPad = (i: number) => paid[i] ?? { accountId: 0, l1Address: 0n, amount: 0n };

    const input: Record<string, unknown> = {
      publicHash: dec(publicHash),
      batchNumber: dec(p.batchNumber),
      data: data.map(dec),
      priorityHashOld: dec(priorityHashOld),
      priorityHashNew: dec(priorityHashNew),
      forcedKind: Array.from({ length: inst.NP }, (_, i) => {
        const f = fPad(i);
        return f ? dec(FORCED_KIND_CODE[f.op.request]) : "0";
      }),
      forcedAccount: Array.from({ length: inst.NP }, (_, i) => dec(BigInt(fPad(i)?.op.accountId ?? 0))),
      forcedKeyX: Array.from({ length: inst.NP }, (_, i) => dec(fPad(i)?.op.pubKeyX ?? 0n)),
      forcedKeyY: Array.from({ length: inst.NP }, (_, i) => dec(fPad(i)?.op.pubKeyY ?? 0n)),
      forcedAmount: Array.from({ length: inst.NP }, (_, i) => dec(fPad(i)?.op.amount ?? 0n)),
      forcedTo: Array.from({ length: inst.NP }, (_, i) => dec(fPad(i)?.op.to ?? 0n)),
      forcedSlot: Array.from({ length: inst.NP }, (_, i) => dec(BigInt(fPad(i)?.slot ?? 0))),
      keyFrom: records.accounts.map((r) => dec(BigInt(r?.keyFrom ?? 0))),
      batchTimeMs: dec(p.batchTimeMs),
      depositHashOld: dec(depositHashOld),
      depositHashNew: dec(depositHashNew),
      withdrawalHash: dec(withdrawalHash),
      oldAccountsRoot: dec(oldAccountsRoot),
      oldGlobal: oldGlobal.map(dec),
      priceEnabled: priceSlots.map((s) => dec(s.enabled)),
      price: priceSlots.map((s) => dec(s.price)),
      priceTime: priceSlots.map((s) => dec(s.time)),
      newMark: priceSlots.map((s) => dec(s.mark)),
      newF: priceSlots.map((s) => dec(s.F)),
      priceSig: priceSlots.map((s) => s.sig.map(dec)),
      index: accInputs.map((a) => dec(BigInt(a.index))),
      oldLeaf: accInputs.map((a) => a.old.map(dec)),
      siblings: accInputs.map((a) => a.siblings.map(dec)),
      settle: accInputs.map((a) => a.settle.map(dec)),
      finalNonce: accInputs.map((a) => dec(a.nonce)),
      msgEnabled: msgAll.map((e) => (e ? "1" : "0")),
      msgFields: msgAll.map((e) => (e ? e.m.fields.map(dec) : new Array(11).fill("0"))),
      msgSig: msgAll.map((e) => (e ? [e.m.sig.R8[0], e.m.sig.R8[1], e.m.sig.S].map(dec) : ["0", "0", "0"])),
      msgSlot: msgAll.map((e) => (e ? dec(BigInt(slotOf.get(e.m.accountId) as number)) : "0")),
      orderOccupied: msgAll.map((e) => (e ? dec(e.x!.occupied) : "0")),
      orderStoredNonce: msgAll.map((e) => (e ? dec(e.x!.storedNonce) : "0")),
      orderStoredFilled: msgAll.map((e) => (e ? dec(e.x!.storedFilled) : "0")),
      orderSiblings: msgAll.map((e) => (e ? e.x!.siblings.map(dec) : new Array(inst.K).fill("0"))),
      opKind: opsAll.map((o) => (o.kind as bigint[]).map(dec)),
      opA: col("a"),
      opB: col("b"),
      opMsgA: col("msgA"),
      opMsgB: col("msgB"),
      opMarket: col("market"),
      opT: col("t"),
      opPrice: col("price"),
      opAmount: col("amount"),
      opFeeA: col("feeA"),
      opFeeB: col("feeB"),
      depositEnabled: Array.from({ length: inst.ND }, (_, i) => (deposits[i] ? "1" : "0")),
      depositPubKeyX: Array.from({ length: inst.ND }, (_, i) => dec(depPad(i).x)),
      depositPubKeyY: Array.from({ length: inst.ND }, (_, i) => dec(depPad(i).y)),
      depositAmount: Array.from({ length: inst.ND }, (_, i) => dec(depPad(i).amount)),
      withdrawalEnabled: Array.from({ length: inst.NW }, (_, i) => (paid[i] ? "1" : "0")),
      withdrawalAccountId: Array.from({ length: inst.NW }, (_, i) => dec(BigInt(wdPad(i).accountId))),
      withdrawalL1Address: Array.from({ length: inst.NW }, (_, i) => dec(wdPad(i).l1Address)),
      withdrawalAmount: Array.from({ length: inst.NW }, (_, i) => dec(wdPad(i).amount)),
    };
    return {
      input,
      oldStateRoot,
      newStateRoot,
      publicHash,
      depositHashNew,
      priorityHashNew,
      priorityCount: BigInt(forced.length),
      withdrawalHash,
      withdrawals: paid,
      violations,
      data,
      records,
      accounts: [...slots],
    };
  }
}
