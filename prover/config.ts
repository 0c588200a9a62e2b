import { z } from "zod";
import { type Env, intFromEnv, logLevel, parseConfig, withEnv } from "../core/config.ts";
import { REPO_ROOT } from "../core/repo-root.ts";

/**
 * The prove queue as both ends see it: the sequencer node enqueues, the provers take, so both parse
 * these same variables (the sequencer's schema spreads them in).
 */
export const proveQueueFields = {
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  PROVE_QUEUE: z.string().min(1).default("prove"),
  CIRCUIT_INSTANCE: z.string().min(1).default("default"),
  BUILD_ROOT: z.string().default(`${REPO_ROOT}circuits/build`),
  LOG_LEVEL: logLevel,
};

/** Exported so deploy/ manifests can be checked against it (test/unit/deploy/manifests.test.ts). */
export const proverSchema = z.object({
  ...proveQueueFields,
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

export type ProverConfig = Readonly<z.infer<typeof proverSchema>>;

export const loadProverConfig = (over: Env = {}) => parseConfig(proverSchema, withEnv(over), "prover");
