/**
 * The desert-mode test vectors (test/vectors/l1-exit.json) for the forge tests of EdDSAPoseidon.sol,
 * L1Messages.sol and DesertExit.sol, computed with the project's TS code only: signatures from
 * sequencer/crypto/eddsa.ts, message hashes from node/l1/l1-messages.ts, leaves, Merkle paths and roots
 * from a ProofChain (sequencer/proof/witness.ts) and payouts from node/l1/desert-exit.ts.
 * contracts/script/gen-l1-vectors.ts writes them; test/unit/l1/l1-exit-vectors.test.ts checks the
 * committed file is what this builds. Deterministic: keys come from seeds, no randomness.
 */
import { loadBatch2Instance } from "../../circuits/batch2-instance.ts";
import { desertPayout } from "../../node/l1/desert-exit.ts";
import {
  type Address,
  exitMessage,
  forcedCancelAllMessage,
  forcedWithdrawalMessage,
  L1_MESSAGE_KIND,
  MAX_FORCED_AMOUNT,
  signExit,
  signForcedCancelAll,
  signForcedWithdrawal,
} from "../../node/l1/l1-messages.ts";
import {
  BASE8,
  clearCofactor,
  fromAffine,
  mulVariable,
  SUBGROUP_ORDER,
  toAffine,
} from "../../sequencer/crypto/babyjub.ts";
import { edwardsWasm } from "../../sequencer/crypto/babyjub-wasm.ts";
import { signPoseidon, verifyPoseidon } from "../../sequencer/crypto/eddsa.ts";
import { FIELD_MODULUS as P } from "../../sequencer/crypto/field.ts";
import { devKey } from "../../sequencer/crypto/keys.ts";
import { poseidon } from "../../sequencer/crypto/poseidon.ts";
import { ProofChain } from "../../sequencer/proof/witness.ts";
import type { MarketState } from "../../sequencer/state/global-state.ts";
import type { AccountLeaf, Position } from "../../sequencer/state/leaf.ts";
import { ORDER_FOUR, ORDER_TWO } from "../unit/crypto/eddsa-cases.ts";

export const ROLLUP: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const TO: Address = "0x00000000000000000000000000000000000000A1";
const TO_MAX: Address = "0xFFfFfFffFFfffFFfFFfFFFFFffFFFffffFfFFFfF";

type Json = string;
const s = (x: bigint): Json => x.toString();

export interface SignatureVector {
  name: string;
  ax: Json;
  ay: Json;
  r8x: Json;
  r8y: Json;
  s: Json;
  msg: Json;
  /**
   * 1 when EdDSAPoseidon.verify must accept, else 0: the TS verifier's verdict, but 0 for a low-order key
   * (which the circuit refuses too).
   */
  valid: number;
}

interface Sig {
  ax: bigint;
  ay: bigint;
  r8x: bigint;
  r8y: bigint;
  s: bigint;
  msg: bigint;
}

/** The verdict of sequencer/crypto/eddsa.ts, on wasm so that no build of the native addon changes it. */
function tsVerdict(v: Sig): number {
  return verifyPoseidon(v.msg, { R8: [v.r8x, v.r8y], S: v.s }, [v.ax, v.ay], edwardsWasm()) ? 1 : 0;
}

/** 8·A is the identity: A on the curve with x(8·A) = 0 (Z is never 0 under the complete formulas). */
function isLowOrder(v: Sig): boolean {
  return clearCofactor(fromAffine([v.ax % P, v.ay % P])).X % P === 0n;
}

