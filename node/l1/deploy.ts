import { type Abi, type Address, getContractAddress, type Hex, parseAbi } from "viem";
import { type Artifact, librariesOf, linkBytecode, loadArtifact } from "./artifacts.ts";
import { createL1Clients } from "./clients.ts";
import { DeployError } from "./errors.ts";
import { mockUsdcAbi } from "./rollup-abi.ts";

/**
 * IRollup.GenesisParams: what the genesis state holds (node/genesis.ts `rollupGenesisOf` reads it from
 * the state). The constructor recomputes the state root from these and reverts unless it is `genesisRoot`.
 */
export type RollupGenesisParams = {
  /** Depth D of the account tree. */
  accountsDepth: bigint;
  /** The backstop vault's (account 0's) L2 key. */
  vaultPubKeyX: bigint;
  vaultPubKeyY: bigint;
  /** Cash on L2 at genesis: the deployment pays it to the Rollup first (the constructor checks). */
  vaultCollateral: bigint;
  insuranceFund: bigint;
  /** One per market (0: no mark yet); the length is M. */
  markPrices: readonly bigint[];
  /** The oracle keeper's L2 key (stored; not part of the state root). */
  keeperPubKeyX: bigint;
  keeperPubKeyY: bigint;
};

const erc20TransferAbi = parseAbi(["function transfer(address to, uint256 amount) returns (bool)"]);

export type DeployRollupParameters = {
  rpcUrl: string;
  deployerKey: Hex;
  /** The sequencer's L1 address: the only one allowed to submit batches. */
  operator: Address;
  /** The genesis state's parameters and its root as computed off chain (node/genesis.ts). */
  genesis: RollupGenesisParams;
  genesisRoot: bigint;
  /** Contract name in contracts/out, e.g. "Groth16Verifier_default", or "VerifierDouble" (tests only). */
  verifierContract: string;
  /** Use an existing token instead of deploying MockUSDC (devnet-only faucet token). */
  tokenAddress?: Address;
  /** Default: contracts/out. */
  outDir?: string;
  /**
   * IRollup.Config. `dataWords` must be the verifier's instance's (sequencer/proof/batch-data.ts
   * `dataLayout(inst).words`); the deadlines default to DEFAULT_FORCED_DEADLINE.
   */
  config: { dataWords: bigint; forcedDeadlineBlocks?: bigint; forcedDeadlineSeconds?: bigint };
};

/**
 * A priority request must be served within both: 100 blocks and 15 minutes. Long enough for a devnet
 * operator that restarts, short enough to watch desert mode happen; a real chain would use days.
 */
export const DEFAULT_FORCED_DEADLINE = { blocks: 100n, seconds: 900n } as const;

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
 * Deploys the Poseidon libraries (poseidon-solidity's and the generated constant libraries of the genesis
 * hash), the verifier, MockUSDC (unless a token is given) and the Rollup, linking the Rollup's bytecode to
 * the libraries. A genesis with cash has it paid to the Rollup's address first. The constructor reverts
 * with BadGenesis unless `genesisRoot` is the root of `genesis`. Every artifact is read first, so a
 * missing build fails before any transaction is sent.
 */
export async function deployRollup(params: DeployRollupParameters): Promise<DeployRollupReturnType> {
  const out = params.outDir === undefined ? {} : { outDir: params.outDir };
  const rollup = loadArtifact("Rollup", out);
  const verifier = loadArtifact(params.verifierContract, out);
  const token = params.tokenAddress ? undefined : loadArtifact("MockUSDC", out);
  const libs = librariesOf(rollup).map((name) => loadArtifact(name, out));

  const { publicClient, walletClient, account } = createL1Clients({
    rpcUrl: params.rpcUrl,
    privateKey: params.deployerKey,
    retryCount: 3,
  });
  if (!walletClient || !account) throw new DeployError("L1_NO_DEPLOYER", "a deployer key is required");

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

  /**
   * The constructor refuses to start with L2 cash that L1 does not hold (GenesisCashNotHeld), so the cash
   * goes to the address the Rollup will get: the deployer's next nonce after this payment. MockUSDC
   * (deployed here, devnet only) is minted there; a real token is transferred from the deployer.
   */
  const payGenesisCash = async (amount: bigint, tokenAddr: Address, isMock: boolean) => {
    const nonce = await publicClient.getTransactionCount({ address: account.address, blockTag: "pending" });
    const rollupAt = getContractAddress({ from: account.address, nonce: BigInt(nonce + 1) });
    const hash = isMock
      ? await walletClient.writeContract({
          address: tokenAddr,
          abi: mockUsdcAbi,
          functionName: "mint",
          args: [rollupAt, amount],
          chain: null,
        })
      : await walletClient.writeContract({
          address: tokenAddr,
          abi: erc20TransferAbi,
          functionName: "transfer",
          args: [rollupAt, amount],
          chain: null,
        });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") {
      throw new DeployError("L1_GENESIS_CASH_FAILED", "paying the genesis cash to the Rollup reverted", {
        details: { amount: amount.toString(), rollupAt, txHash: hash },
      });
    }
  };

  const poseidon: Record<string, Address> = {};
  for (const lib of libs) poseidon[lib.contractName] = (await deploy(lib, lib.bytecode)).address;
  const verifierAddress = (await deploy(verifier, linkBytecode(verifier, poseidon))).address;
  const tokenAddress =
    params.tokenAddress ?? (token ? (await deploy(token, token.bytecode)).address : undefined);
  if (!tokenAddress) throw new DeployError("L1_NO_TOKEN", "no token to deploy or use");
  if (params.genesis.vaultCollateral + params.genesis.insuranceFund > 0n) {
    await payGenesisCash(
      params.genesis.vaultCollateral + params.genesis.insuranceFund,
      tokenAddress,
      !!token,
    );
  }
  const deployed = await deploy(rollup, linkBytecode(rollup, poseidon), [
    params.genesis,
    params.genesisRoot,
    verifierAddress,
    tokenAddress,
    params.operator,
    {
      dataWords: params.config.dataWords,
      forcedDeadlineBlocks: params.config.forcedDeadlineBlocks ?? DEFAULT_FORCED_DEADLINE.blocks,
      forcedDeadlineSeconds: params.config.forcedDeadlineSeconds ?? DEFAULT_FORCED_DEADLINE.seconds,
    },
  ]);
  return {
    rollupAddress: deployed.address,
    verifierAddress,
    tokenAddress,
    poseidon,
    blockNumber: deployed.blockNumber,
  };
}
