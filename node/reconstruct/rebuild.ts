/**
 * The Batch2 state rebuilt from what L1 holds alone (docs/SPEC.md "Published batch data"): the
 * genesis parameters, the deposit queue and each batch's published records. It keeps the same trees
 * as sequencer/proof/witness.ts ProofChain (the account tree, each account's order-fill tree, the
 * global fields), so its root after batch b is the root the proof of b moved L1 to. Pure: no I/O.
 */
import { poseidon } from "../../sequencer/crypto/poseidon.ts";
import type { BatchData } from "../../sequencer/proof/batch-data.ts";
import { MemorySmt } from "../../sequencer/proof/memory-smt.ts";
import { ProofChain } from "../../sequencer/proof/witness.ts";
import { fromFieldSigned, toField } from "../../sequencer/state/field.ts";
import { BadRecordError, RootMismatchError } from "./errors.ts";

/** The instance sizes the rebuild needs (a Batch2Instance has them). */
export interface StateShape {
  D: number;
  N: number;
  M: number;
  K: number;
}

/** The Rollup constructor's Genesis event. */
export interface L1Genesis {
  accountsDepth: number;
  vaultPubKey: readonly [bigint, bigint];
  vaultCollateral: bigint;
  insuranceFund: bigint;
  markPrices: readonly bigint[];
  keeperPubKey: readonly [bigint, bigint];
}

/** A genesis in leaf and global fields (for a genesis the Genesis event cannot express, in tests). */
export interface FieldGenesis {
  /** Leaf fields by account id: [keyX, keyY, nonce, collateral, ordersRoot, (size, entry, snapshot) × M]. */
  leaves: ReadonlyMap<number, readonly bigint[]>;
  /** 6M + 2 fields: per market [index, mark, F, openInterest, priceTime, fundingTime], fund, pool. */
  global: readonly bigint[];
  keeper: readonly [bigint, bigint];
}

/** A deposit's key, as the Deposit event gives it: the source of keyFrom 1 + N + k. */
export interface DepositKey {
  pubKeyX: bigint;
  pubKeyY: bigint;
}

export interface RebuiltPosition {
  size: bigint;
  entryNotional: bigint;
  fundingSnapshot: bigint;
}

export interface OrderFill {
  /** The slot nonce mod 2^K of the account's order-fill tree. */
  slot: number;
  nonce: bigint;
  filled: bigint;
}

export interface RebuiltAccount {
  id: number;
  pubKeyX: bigint;
  pubKeyY: bigint;
  nonce: bigint;
  collateral: bigint;
  ordersRoot: bigint;
  positions: RebuiltPosition[];
  orders: OrderFill[];
}

export interface RebuiltMarket {
  indexPrice: bigint;
  markPrice: bigint;
  fundingIndex: bigint;
  openInterest: bigint;
  priceTimeMs: bigint;
  fundingTimeMs: bigint;
}

export interface RebuiltGlobal {
  markets: RebuiltMarket[];
  insuranceFund: bigint;
  feePool: bigint;
  keeper: readonly [bigint, bigint];
}

const hex = (x: bigint) => `0x${x.toString(16).padStart(64, "0")}`;

export class L1State {
  private readonly tree: MemorySmt;
  private readonly leaves = new Map<number, bigint[]>();
  private readonly orderTrees = new Map<number, MemorySmt>();
  private readonly orderEntries = new Map<number, Map<number, { nonce: bigint; filled: bigint }>>();
  private global: bigint[];
  private readonly keeper: readonly [bigint, bigint];
  private readonly emptyLeaf: readonly bigint[];
  private batch = 0;
  private deposits = 0;

  constructor(
    readonly shape: StateShape,
    genesis: FieldGenesis,
  ) {
    const { M } = shape;
    this.emptyLeaf = new Array(5 + 3 * M).fill(0n);
    this.tree = new MemorySmt(shape.D, poseidon([...this.emptyLeaf]));
    if (genesis.global.length !== 6 * M + 2)
      throw new BadRecordError(
        "RECONSTRUCT_BAD_GENESIS",
        `genesis has ${genesis.global.length} global fields`,
        {
          details: { fields: genesis.global.length, M },
        },
      );
    this.global = genesis.global.map(toField);
    this.keeper = [toField(genesis.keeper[0]), toField(genesis.keeper[1])];
    for (const [id, f] of genesis.leaves) {
      if (f.length !== this.emptyLeaf.length)
        throw new BadRecordError("RECONSTRUCT_BAD_GENESIS", `genesis leaf ${id} has ${f.length} fields`);
      this.writeLeaf(id, f.map(toField));
    }
  }