function signatureVectors(): SignatureVector[] {
  const k0 = devKey("l1-exit key 0");
  const k1 = devKey("l1-exit key 1");
  const signed = (
    name: string,
    key: typeof k0,
    msg: bigint,
    sig: { r8x: bigint; r8y: bigint; s: bigint },
  ) => ({
    name,
    v: { ax: key.pubKey[0], ay: key.pubKey[1], ...sig, msg },
  });
  const good = [
    signed(
      "forcedWithdrawal",
      k0,
      forcedWithdrawalMessage(ROLLUP, 7n, 1n, 123_456_789n, TO),
      signForcedWithdrawal(k0.prv, ROLLUP, 7n, 1n, 123_456_789n, TO),
    ),
    signed(
      "forcedWithdrawalMax",
      k1,
      forcedWithdrawalMessage(ROLLUP, 65_535n, 2n ** 32n - 1n, MAX_FORCED_AMOUNT, TO_MAX),
      signForcedWithdrawal(k1.prv, ROLLUP, 65_535n, 2n ** 32n - 1n, MAX_FORCED_AMOUNT, TO_MAX),
    ),
    signed(
      "forcedCancelAll",
      k0,
      forcedCancelAllMessage(ROLLUP, 7n, 2n),
      signForcedCancelAll(k0.prv, ROLLUP, 7n, 2n),
    ),
    signed("exit", k1, exitMessage(ROLLUP, 3n, TO), signExit(k1.prv, ROLLUP, 3n, TO)),
    ...[0n, P - 1n].map((msg) => {
      const { R8, S } = signPoseidon(k0.prv, msg);
      return signed(`rawMessage${msg === 0n ? "Zero" : "PMinus1"}`, k0, msg, {
        r8x: R8[0],
        r8y: R8[1],
        s: S,
      });
    }),
  ];
  const base = good[0]!.v;
  const tampered: { name: string; v: Sig }[] = [
    { name: "wrongMessage", v: { ...base, msg: base.msg + 1n } },
    { name: "wrongKey", v: { ...base, ax: k1.pubKey[0], ay: k1.pubKey[1] } },
    { name: "otherSignaturesS", v: { ...base, s: good[2]!.v.s } },
    // S·B8 is the same point for S + l: only the range check refuses the re-encoding.
    { name: "sPlusSubgroupOrder", v: { ...base, s: base.s + SUBGROUP_ORDER } },
    { name: "sEqualsSubgroupOrder", v: { ...base, s: SUBGROUP_ORDER } },
    { name: "sMax", v: { ...base, s: (1n << 256n) - 1n } },
    { name: "r8OffCurve", v: { ...base, r8y: (base.r8y + 1n) % P } },
    { name: "keyOffCurve", v: { ...base, ay: (base.ay + 1n) % P } },
    { name: "r8Negated", v: { ...base, r8x: P - base.r8x } },
    // circomlibjs reduces a coordinate ≥ p and would accept these two; the TS verifier and the
    // contract refuse them, or a signature could be re-encoded.
    { name: "r8xPlusP", v: { ...base, r8x: base.r8x + P } },
    { name: "axPlusP", v: { ...base, ax: base.ax + P } },
    { name: "identityR8ZeroS", v: { ...base, r8x: 0n, r8y: 1n, s: 0n } },
  ];
  // A low-order key (8·A = identity) makes (8·h)·A vanish, so S·B8 = R8 "signs" any message. circomlibjs
  // and the TS verifier accept that; the circuit (circuits/src/signature.circom) and EdDSAPoseidon refuse
  // it. The Rollup takes deposits to the order-4 point (its x ≠ 0), so an account can have such a key.
  const r = 987_654_321n;
  const [rx, ry] = toAffine(mulVariable(fromAffine(BASE8), r));
  const forged = (name: string, [ax, ay]: readonly [bigint, bigint]) => ({
    name,
    v: { ax, ay, r8x: rx, r8y: ry, s: r, msg: 42n },
  });
  const lowOrder = [
    forged("identityKeyForgery", [0n, 1n]),
    forged("order2KeyForgery", ORDER_TWO),
    forged("order4KeyForgery", ORDER_FOUR),
  ];
  return [...good, ...tampered, ...lowOrder].map(({ name, v }) => ({
    name,
    ax: s(v.ax),
    ay: s(v.ay),
    r8x: s(v.r8x),
    r8y: s(v.r8y),
    s: s(v.s),
    msg: s(v.msg),
    valid: tsVerdict(v) === 1 && !isLowOrder(v) ? 1 : 0,
  }));
}

export interface MessageVector {
  kind: number;
  accountId: Json;
  requestNonce: Json;
  amount: Json;
  to: Address;
  hash: Json;
}

function messageVectors(): MessageVector[] {
  const fw = (accountId: bigint, requestNonce: bigint, amount: bigint, to: Address): MessageVector => ({
    kind: Number(L1_MESSAGE_KIND.forcedWithdrawal),
    accountId: s(accountId),
    requestNonce: s(requestNonce),
    amount: s(amount),
    to,
    hash: s(forcedWithdrawalMessage(ROLLUP, accountId, requestNonce, amount, to)),
  });
  const cancel = (accountId: bigint, requestNonce: bigint): MessageVector => ({
    kind: Number(L1_MESSAGE_KIND.forcedCancelAll),
    accountId: s(accountId),
    requestNonce: s(requestNonce),
    amount: "0",
    to: "0x0000000000000000000000000000000000000000",
    hash: s(forcedCancelAllMessage(ROLLUP, accountId, requestNonce)),
  });
  const exit = (accountId: bigint, to: Address): MessageVector => ({
    kind: Number(L1_MESSAGE_KIND.exit),
    accountId: s(accountId),
    requestNonce: "0",
    amount: "0",
    to,
    hash: s(exitMessage(ROLLUP, accountId, to)),
  });
  return [
    fw(7n, 1n, 123_456_789n, TO),
    fw(0n, 0n, 0n, TO),
    fw(65_535n, 2n ** 32n - 1n, MAX_FORCED_AMOUNT, TO_MAX),
    cancel(7n, 2n),
    cancel(0n, 0n),
    exit(3n, TO),
    exit(65_535n, TO_MAX),
  ];
}

