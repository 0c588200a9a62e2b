/**
 * An exported Groth16 verifier compiled with solcjs and deployed on a fresh Anvil (node/l1's
 * startAnvil), so a test can ask the real contract whether it accepts a proof.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { type Abi, createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { ANVIL_KEYS, startAnvil } from "../../node/l1/anvil.ts";

const solc = createRequire(import.meta.url)("solc") as { compile(input: string): string };

export interface DeployedVerifier {
  /** `words` is the 8-word proof of prover/proof-format.ts `toSolidityProof`. */
  verify(words: readonly bigint[], publicSignals: readonly bigint[]): Promise<boolean>;
  stop(): Promise<void>;
}

export async function deployVerifier(solPath: string, contractName: string): Promise<DeployedVerifier> {
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
  assert.deepEqual(
    (out.errors ?? []).filter((e) => e.severity === "error").map((e) => e.formattedMessage),
    [],
  );
  const artifact = out.contracts["Verifier.sol"]?.[contractName];
  assert.ok(artifact, `${contractName} compiles`);

  const anvil = await startAnvil();
  const transport = http(anvil.rpcUrl);
  const wallet = createWalletClient({
    account: privateKeyToAccount(ANVIL_KEYS[0]),
    chain: foundry,
    transport,
  });
  const client = createPublicClient({ chain: foundry, transport });
  const hash = await wallet.deployContract({
    abi: artifact.abi,
    bytecode: `0x${artifact.evm.bytecode.object}`,
  });
  const address = (await client.waitForTransactionReceipt({ hash })).contractAddress;
  assert.ok(address);
  return {
    verify: async (w, publicSignals) =>
      (await client.readContract({
        address,
        abi: artifact.abi,
        functionName: "verifyProof",
        args: [
          [w[0], w[1]],
          [
            [w[2], w[3]],
            [w[4], w[5]],
          ],
          [w[6], w[7]],
          [...publicSignals],
        ],
      })) as boolean,
    stop: anvil.stop,
  };
}
