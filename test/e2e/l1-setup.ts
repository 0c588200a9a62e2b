// Shared set-up of the L1 end-to-end tests: a real Anvil, the forge build, a Rollup deployed with the
// VerifierDouble test verifier (contracts/test/utils, accepts every proof by default).

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Address, Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { loadBatch2Instance } from "../../circuits/batch2-instance.ts";
import { pollUntil } from "../../core/poll.ts";
import { buildGenesis2, rollupGenesis2Of } from "../../node/genesis.ts";
import {
  ANVIL_KEYS,
  type StartAnvilParameters,
  type StartAnvilReturnType,
  startAnvil,
} from "../../node/l1/anvil.ts";
import { createL1Clients } from "../../node/l1/clients.ts";
import { type DeployRollupReturnType, deployRollup } from "../../node/l1/deploy.ts";
import { forgeBuild } from "../../node/l1/forge.ts";
import { CONTRACTS_OUT_DIR } from "../../node/l1/paths.ts";
import { mockUsdcAbi, rollupAbi } from "../../node/l1/rollup-abi.ts";
import { devKey } from "../../sequencer/crypto/keys.ts";

export const DEPLOYER_KEY = ANVIL_KEYS[0];
export const OPERATOR_KEY = ANVIL_KEYS[1];
export const USER_KEY = ANVIL_KEYS[2];
export const OPERATOR = privateKeyToAccount(OPERATOR_KEY).address;
/** A small genesis (the same code as the devnet's): the Rollup refuses any root but the one it computes. */
const E2E_KEEPER = devKey("l1-e2e-keeper").pubKey;
const GENESIS = buildGenesis2(
  { ...loadBatch2Instance("tiny"), name: "l1-e2e", D: 4 },
  { backstopSeed: "l1-e2e-backstop", keeperPubKey: E2E_KEEPER, reservedForLiquidations: 0 },
);
export const GENESIS_PARAMS = rollupGenesis2Of(GENESIS, E2E_KEEPER);
export const GENESIS_ROOT = GENESIS.root;

/** A BabyJubjub dev key as deposit fields: the Rollup refuses keys that are not curve points. */
export function testKey(seed: string): { pubKeyX: bigint; pubKeyY: bigint } {
  const [pubKeyX, pubKeyY] = devKey(seed).pubKey;
  return { pubKeyX, pubKeyY };
}

/** Builds contracts/ once per process if an artifact the tests need is missing. */
export async function ensureBuilt(): Promise<void> {
  const needed = [
    "Rollup.sol/Rollup.json",
    "VerifierDouble.sol/VerifierDouble.json",
    "MockUSDC.sol/MockUSDC.json",
  ];
  if (needed.every((p) => existsSync(join(CONTRACTS_OUT_DIR, p)))) return;
  await forgeBuild();
}

/** The test double takes any number of public inputs; these tests publish this many data words. */
export const DOUBLE_DATA_WORDS = 2n;

export type L1Env = { anvil: StartAnvilReturnType; deployed: DeployRollupReturnType };

export async function startL1(anvilParams: StartAnvilParameters = {}): Promise<L1Env> {
  await ensureBuilt();
  const anvil = await startAnvil(anvilParams);
  try {
    const deployed = await deployRollup({
      rpcUrl: anvil.rpcUrl,
      deployerKey: DEPLOYER_KEY,
      operator: OPERATOR,
      genesis: GENESIS_PARAMS,
      genesisRoot: GENESIS_ROOT,
      verifierContract: "VerifierDouble",
      config: { dataWords: DOUBLE_DATA_WORDS },
    });
    return { anvil, deployed };
  } catch (err) {
    await anvil.stop();
    throw err;
  }
}

/** Mints, approves and deposits from USER_KEY; resolves after the deposits are mined. */
export async function deposit(
  rpcUrl: string,
  d: DeployRollupReturnType,
  deposits: readonly { pubKeyX: bigint; pubKeyY: bigint; amount: bigint }[],
): Promise<void> {
  const { publicClient, walletClient, account } = createL1Clients({ rpcUrl, privateKey: USER_KEY });
  if (!walletClient || !account) throw new Error("no wallet");
  const total = deposits.reduce((s, x) => s + x.amount, 0n);
  const send = async (hash: Hex) => {
    const r = await publicClient.waitForTransactionReceipt({ hash });
    if (r.status !== "success") throw new Error(`tx ${hash} reverted`);
  };
  await send(
    await walletClient.writeContract({
      address: d.tokenAddress,
      abi: mockUsdcAbi,
      functionName: "mint",
      args: [account.address, total],
      chain: null,
    }),
  );
  await send(
    await walletClient.writeContract({
      address: d.tokenAddress,
      abi: mockUsdcAbi,
      functionName: "approve",
      args: [d.rollupAddress, total],
      chain: null,
    }),
  );
  for (const x of deposits) {
    await send(
      await walletClient.writeContract({
        address: d.rollupAddress,
        abi: rollupAbi,
        functionName: "deposit",
        args: [x.pubKeyX, x.pubKeyY, x.amount],
        chain: null,
      }),
    );
  }
}

export async function readRollup(
  rpcUrl: string,
  rollupAddress: Address,
  functionName: "lastVerifiedBatch" | "stateRoot" | "depositCount" | "depositsConsumed" | "lastBatchTimeMs",
): Promise<bigint> {
  const { publicClient } = createL1Clients({ rpcUrl });
  return publicClient.readContract({ address: rollupAddress, abi: rollupAbi, functionName });
}

/** Polls `cond` until it holds or `timeoutMs` passes. */
export async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  await pollUntil(what, () => cond(), { timeoutMs, everyMs: 50 });
}