  /** The state the Rollup constructor hashed (GenesisState.sol): the vault at 0, markets at their marks. */
  static fromGenesis(shape: StateShape, g: L1Genesis): L1State {
    if (g.accountsDepth !== shape.D || g.markPrices.length !== shape.M)
      throw new BadRecordError(
        "RECONSTRUCT_WRONG_INSTANCE",
        `the Rollup's genesis is for D=${g.accountsDepth}, M=${g.markPrices.length}, the instance has D=${shape.D}, M=${shape.M}`,
        { details: { accountsDepth: g.accountsDepth, markets: g.markPrices.length, D: shape.D, M: shape.M } },
      );
    const vault = new Array(5 + 3 * shape.M).fill(0n);
    vault[0] = g.vaultPubKey[0];
    vault[1] = g.vaultPubKey[1];
    vault[3] = g.vaultCollateral;
    const global = g.markPrices.flatMap((mark) => [0n, mark, 0n, 0n, 0n, 0n]);
    global.push(g.insuranceFund, 0n);
    return new L1State(shape, { leaves: new Map([[0, vault]]), global, keeper: g.keeperPubKey });
  }

  /** The last batch applied (0 at genesis). */
  get lastBatch(): number {
    return this.batch;
  }

  /** Deposits credited so far (the Rollup's depositsConsumed after `lastBatch`). */
  get depositsConsumed(): number {
    return this.deposits;
  }

  private writeLeaf(id: number, f: bigint[]): void {
    this.leaves.set(id, f);
    this.tree.set(BigInt(id), poseidon(f));
  }

  /**
   * Applies batch `batch`'s records; `deposits` are the keys of the deposits it consumed, in queue
   * order. With `expectedRoot` (the BatchVerified event's), a different rebuilt root throws
   * RootMismatchError. Returns the new state root.
   */
  applyBatch(batch: number, data: BatchData, deposits: readonly DepositKey[], expectedRoot?: bigint): bigint {
    const { N, M, D, K } = this.shape;
    if (data.global.length !== 6 * M + 2 || data.accounts.length !== N)
      throw new BadRecordError("RECONSTRUCT_BAD_RECORD", `batch ${batch}'s records do not fit the instance`, {
        details: { batch, global: data.global.length, accounts: data.accounts.length },
      });
    this.global = data.global.map(toField);
    // Keys a record copies are the slots' keys before this batch wrote them.
    const oldKeys: ([bigint, bigint] | undefined)[] = [];
    const touched = new Set<number>();
    const bad = (what: string, details: Record<string, unknown>) =>
      new BadRecordError("RECONSTRUCT_BAD_RECORD", `batch ${batch}: ${what}`, {
        details: { batch, ...details },
      });

    data.accounts.forEach((r, i) => {
      if (!r) return;
      if (!Number.isInteger(r.index) || r.index < 0 || r.index >= 2 ** D)
        throw bad(`account slot ${i} names account ${r.index}, outside the tree`, {
          slot: i,
          index: r.index,
        });
      const old = this.leaves.get(r.index) ?? [...this.emptyLeaf];
      oldKeys[i] = [old[0] as bigint, old[1] as bigint];
      let key: readonly [bigint, bigint];
      if (r.keyFrom === 0) key = oldKeys[i];
      else if (r.keyFrom <= N) {
        const k = oldKeys[r.keyFrom - 1];
        if (r.keyFrom - 1 >= i || !k)
          throw bad(
            `account slot ${i} copies the key of slot ${r.keyFrom - 1}, not an earlier changed slot`,
            {
              slot: i,
              keyFrom: r.keyFrom,
            },
          );
        key = k;
      } else {
        const d = deposits[r.keyFrom - 1 - N];
        if (!d)
          throw bad(
            `account slot ${i} takes the key of deposit ${r.keyFrom - 1 - N}, which the batch did not consume`,
            {
              slot: i,
              keyFrom: r.keyFrom,
              deposits: deposits.length,
            },
          );
        key = [toField(d.pubKeyX), toField(d.pubKeyY)];
      }
      const f = [key[0], key[1], toField(r.nonce), toField(r.collateral), old[4] as bigint];
      for (let m = 0; m < M; m++) {
        const snap = r.snapshotToF[m] ? (this.global[6 * m + 2] as bigint) : (old[7 + 3 * m] as bigint);
        f.push(toField(r.sizes[m] as bigint), toField(r.entries[m] as bigint), snap);
      }
      this.leaves.set(r.index, f);
      touched.add(r.index);
    });

    for (const [j, o] of data.orders.entries()) {
      if (!o) continue;
      if (!Number.isInteger(o.accountId) || o.accountId < 0 || o.accountId >= 2 ** D)
        throw bad(`order record ${j} names account ${o.accountId}, outside the tree`, { order: j });
      let tree = this.orderTrees.get(o.accountId);
      if (!tree) {
        tree = new MemorySmt(K, 0n);
        this.orderTrees.set(o.accountId, tree);
      }
      const entries = this.orderEntries.get(o.accountId) ?? new Map();
      this.orderEntries.set(o.accountId, entries);
      const slot = Number(o.nonce % (1n << BigInt(K)));
      entries.set(slot, { nonce: o.nonce, filled: o.filled });
      tree.set(BigInt(slot), poseidon([o.nonce, o.filled]));
      // An account's ordersRoot is 0 until its first order write, then its tree's root.
      const leaf = this.leaves.get(o.accountId) ?? [...this.emptyLeaf];
      leaf[4] = tree.root;
      this.leaves.set(o.accountId, leaf);
      touched.add(o.accountId);
    }

    for (const id of touched) this.writeLeaf(id, this.leaves.get(id) as bigint[]);
    this.batch = batch;
    this.deposits += deposits.length;
    const root = this.stateRoot();
    if (expectedRoot !== undefined && root !== expectedRoot)
      throw new RootMismatchError(
        "RECONSTRUCT_ROOT_MISMATCH",
        `batch ${batch}: the rebuilt root ${hex(root)} is not the verified root ${hex(expectedRoot)}`,
        { details: { batch, rebuilt: hex(root), verified: hex(expectedRoot) } },
      );
    return root;
  }

