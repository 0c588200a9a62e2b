/**
 * The priority-queue and exit vectors of contracts/test/RollupDesert.t.sol (test/vectors/l1-queue.json),
 * made with the project's TS code only: signatures from node/l1/l1-messages.ts, the queue chain from
 * `priorityItem` (sequencer/proof/witness.ts), the public hash as ProofChain builds it, and the exit tree
 * `d16m2` of test/vectors/l1-exit.json. Every signature names the Rollup that RollupDesertTest deploys:
 * the third contract created by forge's default test address (after MockUSDC and VerifierDouble), so the
 * test checks that address before it uses them. contracts/script/gen-l1-queue-vectors.ts writes the file.
 * Deterministic: keys come from seeds.
 */
import { readFileSync } from "node:fs";
import { getContractAddress } from "viem";
import {
  type Address,
  type L1Signature,
  signExit,
  signForcedCancelAll,
  signForcedWithdrawal,
} from "../../node/l1/l1-messages.ts";
import { devKey } from "../../sequencer/crypto/keys.ts";
import { poseidon } from "../../sequencer/crypto/poseidon.ts";
import type { ForcedRequest } from "../../sequencer/proof/forced.ts";
import { priorityItem } from "../../sequencer/proof/witness.ts";
import type { L1ExitVectors, TreeVector } from "./l1-exit-vectors.ts";

/** forge's default test contract address (DEFAULT_TEST_CONTRACT). */
export const FORGE_TEST_ADDRESS: Address = "0x7FA9385bE102ac3EAc297483Dd6233D62b3e1496";
/** The test contract's nonce starts at 1: MockUSDC, VerifierDouble, then the Rollup. */
export const QUEUE_ROLLUP: Address = getContractAddress({ from: FORGE_TEST_ADDRESS, nonce: 3n });

const EXIT_TREE = "d16m2";
/** The seeds test/utils/l1-exit-vectors.ts made tree d16m2's keys from, by account id (checked below). */
const EXIT_SEEDS: Record<number, string> = {
  0: "l1-exit vault",
  1: "l1-exit long-short",
  777: "l1-exit bankrupt",
  40000: "l1-exit funding-loss",
  65535: "l1-exit edges",
};
const EXIT_TO: Address = "0x000000000000000000000000000000000000e817";

type Json = string;
const s = (x: bigint): Json => x.toString();
const sig = (g: L1Signature): Json[] => [s(g.r8x), s(g.r8y), s(g.s)];

export interface RequestVector {
  kind: number;
  accountId: Json;
  pubKeyX: Json;
  pubKeyY: Json;
  amount: Json;
  to: Address;
  nonce: Json;
  signature: Json[];
}

export interface PublicHashVector {
  name: string;
  batchNumber: Json;
  oldStateRoot: Json;
  newStateRoot: Json;
  batchTimeMs: Json;
  priorityFrom: Json;
  priorityTo: Json;
  publicHash: Json;
}

const hexAddress = (x: bigint): Address => `0x${x.toString(16).padStart(40, "0")}`;

function request(
  r: Pick<ForcedRequest, "request" | "accountId" | "amount" | "to">,
  key: ReturnType<typeof devKey>,
  nonce: bigint,
): { vector: RequestVector; op: ForcedRequest } {
  const [pubKeyX, pubKeyY] = key.pubKey;
  const op: ForcedRequest = { priorityIndex: 0n, pubKeyX, pubKeyY, ...r };
  const id = BigInt(r.accountId);
  const to = hexAddress(r.to);
  const signature =
    r.request === "withdrawal"
      ? signForcedWithdrawal(key.prv, QUEUE_ROLLUP, id, nonce, r.amount, to)
      : signForcedCancelAll(key.prv, QUEUE_ROLLUP, id, nonce);
  return {
    op,
    vector: {
      kind: r.request === "withdrawal" ? 1 : 2,
      accountId: s(id),
      pubKeyX: s(pubKeyX),
      pubKeyY: s(pubKeyY),
      amount: s(r.amount),
      to,
      nonce: s(nonce),
      signature: sig(signature),
    },
  };
}

