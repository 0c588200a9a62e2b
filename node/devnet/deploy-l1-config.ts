import { z } from "zod";
import { type Env, intFromEnv, parseConfig, withEnv } from "../../core/config.ts";
import { DEV_ROLES, devAccountKey } from "../l1/dev-accounts.ts";

const hexKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a 32-byte hex private key (0x + 64 hex digits)");

/**
 * `scripts/deploy-l1.ts`: the devnet's L1 deploy as a one-shot job (the compose file's `deploy` service).
 * The names the sequencer also reads (L1_RPC_URL, CIRCUIT_INSTANCE, BACKSTOP_SEED, KEEPER_SEED,
 * LIQ_RESERVED_SLOTS, OPERATOR_KEY) mean the same here, so one env block can feed both.
 */
export const deployL1Schema = z.object({
  L1_RPC_URL: z.string().url(),
  CIRCUIT_INSTANCE: z.string().min(1).default("default"),
  BACKSTOP_SEED: z.string().min(1).default("devnet-backstop"),
  KEEPER_SEED: z.string().min(1).default("devnet-keeper"),
  LIQ_RESERVED_SLOTS: intFromEnv(2),
  /** Pays for the deploy and the backstop's funding; Anvil's dev account 0 by default. */
  DEPLOYER_KEY: hexKey.default(devAccountKey(DEV_ROLES.deployer)),
  /** Only its address is used (the Rollup's operator); the sequencer signs with the same key. */
  OPERATOR_KEY: hexKey.default(devAccountKey(DEV_ROLES.operator)),
  /** Where deployment.json and sequencer.env are written (a volume the sequencers mount). */
  DEPLOY_OUT_DIR: z.string().min(1).default(".devnet/l1"),
  /** Default Groth16Verifier_<instance>; tests use "VerifierDouble" to skip the circuit build. */
  VERIFIER_CONTRACT: z.string().min(1).optional(),
});

export type DeployL1Config = Readonly<z.infer<typeof deployL1Schema>>;

export const loadDeployL1Config = (over: Env = {}) => parseConfig(deployL1Schema, withEnv(over), "deploy-l1");
