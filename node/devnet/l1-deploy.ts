/**
 * The devnet's L1 set-up as one step: the genesis its sequencer will recompute, the Rollup deployed with
 * it, and the backstop account's funding. `npm run devnet` and `scripts/deploy-l1.ts` (the compose
 * file's one-shot `deploy` service) both call this, so the two can never deploy different genesis states.
 */
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Batch2Instance } from "../../circuits/batch2-instance.ts";
import { devKey } from "../../sequencer/crypto/keys.ts";
import { dataLayout } from "../../sequencer/proof/batch-data.ts";
import { l1User } from "../client/l1-user.ts";
import { type Genesis2, rollupGenesis2Of } from "../genesis.ts";
import { type DeployRollupReturnType, deployRollup } from "../l1/deploy.ts";

/** What the operator deposits for the backstop account (account 0): 1M USDC in micro-USDC. */
export const BACKSTOP_FUNDING = 1_000_000n * 1_000_000n;

export interface DeployDevnetRollupParameters {
  rpcUrl: string;
  inst: Batch2Instance;
  genesis: Genesis2;
  keeperSeed: string;
  deployerKey: Hex;
  /** The sequencer's OPERATOR_KEY: its address is the only one allowed to submit batches. */
  operatorKey: Hex;
  /** Default `Groth16Verifier_<instance>` (the exported verifier); tests pass "VerifierDouble". */
  verifierContract?: string;
  forcedDeadlineBlocks?: bigint;
  forcedDeadlineSeconds?: bigint;
}

export function deployDevnetRollup(p: DeployDevnetRollupParameters): Promise<DeployRollupReturnType> {
  const keeperPubKey = devKey(p.keeperSeed).pubKey;
  return deployRollup({
    rpcUrl: p.rpcUrl,
    deployerKey: p.deployerKey,
    operator: privateKeyToAccount(p.operatorKey).address,
    genesis: rollupGenesis2Of(p.genesis, keeperPubKey),
    genesisRoot: p.genesis.root,
    verifierContract: p.verifierContract ?? `Groth16Verifier_${p.inst.name}`,
    config: {
      dataWords: BigInt(dataLayout(p.inst).words),
      ...(p.forcedDeadlineBlocks === undefined ? {} : { forcedDeadlineBlocks: p.forcedDeadlineBlocks }),
      ...(p.forcedDeadlineSeconds === undefined ? {} : { forcedDeadlineSeconds: p.forcedDeadlineSeconds }),
    },
  });
}

/**
 * The backstop takes what the book cannot fill in a liquidation, so it gets real cash through the same
 * L1 deposit path as everyone else. The sequencer's deposit watcher reads L1's queue from its start,
 * so this may run before or after the sequencer is up.
 */
export async function fundBackstop(p: {
  rpcUrl: string;
  funderKey: Hex;
  deployed: Pick<DeployRollupReturnType, "rollupAddress" | "tokenAddress">;
  backstopSeed: string;
  amount?: bigint;
}): Promise<void> {
  const funder = l1User({
    rpcUrl: p.rpcUrl,
    privateKey: p.funderKey,
    rollup: p.deployed.rollupAddress,
    token: p.deployed.tokenAddress,
  });
  await funder.deposit(devKey(p.backstopSeed).pubKey, p.amount ?? BACKSTOP_FUNDING);
}