/** The public hash of a batch with no deposits or withdrawals that moves the queue from `from` to `to`. */
function publicHash(
  name: string,
  batchNumber: bigint,
  oldStateRoot: bigint,
  newStateRoot: bigint,
  batchTimeMs: bigint,
  from: bigint,
  to: bigint,
): PublicHashVector {
  const l1Hash = poseidon([0n, 0n, 0n, batchTimeMs]);
  return {
    name,
    batchNumber: s(batchNumber),
    oldStateRoot: s(oldStateRoot),
    newStateRoot: s(newStateRoot),
    batchTimeMs: s(batchTimeMs),
    priorityFrom: s(from),
    priorityTo: s(to),
    publicHash: s(poseidon([oldStateRoot, newStateRoot, batchNumber, l1Hash, poseidon([from, to])])),
  };
}

export function buildL1QueueVectors(hashVectorsJson: string, l1ExitJson: string) {
  const genesisRoot = BigInt(
    (JSON.parse(hashVectorsJson) as { genesis: { default: { root: string } } }).genesis.default.root,
  );
  const alice = devKey("l1-queue alice");
  const mallory = devKey("l1-queue mallory");
  const accountId = 5;
  const w = request({ request: "withdrawal", accountId, amount: 250_000_000n, to: 0xa11cen }, alice, 0n);
  const c = request({ request: "cancel-all", accountId, amount: 0n, to: 0n }, alice, 1n);
  // Mallory signs account 5's withdrawal with her key but files it under alice's: the contract refuses it.
  const forged = request(
    { request: "withdrawal", accountId, amount: 250_000_000n, to: 0xa11cen },
    mallory,
    0n,
  );
  forged.vector.pubKeyX = w.vector.pubKeyX;
  forged.vector.pubKeyY = w.vector.pubKeyY;

  const h1 = priorityItem(0n, w.op);
  const h2 = priorityItem(h1, c.op);
  // What a proof of the queue served out of order would carry: request 1 alone, or 1 then 0.
  const only1 = priorityItem(0n, c.op);
  const swapped = priorityItem(only1, w.op);
  const root1 = 1_111n;
  const root2 = 2_222n;
  const batches = [
    publicHash("serve0", 1n, genesisRoot, root1, 0n, 0n, h1),
    publicHash("serve1First", 1n, genesisRoot, root1, 0n, 0n, only1),
    publicHash("serve1Then0", 1n, genesisRoot, root1, 0n, 0n, swapped),
    publicHash("thenServe1", 2n, root1, root2, 0n, h1, h2),
  ];

  const exitVectors = JSON.parse(l1ExitJson) as L1ExitVectors;
  const tree = exitVectors.trees.find((t) => t.name === EXIT_TREE) as TreeVector;
  const exits = tree.leaves.map((leaf) => {
    const seed = EXIT_SEEDS[leaf.id];
    if (seed === undefined) throw new Error(`no seed for account ${leaf.id} of tree ${EXIT_TREE}`);
    const key = devKey(seed);
    if (s(key.pubKey[0]) !== leaf.fields[0] || s(key.pubKey[1]) !== leaf.fields[1]) {
      throw new Error(`the seed of account ${leaf.id} is not its leaf's key`);
    }
    return { id: leaf.id, signature: sig(signExit(key.prv, QUEUE_ROLLUP, BigInt(leaf.id), EXIT_TO)) };
  });
  // Account 1's exit signed by the vault's key: a valid signature, by the wrong signer.
  const wrongSigner = sig(signExit(devKey(EXIT_SEEDS[0] as string).prv, QUEUE_ROLLUP, 1n, EXIT_TO));

  return {
    source:
      "contracts/script/gen-l1-queue-vectors.ts (test/utils/l1-queue-vectors.ts): node/l1/l1-messages.ts, priorityItem, test/vectors/l1-exit.json",
    rollup: QUEUE_ROLLUP,
    genesisRoot: s(genesisRoot),
    requests: [w.vector, c.vector],
    forgedRequest: forged.vector,
    priorityHashes: [0n, h1, h2].map(s),
    batches,
    exitTree: EXIT_TREE,
    exitTo: EXIT_TO,
    exits,
    wrongSignerExit: { id: 1, signature: wrongSigner },
  };
}

const HASH_VECTORS = new URL("../../contracts/test/fixtures/hash-vectors.json", import.meta.url);
const L1_EXIT = new URL("../vectors/l1-exit.json", import.meta.url);

/** The JSON text as written to test/vectors/l1-queue.json. */
export function l1QueueVectorsJson(): string {
  const v = buildL1QueueVectors(readFileSync(HASH_VECTORS, "utf8"), readFileSync(L1_EXIT, "utf8"));
  return `${JSON.stringify(v, null, 1)}\n`;
}
