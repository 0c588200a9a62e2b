/** The proving engines behind one interface; `resolveEngine` picks one from the config. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { ProverConfig } from "../config.ts";
import { NativeProducer } from "./native.ts";
import { type EngineName, NativeProverUnavailableError, type ProofProducer } from "./producer.ts";
import { startSnarkjsProducer } from "./snarkjs.ts";

export { NativeProducer } from "./native.ts";
export * from "./producer.ts";
export { startSnarkjsProducer } from "./snarkjs.ts";

export interface EngineChoice {
  engine: EngineName;
  /** Set when the native engine was wanted by default but cannot be used: say it loudly, once. */
  fallback?: string;
}

/** True when the binary exists and answers a one-line self-test. */
export function nativeProverWorks(bin: string): boolean {
  if (!existsSync(bin)) return false;
  const r = spawnSync(bin, ["--selftest"], { input: "fr mul 2 3\n", encoding: "utf8", timeout: 10_000 });
  return r.status === 0 && r.stdout.trim() === "6";
}

type EngineConfig = Pick<ProverConfig, "PROVER" | "NATIVE_PROVER_BIN" | "NATIVE_PROVER_THREADS">;

/**
 * PROVER=snarkjs|native picks the engine. Unset: native if its binary was built and runs, else snarkjs
 * with a fallback reason. PROVER=native with no working binary throws NativeProverUnavailableError.
 */
export function resolveEngine(cfg: EngineConfig): EngineChoice {
  if (cfg.PROVER === "snarkjs") return { engine: "snarkjs" };
  if (nativeProverWorks(cfg.NATIVE_PROVER_BIN)) return { engine: "native" };
  const why = existsSync(cfg.NATIVE_PROVER_BIN)
    ? `native prover ${cfg.NATIVE_PROVER_BIN} does not run on this machine`
    : `native prover ${cfg.NATIVE_PROVER_BIN} was not built (no C++ compiler at npm install, or the build failed)`;
  if (cfg.PROVER === "native") {
    throw new NativeProverUnavailableError(
      "NATIVE_PROVER_UNAVAILABLE",
      `PROVER=native but ${why}: run \`npm run build:native\``,
      {
        details: { bin: cfg.NATIVE_PROVER_BIN },
      },
    );
  }
  return { engine: "snarkjs", fallback: `${why}; proving with snarkjs (several times slower)` };
}

/** Starts the chosen engine with the zkey loaded once. */
export function startProducer(
  engine: EngineName,
  zkeyPath: string,
  cfg: EngineConfig,
): Promise<ProofProducer> {
  return engine === "native"
    ? NativeProducer.start(zkeyPath, { bin: cfg.NATIVE_PROVER_BIN, threads: cfg.NATIVE_PROVER_THREADS })
    : startSnarkjsProducer(zkeyPath);
}
