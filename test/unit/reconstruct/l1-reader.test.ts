/**
 * The L1 reader and the whole rebuild against a chain served by an in-process EIP-1193 transport: the
 * honest story's Genesis, Deposit and BatchVerified logs and submitBatch calldata, ABI-encoded as a
 * node returns them, so viem's own log and calldata decoding runs. (The run against a real Rollup on
 * Anvil is the end-to-end test's, once the contract takes data words.)
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import {
  type Abi,
  type AbiEvent,
  type Address,
  createPublicClient,
  custom,
  decodeFunctionData,
  encodeAbiParameters,
  encodeEventTopics,
  encodeFunctionData,
  encodeFunctionResult,
  getAbiItem,
  type Hex,
  numberToHex,
  type PublicClient,
} from "viem";
import { loadBatch2Instance } from "../../../circuits/batch2-instance.ts";
import { rollupAbi } from "../../../node/l1/rollup-abi.ts";
import { BadRecordError, ReconstructError, RootMismatchError } from "../../../node/reconstruct/errors.ts";
import { reconstructFromL1 } from "../../../node/reconstruct/reconstruct-from-l1.ts";
import { poseidon } from "../../../sequencer/crypto/poseidon.ts";
import { dataLayout } from "../../../sequencer/proof/batch-data.ts";
import type { Batch2Witness } from "../../../sequencer/proof/witness.ts";
import { run } from "../../circuits/batch2-story.ts";
import { type CompiledBatch2, KEEPER, OPERATOR } from "../../utils/batch2.ts";

const ROLLUP: Address = "0x00000000000000000000000000000000000a11ce";
const inst = loadBatch2Instance("tiny");
const VAULT_COLLATERAL = 1_000_000_000_000n;

interface RawLog {
  block: number;
  topics: Hex[];
  data: Hex;
  txHash: Hex;
}

/** The story's history as a chain: genesis in block 1, each batch in its own block after its deposits. */
function storyChain(witnesses: readonly Batch2Witness[], tamper?: (batch: number, data: bigint[]) => void) {
  const logs: RawLog[] = [];
  const txs = new Map<Hex, Hex>();
  const event = (name: "Genesis" | "Deposit" | "BatchVerified", args: Record<string, unknown>) => {
    const item = getAbiItem({ abi: rollupAbi as Abi, name }) as AbiEvent;
    const topics = encodeEventTopics({ abi: [item], eventName: name, args } as never) as Hex[];
    const plain = item.inputs.filter((i) => !i.indexed);
    return { topics, data: encodeAbiParameters(plain, plain.map((i) => args[i.name as string]) as never) };
  };
  const hashOf = (n: number) => numberToHex(n, { size: 32 });
  logs.push({
    block: 1,
    txHash: hashOf(1),
    ...event("Genesis", {
      accountsDepth: BigInt(inst.D),
      vaultPubKeyX: OPERATOR.pubKey[0],
      vaultPubKeyY: OPERATOR.pubKey[1],
      vaultCollateral: VAULT_COLLATERAL,
      insuranceFund: 0n,
      markPrices: [0n, 0n],
      keeperPubKeyX: KEEPER.pubKey[0],
      keeperPubKeyY: KEEPER.pubKey[1],
    }),
  });
  let block = 2;
  let deposits = 0n;
  let depositHash = 0n;
  witnesses.forEach((w, i) => {
    const enabled = w.input.depositEnabled as string[];
    const count = enabled.filter((e) => e === "1").length;
    enabled.forEach((e, k) => {
      if (e !== "1") return;
      const x = BigInt((w.input.depositPubKeyX as string[])[k] as string);
      const y = BigInt((w.input.depositPubKeyY as string[])[k] as string);
      const amount = BigInt((w.input.depositAmount as string[])[k] as string);
      depositHash = poseidon([depositHash, x, y, amount]);
      logs.push({
        block: block++,
        txHash: hashOf(100 + Number(deposits)),
        ...event("Deposit", {
          index: deposits++,
          pubKeyX: x,
          pubKeyY: y,
          amount,
          depositHash,
        }),
      });
    });
    const data = [...w.data];
    tamper?.(i + 1, data);
    const txHash = hashOf(1_000 + i);
    txs.set(
      txHash,
      encodeFunctionData({
        abi: rollupAbi,
        functionName: "submitBatch",
        args: [
          BigInt(i + 1),
          w.oldStateRoot,
          w.newStateRoot,
          BigInt(count),
          0n,
          w.withdrawals.map((x) => ({
            accountId: BigInt(x.accountId),
            to: numberToHex(x.l1Address, { size: 20 }),
            amount: x.amount,
          })),
          BigInt(1_000 * (i + 1)),
          data,
          [0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n],
        ],
      }),
    );
    logs.push({
      block: block++,
      txHash,
      ...event("BatchVerified", { batch: BigInt(i + 1), newRoot: w.newStateRoot }),
    });
  });
  const views: Record<string, bigint> = {
    dataWords: BigInt(dataLayout(inst).words),
    genesisStateRoot: witnesses[0]?.oldStateRoot as bigint,
    stateRoot: witnesses[witnesses.length - 1]?.newStateRoot as bigint,
    lastVerifiedBatch: BigInt(witnesses.length),
    depositsConsumed: deposits,
  };
  return { logs, txs, views, head: block };
}

