/**
 * What the compose file's one-shot `deploy` service does (scripts/deploy-l1.ts): the devnet's L1 deploy
 * (node/devnet/l1-deploy.ts), written to a directory the sequencers read:
 * - `deployment.json`: addresses, genesis root, and `sequencerEnv`;
 * - `sequencer.env`: the same `sequencerEnv` as KEY=VALUE lines, for `node --env-file` (the sequencer's
 *   config stays env-only; nothing in it learns about files).
 * A second run against the same L1 finds the deployment and checks it instead of deploying a second
 * rollup beside the one the sequencers' data belongs to.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Hex } from "viem";
import { loadBatch2Instance } from "../../circuits/batch2-instance.ts";
import type { Env } from "../../core/config.ts";
import { sequencerGenesis } from "../genesis.ts";
import { createL1Clients } from "../l1/clients.ts";
import type { DeployL1Config } from "./deploy-l1-config.ts";
import { DevnetError } from "./errors.ts";
import { deployDevnetRollup, fundBackstop } from "./l1-deploy.ts";
import { checkL1NotReset } from "./l1-reset.ts";

export const DEPLOYMENT_FILE = "deployment.json";
export const SEQUENCER_ENV_FILE = "sequencer.env";

export interface L1Deployment {
  l1RpcUrl: string;
  chainId: number;
  instance: string;
  rollupAddress: `0x${string}`;
  verifierAddress: `0x${string}`;
  tokenAddress: `0x${string}`;
  /** Block of the Rollup's deployment. */
  blockNumber: string;
  genesisRoot: string;
  deployedAt: string;
  /** Env names of node/sequencer/config.ts: what a sequencer of this deployment must be started with. */
  sequencerEnv: Env;
}

export interface DeployL1Result {
  deployment: L1Deployment;
  /** True when the directory already held a deployment that L1 still has (nothing was sent). */
  reused: boolean;
}

export async function deployL1(
  cfg: DeployL1Config,
  onProgress: (msg: string) => void = () => {},
): Promise<DeployL1Result> {
  const inst = loadBatch2Instance(cfg.CIRCUIT_INSTANCE);
  const { genesis } = sequencerGenesis(inst, {
    backstopSeed: cfg.BACKSTOP_SEED,
    keeperSeed: cfg.KEEPER_SEED,
    reservedForLiquidations: cfg.LIQ_RESERVED_SLOTS,
  });
  const genesisRoot = `0x${genesis.root.toString(16)}`;
  const file = join(cfg.DEPLOY_OUT_DIR, DEPLOYMENT_FILE);
  const remedy = `delete ${cfg.DEPLOY_OUT_DIR} together with Anvil's state and the sequencers' data (docker compose down -v)`;

  if (existsSync(file)) {
    const prev = JSON.parse(readFileSync(file, "utf8")) as L1Deployment;
    if (prev.genesisRoot !== genesisRoot || prev.instance !== inst.name) {
      throw new DevnetError(
        "DEVNET_CONFIG_CHANGED",
        `${file} was deployed with another genesis (instance "${prev.instance}", this run "${inst.name}"); ${remedy}`,
        { details: { recorded: prev.genesisRoot, now: genesisRoot } },
      );
    }
    await checkL1NotReset({
      rpcUrl: cfg.L1_RPC_URL,
      rollupAddress: prev.rollupAddress,
      genesisRoot: genesis.root,
      remedy,
    });
    onProgress(`the rollup at ${prev.rollupAddress} (${file}) is still on L1; nothing to deploy`);
    return { deployment: prev, reused: true };
  }

  onProgress(`deploying the Rollup for instance "${inst.name}" to ${cfg.L1_RPC_URL}`);
  const deployed = await deployDevnetRollup({
    rpcUrl: cfg.L1_RPC_URL,
    inst,
    genesis,
    keeperSeed: cfg.KEEPER_SEED,
    deployerKey: cfg.DEPLOYER_KEY as Hex,
    operatorKey: cfg.OPERATOR_KEY as Hex,
    ...(cfg.VERIFIER_CONTRACT ? { verifierContract: cfg.VERIFIER_CONTRACT } : {}),
  });
  onProgress(`funding the backstop account (${cfg.BACKSTOP_SEED})`);
  await fundBackstop({
    rpcUrl: cfg.L1_RPC_URL,
    funderKey: cfg.DEPLOYER_KEY as Hex,
    deployed,
    backstopSeed: cfg.BACKSTOP_SEED,
  });
  const chainId = await createL1Clients({ rpcUrl: cfg.L1_RPC_URL }).publicClient.getChainId();
  const deployment: L1Deployment = {
    l1RpcUrl: cfg.L1_RPC_URL,
    chainId,
    instance: inst.name,
    rollupAddress: deployed.rollupAddress,
    verifierAddress: deployed.verifierAddress,
    tokenAddress: deployed.tokenAddress,
    blockNumber: deployed.blockNumber.toString(),
    genesisRoot,
    deployedAt: new Date().toISOString(),
    sequencerEnv: {
      L1_RPC_URL: cfg.L1_RPC_URL,
      ROLLUP_ADDRESS: deployed.rollupAddress,
      CIRCUIT_INSTANCE: inst.name,
      BACKSTOP_SEED: cfg.BACKSTOP_SEED,
      KEEPER_SEED: cfg.KEEPER_SEED,
      LIQ_RESERVED_SLOTS: String(cfg.LIQ_RESERVED_SLOTS),
    },
  };
  writeDeployment(cfg.DEPLOY_OUT_DIR, deployment);
  onProgress(`wrote ${file} and ${join(cfg.DEPLOY_OUT_DIR, SEQUENCER_ENV_FILE)}`);
  return { deployment, reused: false };
}

/** The env file first and the JSON last, each renamed into place: a JSON present means both are whole. */
function writeDeployment(dir: string, d: L1Deployment): void {
  mkdirSync(dir, { recursive: true });
  const put = (name: string, text: string) => {
    const tmp = join(dir, `.${name}.tmp-${process.pid}`);
    writeFileSync(tmp, text);
    renameSync(tmp, join(dir, name));
  };
  const lines = Object.entries(d.sequencerEnv).map(([k, v]) => `${k}=${v}`);
  put(
    SEQUENCER_ENV_FILE,
    `# written by scripts/deploy-l1.ts; read with node --env-file\n${lines.join("\n")}\n`,
  );
  put(DEPLOYMENT_FILE, `${JSON.stringify(d, null, 2)}\n`);
}
