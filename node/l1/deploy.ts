import type { Abi, Address, Hex } from "viem";
import { type Artifact, librariesOf, linkBytecode, loadArtifact } from "./artifacts.ts";
import { createL1Clients } from "./clients.ts";
import { DeployError } from "./errors.ts";

export type DeployRollupParameters = {
  rpcUrl: string;
  deployerKey: Hex;
  /** The sequencer's L1 address: the only one allowed to submit batches. */
  operator: Address;
  genesisRoot: bigint;
  /** Contract name in contracts/out, e.g. "Groth16Verifier_default", or "VerifierDouble" (tests only). */
  verifierContract: string;
  /** Use an existing token instead of deploying MockUSDC (devnet-only faucet token). */
  tokenAddress?: Address;
  /** Default: contracts/out. */
  outDir?: string;
};

export type DeployRollupReturnType = {
  rollupAddress: Address;
  verifierAddress: Address;
  tokenAddress: Address;
  /** Library addresses the Rollup is linked against, by library name (PoseidonT4, ...). */
  poseidon: Record<string, Address>;
  /** Block of the Rollup deployment: watchers can start scanning logs here. */
  blockNumber: bigint;
};

/**
 * Deploys the Poseidon libraries, the verifier, MockUSDC (unless a token is given) and the Rollup, linking
 * the Rollup's bytecode to the libraries. Every artifact is read first, so a missing build fails before
 * any transaction is sent.
 */
export async function deployRollup(params: DeployRollupParameters): Promise<DeployRollupReturnType> {
  const out = params.outDir === undefined ? {} : { outDir: params.outDir };
  const rollup = loadArtifact("Rollup", out);
  const verifier = loadArtifact(params.verifierContract, out);
  const token = params.tokenAddress ? undefined : loadArtifact("MockUSDC", out);
  const libs = librariesOf(rollup).map((name) => loadArtifact(name, out));

  const { publicClient, walletClient } = createL1Clients({
    rpcUrl: params.rpcUrl,
    privateKey: params.deployerKey,
    retryCount: 3,
  });
  if (!walletClient) throw new DeployError("L1_NO_DEPLOYER", "a deployer key is required");

  const deploy = async (artifact: Artifact, bytecode: Hex, args: readonly unknown[] = []) => {
    let hash: Hex;
    try {
      hash = await walletClient.deployContract({ abi: artifact.abi as Abi, bytecode, args, chain: null });
    } catch (err) {
      throw new DeployError("L1_DEPLOY_FAILED", `deploying ${artifact.contractName} failed`, {
        details: { contractName: artifact.contractName },
        cause: err,
      });
    }
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success" || !receipt.contractAddress) {
      throw new DeployError("L1_DEPLOY_REVERTED", `deploying ${artifact.contractName} reverted`, {
        details: { contractName: artifact.contractName, txHash: hash },
      });
    }
    return { address: receipt.contractAddress, blockNumber: receipt.blockNumber };
  };

  const poseidon: Record<string, Address> = {};
  for (const lib of libs) poseidon[lib.contractName] = (await deploy(lib, lib.bytecode)).address;
  const verifierAddress = (await deploy(verifier, linkBytecode(verifier, poseidon))).address;
  const tokenAddress =
    params.tokenAddress ?? (token ? (await deploy(token, token.bytecode)).address : undefined);
  if (!tokenAddress) throw new DeployError("L1_NO_TOKEN", "no token to deploy or use");
  const deployed = await deploy(rollup, linkBytecode(rollup, poseidon), [
    params.genesisRoot,
    verifierAddress,
    tokenAddress,
    params.operator,
  ]);
  return {
    rollupAddress: deployed.address,
    verifierAddress,
    tokenAddress,
    poseidon,
    blockNumber: deployed.blockNumber,
  };
}
