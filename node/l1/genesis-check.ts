import type { Address } from "viem";
import { createL1Clients } from "./clients.ts";
import { L1Error } from "./errors.ts";
import { rollupAbi } from "./rollup-abi.ts";

/** The sequencer's configuration disagrees with the genesis the Rollup was deployed with. */
export class GenesisMismatchError extends L1Error {
  override name = "GenesisMismatchError";
}

export type CheckDeployedGenesisParameters = {
  rpcUrl: string;
  rollupAddress: Address;
  /** The root of the genesis this process built (node/genesis.ts). */
  genesisRoot: bigint;
  accountsDepth: number;
  markets: number;
  /** The key whose signed prices the API accepts (KEEPER_SEED). */
  keeperPubKey: readonly [bigint, bigint];
};

/**
 * Refuses to start a sequencer whose genesis is not the deployed one: another BACKSTOP_SEED, instance or
 * KEEPER_SEED would otherwise show only later, as batches reverting with StaleRoot or prices from a key
 * the chain does not know. All four are immutable on L1 (the contract computed the genesis root itself).
 */
export async function checkDeployedGenesis(p: CheckDeployedGenesisParameters): Promise<void> {
  const { publicClient } = createL1Clients({ rpcUrl: p.rpcUrl });
  const read = (
    functionName: "accountsDepth" | "markets" | "keeperPubKeyX" | "keeperPubKeyY" | "genesisStateRoot",
  ) => publicClient.readContract({ address: p.rollupAddress, abi: rollupAbi, functionName });
  const [depth, markets, kx, ky, root] = await Promise.all([
    read("accountsDepth"),
    read("markets"),
    read("keeperPubKeyX"),
    read("keeperPubKeyY"),
    read("genesisStateRoot"),
  ]);
  const fail = (code: string, what: string, onL1: unknown, here: unknown) => {
    throw new GenesisMismatchError(code, `${what} of the Rollup at ${p.rollupAddress} is not this config's`, {
      details: { onL1: String(onL1), here: String(here) },
    });
  };
  if (depth !== BigInt(p.accountsDepth))
    fail("L1_GENESIS_DEPTH_MISMATCH", "the tree depth", depth, p.accountsDepth);
  if (markets !== BigInt(p.markets))
    fail("L1_GENESIS_MARKETS_MISMATCH", "the market count", markets, p.markets);
  if (kx !== p.keeperPubKey[0] || ky !== p.keeperPubKey[1]) {
    fail(
      "L1_KEEPER_KEY_MISMATCH",
      "the oracle keeper key (KEEPER_SEED)",
      `${kx},${ky}`,
      p.keeperPubKey.join(","),
    );
  }
  if (root !== p.genesisRoot) {
    fail("L1_GENESIS_ROOT_MISMATCH", "the genesis root (BACKSTOP_SEED, RISK_POLICY)", root, p.genesisRoot);
  }
}