/** A PublicClient over `chain`, answering the few methods the reader uses as a node would. */
function clientOf(chain: ReturnType<typeof storyChain>): {
  client: PublicClient;
  getLogsCalls: () => number;
} {
  let getLogsCalls = 0;
  const request = async ({ method, params }: { method: string; params?: unknown }): Promise<unknown> => {
    const ps = (params ?? []) as unknown[];
    switch (method) {
      case "eth_chainId":
        return "0x7a69";
      case "eth_blockNumber":
        return numberToHex(chain.head);
      case "eth_getCode":
        return (ps[0] as string).toLowerCase() === ROLLUP ? "0x6080" : "0x";
      case "eth_call": {
        const call = decodeFunctionData({ abi: rollupAbi, data: (ps[0] as { data: Hex }).data });
        const v = chain.views[call.functionName];
        if (v === undefined) throw new Error(`no view ${call.functionName}`);
        return encodeFunctionResult({
          abi: rollupAbi,
          functionName: call.functionName as "stateRoot",
          result: v,
        });
      }
      case "eth_getLogs": {
        getLogsCalls++;
        const f = ps[0] as { fromBlock: Hex; toBlock: Hex; topics: (Hex | Hex[])[] };
        const want = new Set(([] as Hex[]).concat(f.topics[0] ?? []));
        return chain.logs
          .filter((l) => l.block >= Number(f.fromBlock) && l.block <= Number(f.toBlock))
          .filter((l) => want.has(l.topics[0] as Hex))
          .map((l, i) => ({
            address: ROLLUP,
            topics: l.topics,
            data: l.data,
            blockNumber: numberToHex(l.block),
            blockHash: numberToHex(l.block, { size: 32 }),
            transactionHash: l.txHash,
            transactionIndex: "0x0",
            logIndex: numberToHex(i),
            removed: false,
          }));
      }
      case "eth_getTransactionByHash": {
        const hash = ps[0] as Hex;
        const input = chain.txs.get(hash);
        if (!input) return null;
        return {
          hash,
          input,
          from: "0x0000000000000000000000000000000000000001",
          to: ROLLUP,
          nonce: "0x0",
          gas: "0x1",
          gasPrice: "0x1",
          value: "0x0",
          type: "0x0",
          blockNumber: "0x1",
          blockHash: numberToHex(1, { size: 32 }),
          transactionIndex: "0x0",
          v: "0x1b",
          r: "0x1",
          s: "0x1",
        };
      }
      default:
        throw new Error(`unexpected ${method}`);
    }
  };
  const client = createPublicClient({ transport: custom({ request }, { retryCount: 0 }) }) as PublicClient;
  return { client, getLogsCalls: () => getLogsCalls };
}

describe("reconstructFromL1 over a served chain (tiny instance, the six-batch story)", () => {
  const { witnesses } = run({ inst } as CompiledBatch2);

  it("reads the logs in block ranges, rebuilds every batch and writes state.json", async () => {
    const chain = storyChain(witnesses);
    const { client, getLogsCalls } = clientOf(chain);
    const dir = await mkdtemp(path.join(tmpdir(), "reconstruct-"));
    try {
      const phases = new Set<string>();
      const r = await reconstructFromL1({
        rpcUrl: "http://served",
        rollup: ROLLUP,
        instance: "tiny",
        client,
        chunkBlocks: 3n,
        out: dir,
        onProgress: (p) => phases.add(p.phase),
      });
      assert.equal(r.lastBatch, 6);
      assert.equal(r.root, witnesses[5]?.newStateRoot);
      assert.equal(
        r.depositHash,
        witnesses[5]?.depositHashNew,
        "the deposit chain the next proof starts from",
      );
      assert.ok(getLogsCalls() >= Math.ceil(chain.head / 3), `${getLogsCalls()} getLogs calls`);
      assert.deepEqual([...phases].sort(), ["calldata", "logs", "rebuild"]);
      const json = JSON.parse(await readFile(path.join(dir, "state.json"), "utf8"));
      assert.equal(json.lastBatch, 6);
      assert.equal(json.depositsConsumed, 3);
      assert.equal(BigInt(json.root), r.root);
      assert.equal(json.instance, "tiny");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("stops at a batch whose data words were changed, naming it", async () => {
    const chain = storyChain(witnesses, (batch, data) => {
      // The collateral of batch 4's first account record: decodes, but rebuilds another leaf.
      if (batch === 4) data[4] = (data[4] as bigint) ^ (1n << 100n);
    });
    await assert.rejects(
      reconstructFromL1({
        rpcUrl: "http://served",
        rollup: ROLLUP,
        instance: "tiny",
        client: clientOf(chain).client,
      }),
      (err: unknown) =>
        (err instanceof RootMismatchError || err instanceof BadRecordError) && /^batch 4: /.test(err.message),
    );
  });

  it("refuses an instance whose data words are not the Rollup's", async () => {
    const chain = storyChain(witnesses);
    await assert.rejects(
      reconstructFromL1({
        rpcUrl: "http://served",
        rollup: ROLLUP,
        instance: "small",
        client: clientOf(chain).client,
      }),
      (err: unknown) => err instanceof ReconstructError && err.code === "RECONSTRUCT_WRONG_INSTANCE",
    );
  });

  it("says there is no Rollup at an address without code", async () => {
    const chain = storyChain(witnesses);
    await assert.rejects(
      reconstructFromL1({
        rpcUrl: "http://served",
        rollup: "0x00000000000000000000000000000000000b0b00",
        instance: "tiny",
        client: clientOf(chain).client,
      }),
      (err: unknown) => err instanceof ReconstructError && err.code === "RECONSTRUCT_NO_ROLLUP",
    );
  });

  it("notices logs missing before --from-block", async () => {
    const chain = storyChain(witnesses);
    await assert.rejects(
      reconstructFromL1({
        rpcUrl: "http://served",
        rollup: ROLLUP,
        instance: "tiny",
        client: clientOf(chain).client,
        fromBlock: 2n,
      }),
      (err: unknown) => err instanceof ReconstructError && err.code === "RECONSTRUCT_NO_GENESIS",
    );
  });
});