const pos = (size: bigint, entryNotional: bigint, fundingSnapshot: bigint): Position => ({
  size,
  entryNotional,
  fundingSnapshot,
});
const FLAT = pos(0n, 0n, 0n);
const p2 = (n: bigint) => 1n << n;

function account(seed: string, nonce: bigint, collateral: bigint, positions: Position[]): AccountLeaf {
  const [pubKeyX, pubKeyY] = devKey(seed).pubKey;
  return { pubKeyX, pubKeyY, nonce, collateral, positions };
}

/** Accounts for two markets at the index prices 60,000,000 and 3,000,000 (see `TREES`). */
function accountsM2(): [number, AccountLeaf][] {
  return [
    // The vault: collateral only.
    [0, account("l1-exit vault", 0n, 1_000_000_000_000n, [FLAT, FLAT])],
    // Long in 0 and short in 1 with a negative entry, both in profit, funding owed both ways.
    [
      3,
      account("l1-exit long-short", 12n, 5_000_000_000n, [
        pos(1_000n, 59_000_000_000n, 10_000n),
        pos(-5_000n, -15_500_000_000n, -60_000n),
      ]),
    ],
    // Bankrupt: a long bought at 70,000,000 with little collateral, equity < 0 pays 0.
    [6, account("l1-exit bankrupt", 3n, 1_000_000n, [pos(1_000n, 70_000_000_000n, 0n), FLAT])],
    // A short whose funding alone turns the equity negative.
    [9, account("l1-exit funding-loss", 1n, 10n, [FLAT, pos(-1n, -3_000_000n, -100_000n)])],
    // The range edges: |size| = 2^47 − 1, |entry| = 2^95 − 1, snapshots ±(2^63 − 1), collateral 2^80 − 1.
    [
      15,
      account("l1-exit edges", p2(32n) - 1n, p2(80n) - 1n, [
        pos(-(p2(47n) - 1n), -(p2(95n) - 1n), p2(63n) - 1n),
        pos(p2(47n) - 1n, p2(95n) - 1n, -(p2(63n) - 1n)),
      ]),
    ],
  ];
}

function accountsM1(): [number, AccountLeaf][] {
  return [
    [0, account("l1-exit m1 vault", 0n, 77n, [FLAT])],
    [1, account("l1-exit m1 short", 5n, 2_000_000n, [pos(-3n, -180_000_000n, -7n)])],
    [200, account("l1-exit m1 bankrupt", 2n, 0n, [pos(2n, 200_000_000n, 0n)])],
    [255, account("l1-exit m1 long", 9n, 123n, [pos(4n, 200_000_000n, 5n)])],
  ];
}

interface TreeSpec {
  name: string;
  instance: string;
  D: number;
  /** The accounts, at these ids (the D = 16 tree spreads them out). */
  accounts: [number, AccountLeaf][];
  markets: (MarketState & { index: bigint; priceTime: bigint; fundingTime: bigint })[];
  insuranceFund: bigint;
  feePool: bigint;
}

const MARKETS_M2: TreeSpec["markets"] = [
  {
    index: 60_000_000n,
    markPrice: 60_100_000n,
    fundingIndex: 12_345n,
    openInterest: 1_000n,
    priceTime: 1_700_000_000_000n,
    fundingTime: 1_699_999_000_000n,
  },
  {
    index: 3_000_000n,
    markPrice: 2_990_000n,
    fundingIndex: -67_890n,
    openInterest: 5_000n,
    priceTime: 1_700_000_000_001n,
    fundingTime: 1_699_999_000_001n,
  },
];

const spread = (ids: readonly number[], accounts: [number, AccountLeaf][]) =>
  accounts.map(([, a], i): [number, AccountLeaf] => [ids[i] as number, a]);

const TREES: TreeSpec[] = [
  {
    name: "d4m2",
    instance: "small",
    D: 4,
    accounts: accountsM2(),
    markets: MARKETS_M2,
    insuranceFund: 7_000n,
    feePool: 31n,
  },
  {
    name: "d16m2",
    instance: "default",
    D: 16,
    accounts: spread([0, 1, 777, 40_000, 65_535], accountsM2()),
    markets: MARKETS_M2,
    insuranceFund: p2(80n) - 1n,
    feePool: 0n,
  },
  {
    name: "d8m1",
    instance: "trace",
    D: 8,
    accounts: accountsM1(),
    markets: [
      {
        index: p2(40n) - 1n,
        markPrice: 66_000_000n,
        fundingIndex: -(p2(63n) - 1n),
        openInterest: 7n,
        priceTime: 5n,
        fundingTime: 4n,
      },
    ],
    insuranceFund: 0n,
    feePool: 1n,
  },
];

