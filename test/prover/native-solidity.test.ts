import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as snarkjs from "snarkjs";
import { type Abi, createPublicClient, createWalletClient, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { REPO_ROOT } from "../../node/config.ts";
import { NativeProducer } from "../../prover/producers/index.ts";
import { toSolidityProof } from "../../prover/proof-format.ts";
import { buildCircuit } from "../../prover/setup/build-circuit.ts";
import { releaseSnarkjsCurves } from "../../prover/setup/curves.ts";
import { sampleBatchInput } from "../utils/batch-input.ts";
import { NATIVE_BIN, SKIP_NATIVE } from "./native-helpers.ts";

const solc = createRequire(import.meta.url)("solc") as { compile(input: string): string };
const DEPLOYER = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

async function waitForRpc(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`anvil did not answer at ${url}`);
}

let anvil: ChildProcess | undefined;
let rpcUrl: string;
let verifier: { address: Hex; abi: Abi };
let words: bigint[];
let pub: bigint[];

before(async () => {
  if (SKIP_NATIVE) return;
  const m = await buildCircuit("tiny", { onProgress: () => {} });
  const { input } = await sampleBatchInput("tiny");
  const w = { type: "mem" } as { type: "mem"; data?: Uint8Array };
  await snarkjs.wtns.calculate(input, m.wasmPath, w);
  const producer = await NativeProducer.start(m.zkeyPath, { bin: NATIVE_BIN, threads: 0 });
  const out = await producer.prove(w.data!).finally(() => producer.close());
  words = toSolidityProof(out.proof).map(BigInt);
  pub = out.publicSignals.map(BigInt);

  const out2 = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: "Solidity",
        sources: { "Verifier.sol": { content: await readFile(m.verifierSolPath, "utf8") } },
        settings: {
          optimizer: { enabled: true, runs: 200 },
          outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
        },
      }),
    ),
  ) as { contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>> };
  const artifact = out2.contracts["Verifier.sol"]?.[m.verifierContractName];
  assert.ok(artifact, `${m.verifierContractName} compiles`);

  const port = await freePort();
  rpcUrl = `http://127.0.0.1:${port}`;
  anvil = spawn(join(REPO_ROOT, "node_modules/.bin/anvil"), ["--port", String(port), "--silent"], {
    stdio: "ignore",
  });
  await waitForRpc(rpcUrl, 20_000);
  const wallet = createWalletClient({ account: DEPLOYER, chain: foundry, transport: http(rpcUrl) });
  const client = createPublicClient({ chain: foundry, transport: http(rpcUrl) });
  const hash = await wallet.deployContract({
    abi: artifact.abi,
    bytecode: `0x${artifact.evm.bytecode.object}`,
  });
  const receipt = await client.waitForTransactionReceipt({ hash });
  assert.ok(receipt.contractAddress);
  verifier = { address: receipt.contractAddress, abi: artifact.abi };
});

after(async () => {
  anvil?.kill("SIGTERM");
  await releaseSnarkjsCurves();
});

function verifyOnChain(signals: bigint[]): Promise<boolean> {
  const client = createPublicClient({ chain: foundry, transport: http(rpcUrl) });
  const [a0, a1, b00, b01, b10, b11, c0, c1] = words as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  return client.readContract({
    address: verifier.address,
    abi: verifier.abi,
    functionName: "verifyProof",
    args: [
      [a0, a1],
      [
        [b00, b01],
        [b10, b11],
      ],
      [c0, c1],
      signals,
    ],
  }) as Promise<boolean>;
}

test("the tiny instance's exported Solidity verifier accepts a native proof on anvil", {
  skip: SKIP_NATIVE,
}, async () => {
  assert.equal(await verifyOnChain(pub), true);
});

test("the Solidity verifier rejects the native proof with a tampered public signal", {
  skip: SKIP_NATIVE,
}, async () => {
  assert.equal(await verifyOnChain([pub[0]! + 1n]), false);
});