  accountsRoot(): bigint {
    return this.tree.root;
  }

  /** The global fields in the state root's order, the keeper key last (as ProofChain.globalFields). */
  globalFields(): bigint[] {
    return [...this.global, ...this.keeper];
  }

  stateRoot(): bigint {
    return poseidon([this.tree.root, ProofChain.globalRoot(this.globalFields(), this.shape.M)]);
  }

  /** The leaf fields of account `id` (the empty leaf where it was never written), for a desert exit. */
  leafFields(id: number): bigint[] {
    return [...(this.leaves.get(id) ?? this.emptyLeaf)];
  }

  /** The siblings of account `id`'s leaf, bottom up. */
  accountPath(id: number): bigint[] {
    return this.tree.path(BigInt(id));
  }

  /** The order-fill entries of an account, by slot. */
  orders(id: number): OrderFill[] {
    const e = this.orderEntries.get(id);
    if (!e) return [];
    return [...e].sort(([a], [b]) => a - b).map(([slot, v]) => ({ slot, ...v }));
  }

  account(id: number): RebuiltAccount | undefined {
    const f = this.leaves.get(id);
    if (!f) return undefined;
    const positions = Array.from({ length: this.shape.M }, (_, m) => ({
      size: fromFieldSigned(f[5 + 3 * m] as bigint),
      entryNotional: fromFieldSigned(f[6 + 3 * m] as bigint),
      fundingSnapshot: fromFieldSigned(f[7 + 3 * m] as bigint),
    }));
    return {
      id,
      pubKeyX: f[0] as bigint,
      pubKeyY: f[1] as bigint,
      nonce: f[2] as bigint,
      collateral: fromFieldSigned(f[3] as bigint),
      ordersRoot: f[4] as bigint,
      positions,
      orders: this.orders(id),
    };
  }

  /** Every account ever written (genesis or a batch), by id. */
  accounts(): RebuiltAccount[] {
    return [...this.leaves.keys()].sort((a, b) => a - b).map((id) => this.account(id) as RebuiltAccount);
  }

  globalState(): RebuiltGlobal {
    const g = this.global;
    return {
      markets: Array.from({ length: this.shape.M }, (_, m) => ({
        indexPrice: g[6 * m] as bigint,
        markPrice: g[6 * m + 1] as bigint,
        fundingIndex: fromFieldSigned(g[6 * m + 2] as bigint),
        openInterest: g[6 * m + 3] as bigint,
        priceTimeMs: g[6 * m + 4] as bigint,
        fundingTimeMs: g[6 * m + 5] as bigint,
      })),
      insuranceFund: g[6 * this.shape.M] as bigint,
      feePool: g[6 * this.shape.M + 1] as bigint,
      keeper: this.keeper,
    };
  }

  /** The state as JSON (bigints as decimal strings, roots as 0x hex), for `reconstruct --out`. */
  toJSON(): Record<string, unknown> {
    const str = (v: unknown): unknown =>
      typeof v === "bigint"
        ? v.toString()
        : Array.isArray(v)
          ? v.map(str)
          : v && typeof v === "object"
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, str(x)]))
            : v;
    return {
      lastBatch: this.batch,
      depositsConsumed: this.deposits,
      root: hex(this.stateRoot()),
      accountsRoot: hex(this.tree.root),
      global: str(this.globalState()),
      accounts: this.accounts().map((a) => str({ ...a, ordersRoot: hex(a.ordersRoot) })),
    };
  }
}
