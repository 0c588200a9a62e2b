import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { type Abi, createPublicClient, createWalletClient, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { devSetup } from "../../prover/setup/dev-setup.ts";
import { exportSolidityVerifier } from "../../prover/setup/export.ts";
import { compilePoseidonChain, REPO_ROOT } from "./fixtures/compile-fixture.ts";

interface Solc {
  compile(input: string): string;
}
const solc = createRequire(import.meta.url)("solc") as Solc;
// Anvil's first default account.
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
let calldata: { a: bigint[]; b: bigint[][]; c: bigint[]; pub: bigint[] };

before(async () => {
  const fx = await compilePoseidonChain();
  const zkey = join(fx.dir, "solidity.zkey");
  await devSetup(fx.r1csPath, zkey, { seed: "solidity-test", onProgress: () => {}, warn: () => {} });
  const solPath = join(fx.dir, "Groth16Verifier_fixture.sol");
  await exportSolidityVerifier(zkey, solPath, "Groth16Verifier_fixture");
  const out = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: "Solidity",
        sources: { "Verifier.sol": { content: await readFile(solPath, "utf8") } },
        settings: {
          optimizer: { enabled: true, runs: 200 },
          outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
        },
      }),
    ),
  ) as {
    errors?: Array<{ severity: string; formattedMessage: string }>;
    contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === "error");
  assert.deepEqual(
    errors.map((e) => e.formattedMessage),
    [],
  );
  const artifact = out.contracts["Verifier.sol"]?.Groth16Verifier_fixture;
  assert.ok(artifact, "contract is named Groth16Verifier_fixture");

  const { proof, publicSignals } = await snarkjs.groth16.fullProve(
    { a: 21, b: 2, secret: 9 },
    fx.wasmPath,
    zkey,
  );
  const big = (v: string) => BigInt(v);
  calldata = {
    a: [big(proof.pi_a[0]), big(proof.pi_a[1])],
    // The EVM pairing precompile takes G2 coordinates as (imaginary, real).
    b: [
      [big(proof.pi_b[0][1]), big(proof.pi_b[0][0])],
      [big(proof.pi_b[1][1]), big(proof.pi_b[1][0])],
    ],
    c: [big(proof.pi_c[0]), big(proof.pi_c[1])],
    pub: (publicSignals as string[]).map(big),
  };

  const port = await freePort();
  rpcUrl = `http://127.0.0.1:${port}`;
  anvil = spawn(join(REPO_ROOT, "node_modules/.bin/anvil"), ["--port", String(port), "--silent"], {
    stdio: "ignore",
  });
  await waitForRpc(rpcUrl, 20_000);
  const wallet = createWalletClient({ account: DEPLOYER, chain: foundry, transport: http(rpcUrl) });
  const pub = createPublicClient({ chain: foundry, transport: http(rpcUrl) });
  const hash = await wallet.deployContract({
    abi: artifact.abi,
    bytecode: `0x${artifact.evm.bytecode.object}`,
  });
  const receipt = await pub.waitForTransactionReceipt({ hash });
  assert.ok(receipt.contractAddress);
  verifier = { address: receipt.contractAddress, abi: artifact.abi };
});

after(async () => {
  anvil?.kill("SIGTERM");
  // snarkjs leaves its cached bn128 curve (and its worker threads) alive after fullProve.
  await (await buildBn128()).terminate();
});

async function verifyOnChain(pubSignals: bigint[]): Promise<boolean> {
  const client = createPublicClient({ chain: foundry, transport: http(rpcUrl) });
  return (await client.readContract({
    address: verifier.address,
    abi: verifier.abi,
    functionName: "verifyProof",
    args: [calldata.a, calldata.b, calldata.c, pubSignals],
  })) as boolean;
}

test("the exported Solidity verifier accepts a dev-setup proof on anvil", async () => {
  assert.equal(await verifyOnChain(calldata.pub), true);
});

test("the exported Solidity verifier rejects the proof with a tampered public signal", async () => {
  const tampered = [...calldata.pub];
  tampered[0] = (tampered[0] as bigint) + 1n;
  assert.equal(await verifyOnChain(tampered), false);
});
