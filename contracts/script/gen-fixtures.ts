// Writes test/fixtures/hash-vectors.json: genesis states and roots (node/genesis.ts), deposit/withdrawal chains
// and a batch public input computed by the TypeScript Poseidon (sequencer/crypto/poseidon.ts), so the forge
// tests check Solidity against the TS side.
// Run: npx tsx contracts/script/gen-fixtures.ts
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadBatch2Instance } from "../../circuits/batch2-instance.ts";
import { buildGenesis2, rollupGenesis2Of } from "../../node/genesis.ts";
import { devKey } from "../../sequencer/crypto/keys.ts";
import { poseidon } from "../../sequencer/crypto/poseidon.ts";
import type { EngineGenesis } from "../../sequencer/engine/engine.ts";

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

// Deposits must go to BabyJubjub keys (Rollup refuses others), so the vectors use real dev keys.
const keyOf = (seed: string) => {
  const [pubKeyX, pubKeyY] = devKey(seed).pubKey;
  return { pubKeyX, pubKeyY };
};
const deposits = [
  { ...keyOf("vector-deposit-0"), amount: 1_000_000n },
  { ...keyOf("vector-deposit-1"), amount: (1n << 80n) - 1n },
  { ...keyOf("vector-deposit-2"), amount: 1n },
];
const depositHashes = [0n];
for (const d of deposits) {
  depositHashes.push(poseidon([depositHashes.at(-1) ?? 0n, d.pubKeyX, d.pubKeyY, d.amount]));
}

const withdrawals = [
  { accountId: 3n, to: "0x00000000000000000000000000000000000000A1", amount: 250_000n },
  { accountId: 65535n, to: "0xFFfFfFffFFfffFFfFFfFFFFFffFFFffffFfFFFfF", amount: 1n },
] as const;
let withdrawalHash = 0n;
for (const w of withdrawals) withdrawalHash = poseidon([withdrawalHash, w.accountId, BigInt(w.to), w.amount]);

// Batch2 genesis states built by node/genesis.ts (the devnet's code), with the roots the Rollup must
// recompute; the keeper's key is part of the root.
const keeper = devKey("vector-keeper").pubKey;
const genesisCase = async (D: number, values: EngineGenesis = {}) => {
  const inst = { ...loadBatch2Instance("tiny"), name: `vector-d${D}`, D };
  const g = buildGenesis2(inst, {
    backstopSeed: "vector-backstop",
    keeperPubKey: keeper,
    reservedForLiquidations: 0,
    values,
  });
  const p = rollupGenesis2Of(g, keeper);
  return {
    root: g.root.toString(),
    params: {
      accountsDepth: p.accountsDepth.toString(),
      vaultPubKeyX: p.vaultPubKeyX.toString(),
      vaultPubKeyY: p.vaultPubKeyY.toString(),
      vaultCollateral: p.vaultCollateral.toString(),
      insuranceFund: p.insuranceFund.toString(),
      markPrices: p.markPrices.map(String),
      keeperPubKeyX: p.keeperPubKeyX.toString(),
      keeperPubKeyY: p.keeperPubKeyY.toString(),
    },
  };
};
const genesis = {
  tiny: await genesisCase(2),
  funded: await genesisCase(3, {
    backstopCollateral: 5_000_000n,
    insuranceFund: 7_000n,
    markPrices: [60_000_000n, 0n],
  }),
  default: await genesisCase(16),
};

// A batch 1 that consumes the first 2 deposits, pays both withdrawals and serves no priority request. Its
// data words (docs/SPEC.md "Published batch data") are public inputs after the public hash; these are
// stand-ins, field elements up to p - 1, since the verifier double only compares them.
const data = [1n, 0n, 0x7a6b2d7065727073n, P - 1n];
// Starts from the "tiny" genesis, the state RollupTest deploys, so the batch can be submitted.
const oldStateRoot = BigInt(genesis.tiny.root);
const newStateRoot = P - 2n;
const batchNumber = 1n;
const depositCount = 2n;
// Within forge's default block time (1 s) plus the Rollup's 60 s clock skew.
const batchTimeMs = 42_000n;
const l1Hash = poseidon([depositHashes[0] ?? 0n, depositHashes[2] ?? 0n, withdrawalHash, batchTimeMs]);
// The priority queue's hash before and after the batch: both 0, nothing was filed.
const priorityHash = poseidon([0n, 0n]);
const publicHash = poseidon([oldStateRoot, newStateRoot, batchNumber, l1Hash, priorityHash]);

const str = (v: bigint) => v.toString();
const out = {
  genesis,
  /** A spare valid key for tests that deposit outside the vectors. */
  key: { pubKeyX: str(keyOf("vector-alice").pubKeyX), pubKeyY: str(keyOf("vector-alice").pubKeyY) },
  deposits: deposits.map((d) => ({
    pubKeyX: str(d.pubKeyX),
    pubKeyY: str(d.pubKeyY),
    amount: str(d.amount),
  })),
  depositHashes: depositHashes.map(str),
  withdrawals: withdrawals.map((w) => ({ accountId: str(w.accountId), to: w.to, amount: str(w.amount) })),
  withdrawalHash: str(withdrawalHash),
  batch: {
    batchNumber: str(batchNumber),
    oldStateRoot: str(oldStateRoot),
    newStateRoot: str(newStateRoot),
    depositCount: str(depositCount),
    batchTimeMs: str(batchTimeMs),
    data: data.map(str),
    l1Hash: str(l1Hash),
    priorityHash: str(priorityHash),
    publicHash: str(publicHash),
  },
};

const file = join(dirname(fileURLToPath(import.meta.url)), "..", "test", "fixtures", "hash-vectors.json");
writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote ${file}`);
