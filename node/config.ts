import { z } from "zod";
import { BaseError } from "../core/errors.ts";
import { REPO_ROOT } from "../core/repo-root.ts";
import { isPolicyName, POLICY_NAMES } from "../sequencer/sim/policies.ts";

export class ConfigError extends BaseError {
  override name = "ConfigError";
}

const hexKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a 32-byte hex private key (0x + 64 hex digits)");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "a 20-byte hex address");
const intFromEnv = (def: number) => z.coerce.number().int().nonnegative().default(def);

const common = {
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  PROVE_QUEUE: z.string().min(1).default("prove"),
  CIRCUIT_INSTANCE: z.string().min(1).default("default"),
  BUILD_ROOT: z.string().default(`${REPO_ROOT}circuits/build`),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
};

const sequencerSchema = z.object({
  ...common,
  DATA_DIR: z.string().default(`${REPO_ROOT}.devnet/data`),
  API_HOST: z.string().default("127.0.0.1"),
  API_PORT: intFromEnv(8080),
  L1_RPC_URL: z.string().url(),
  ROLLUP_ADDRESS: address,
  OPERATOR_KEY: hexKey,
  /** Seed of the L2 key that owns the backstop account 0; must match the genesis the rollup was deployed with (checked at start). */
  BACKSTOP_SEED: z.string().min(1).default("devnet-backstop"),
  /** Seed of the oracle keeper's L2 key: only its signed prices are accepted. Must be the Rollup's keeper key (checked at start). */
  KEEPER_SEED: z.string().min(1).default("devnet-keeper"),
  BATCH_MAX_WAIT_MS: intFromEnv(2000),
  PRICE_BATCH_WAIT_MS: intFromEnv(30_000),
  /** A keeper price moving the mark this much seals a price-only batch at once (Sequencer docs). */
  URGENT_PRICE_MOVE_BPS: intFromEnv(50),
  LIQ_RESERVED_SLOTS: intFromEnv(2),
  /** Risk policy (mark, funding, liquidation waterfall) by name: simple, ftx, backpack, hyperliquid, dydx. */
  RISK_POLICY: z
    .string()
    .default("simple")
    .refine(isPolicyName, { message: `RISK_POLICY must be one of ${POLICY_NAMES.join(", ")}` }),
  /** Zombie sweep and follow-up of open liquidation events, ms; 0 turns it off. */
  SWEEP_INTERVAL_MS: intFromEnv(5_000),
  MAX_NORMAL_QUEUE: intFromEnv(50_000),
  /** A sealed batch's tree work may wait this long while requests arrive, ms; 0 = never (Sequencer docs). */
  TREE_DEFER_MS: intFromEnv(0),
  L1_POLL_MS: intFromEnv(500),
  /**
   * "off" runs the lane-off baseline (docs/LANE.md): one FIFO, no reserved slots, no backpressure,
   * every proof at the same priority. For comparisons only.
   */
  LIQUIDATION_LANE: z.enum(["on", "off"]).default("on"),
  /** Backpressure from proving capacity: "off" admits normal work whatever the unproven backlog. */
  BACKPRESSURE: z.enum(["on", "off"]).default("on"),
  /** Liquidation trigger → L1-verified target, ms; 0 = twice the idle value (live estimates). */
  LIQ_TARGET_MS: intFromEnv(0),
  /** Proof time of one batch (witness + prove) before any is measured, ms. */
  PROOF_MS_ESTIMATE: intFromEnv(10_000),
  /** Proven → L1-verified before any is measured, ms. */
  L1_MS_ESTIMATE: intFromEnv(2_000),
  /** Signature checks and Poseidon: unset = native when it was built (npm install builds it), else wasm with a warning. */
  CRYPTO: z.enum(["native", "wasm"]).optional(),
  /**
   * Per-key tables of the native verifier (~250 kB each, least recently used dropped): a key with a
   * table verifies in about half the time. Size it to the accounts signing at once.
   */
  SIG_KEY_TABLES: intFromEnv(512),
  /** Signature-check worker threads (docs/ORDER-ENTRY.md); unset = one per core, 0 = in the API's thread. */
  VERIFY_THREADS: z.coerce.number().int().nonnegative().optional(),
});

const proverSchema = z.object({
  ...common,
  PROVER_CONCURRENCY: z.coerce.number().int().positive().default(1),
  PROVER_LOCK_MS: intFromEnv(15_000),
  PROVER_STALLED_INTERVAL_MS: intFromEnv(5_000),
  /** Proving engine: unset = native when it was built (npm install builds it), else snarkjs with a warning. */
  PROVER: z.enum(["snarkjs", "native"]).optional(),
  /** The native prover binary; default prover/native/build/zkprove. */
  NATIVE_PROVER_BIN: z.string().default(`${REPO_ROOT}prover/native/build/zkprove`),
  /** Threads per native proof; 0 = every core. */
  NATIVE_PROVER_THREADS: intFromEnv(0),
  /**
   * Witness engine: unset = native when the circuit's native witness generator was built (`npm run
   * build:circuits` compiles circom's C++ with g++), else wasm with a warning. native = required.
   */
  WITNESS: z.enum(["native", "wasm"]).optional(),
});

const keeperSchema = z.object({
  API_URL: z.string().url(),
  KEEPER_SEED: z.string().min(1).default("devnet-keeper"),
  KEEPER_INTERVAL_MS: intFromEnv(1000),
  KEEPER_RANDOM_SEED: z.string().default("oracle-walk"),
  /** Starting prices per market in micro-USDC per lot (lots of 0.001 BTC and 0.01 ETH), comma separated. */
  KEEPER_START_PRICES: z.string().default("60000000,30000000"),
  KEEPER_VOL_BPS: intFromEnv(20),
  LOG_LEVEL: common.LOG_LEVEL,
});

export type SequencerConfig = Readonly<z.infer<typeof sequencerSchema>>;
export type ProverConfig = Readonly<z.infer<typeof proverSchema>>;
export type KeeperConfig = Readonly<z.infer<typeof keeperSchema>>;

function parse<T extends z.ZodTypeAny>(
  schema: T,
  env: Record<string, string | undefined>,
  role: string,
): Readonly<z.infer<T>> {
  const res = schema.safeParse(env);
  if (!res.success) {
    const lines = res.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new ConfigError("BAD_CONFIG", `invalid ${role} configuration (see .env.example):\n${lines}`, {
      details: { issues: res.error.issues },
    });
  }
  return Object.freeze(res.data);
}

/** Flags override env vars; both are read here and nowhere else. */
export const loadSequencerConfig = (over: Record<string, string | undefined> = {}) =>
  parse(sequencerSchema, { ...process.env, ...over }, "sequencer");
export const loadProverConfig = (over: Record<string, string | undefined> = {}) =>
  parse(proverSchema, { ...process.env, ...over }, "prover");
export const loadKeeperConfig = (over: Record<string, string | undefined> = {}) =>
  parse(keeperSchema, { ...process.env, ...over }, "keeper");