export interface LeafVector {
  id: number;
  fields: Json[];
  leafHash: Json;
  siblings: Json[];
  /** The signed equity before flooring at 0, for reading the vectors. */
  equity: Json;
  payout: Json;
}

export interface TreeVector {
  name: string;
  depth: number;
  markets: number;
  leaves: LeafVector[];
  leafCount: number;
  accountsRoot: Json;
  globalFields: Json[];
  marketHashes: Json[];
  globalRoot: Json;
  stateRoot: Json;
  indexPrices: Json[];
  fundingIndexes: Json[];
}

function treeVector(spec: TreeSpec): TreeVector {
  const inst = { ...loadBatch2Instance(spec.instance), name: `l1-exit-${spec.name}`, D: spec.D };
  const M = spec.markets.length;
  const chain = new ProofChain(
    inst,
    { vaultId: 0 },
    {
      accounts: new Map(spec.accounts),
      markets: spec.markets.map(({ markPrice, fundingIndex, openInterest }) => ({
        markPrice,
        fundingIndex,
        openInterest,
      })),
      insuranceFund: spec.insuranceFund,
      feePool: spec.feePool,
      keeper: devKey("l1-exit keeper").pubKey,
    },
  );
  // The chain's market extras (index, times) are live state: set them as a price batch would have.
  const state = chain.exportState();
  spec.markets.forEach((m, i) => {
    state.extra[i] = { index: m.index, priceTime: m.priceTime, fundingTime: m.fundingTime };
  });
  const global = chain.globalFields();
  const indexPrices = spec.markets.map((_, m) => global[6 * m] as bigint);
  const fundingIndexes = spec.markets.map((_, m) => global[6 * m + 2] as bigint);
  const leaves = spec.accounts.map(([id]): LeafVector => {
    const fields = chain.leafFields(id);
    const payout = desertPayout(fields, indexPrices, fundingIndexes);
    const equity = signedEquity(spec.accounts.find(([i]) => i === id)![1], spec.markets);
    if (payout !== (equity > 0n ? equity : 0n)) throw new Error(`payout of account ${id} disagrees`);
    return {
      id,
      fields: fields.map(s),
      leafHash: s(state.tree.leaf(BigInt(id))),
      siblings: state.tree.path(BigInt(id)).map(s),
      equity: s(equity),
      payout: s(payout),
    };
  });
  return {
    name: spec.name,
    depth: spec.D,
    markets: M,
    leaves,
    leafCount: leaves.length,
    accountsRoot: s(state.tree.root),
    globalFields: global.map(s),
    marketHashes: spec.markets.map((_, m) => s(poseidon(global.slice(6 * m, 6 * m + 6)))),
    globalRoot: s(ProofChain.globalRoot(global, M)),
    stateRoot: s(chain.stateRoot()),
    indexPrices: indexPrices.map(s),
    fundingIndexes: fundingIndexes.map(s),
  };
}

/** The equity from the plain (unencoded) leaf, a second computation next to desertPayout's. */
function signedEquity(a: AccountLeaf, markets: TreeSpec["markets"]): bigint {
  return a.positions.reduce((eq, p, m) => {
    const mk = markets[m]!;
    return eq + p.size * mk.index - p.entryNotional + p.size * (mk.fundingIndex - p.fundingSnapshot);
  }, a.collateral);
}

export interface L1ExitVectors {
  source: string;
  rollup: Address;
  signatures: SignatureVector[];
  signatureCount: number;
  messages: MessageVector[];
  messageCount: number;
  trees: TreeVector[];
  treeCount: number;
}

export function buildL1ExitVectors(): L1ExitVectors {
  const signatures = signatureVectors();
  const messages = messageVectors();
  const trees = TREES.map(treeVector);
  return {
    source:
      "contracts/script/gen-l1-vectors.ts (test/utils/l1-exit-vectors.ts): sequencer/crypto, node/l1/l1-messages.ts, ProofChain, node/l1/desert-exit.ts",
    rollup: ROLLUP,
    signatures,
    signatureCount: signatures.length,
    messages,
    messageCount: messages.length,
    trees,
    treeCount: trees.length,
  };
}

/** The JSON text as written to test/vectors/l1-exit.json. */
export function l1ExitVectorsJson(): string {
  return `${JSON.stringify(buildL1ExitVectors(), null, 1)}\n`;
}
