/** The witness engines (WITNESS=native|wasm) behind one interface; `resolveWitness` picks one. */
import * as snarkjs from "snarkjs";
import type { CircuitArtifacts } from "../artifacts.ts";
import type { ProverConfig } from "../config.ts";
import { type NativeWitnessFiles, NativeWitnessUnavailableError, nativeWitness } from "./native.ts";

export * from "./native.ts";

export type WitnessEngineName = "native" | "wasm";

/** Computes the .wtns bytes of a circuit input. */
export interface WitnessEngine {
  readonly engine: WitnessEngineName;
  calculate(input: Record<string, unknown>): Promise<Uint8Array>;
}

export interface WitnessChoice {
  engine: WitnessEngineName;
  /** Set when native was wanted by default but is not built: say it loudly, once. */
  fallback?: string;
}

type WitnessArtifacts = Pick<CircuitArtifacts, "instance" | "nativeWitness">;

/**
 * WITNESS=wasm|native picks the engine. Unset: native when the build made the circuit's native
 * generator, else wasm with a fallback reason. WITNESS=native without it throws
 * NativeWitnessUnavailableError naming the command to run.
 */
export function resolveWitness(cfg: Pick<ProverConfig, "WITNESS">, art: WitnessArtifacts): WitnessChoice {
  if (cfg.WITNESS === "wasm") return { engine: "wasm" };
  if (art.nativeWitness) return { engine: "native" };
  const why = `the native witness generator of circuit "${art.instance.name}" was not built (no C++ compiler at build time, or the build failed)`;
  if (cfg.WITNESS === "native") {
    throw new NativeWitnessUnavailableError(
      "NATIVE_WITNESS_UNAVAILABLE",
      `WITNESS=native but ${why}: run \`npm run build:circuits -- --instance ${art.instance.name}\``,
      { details: { instance: art.instance.name } },
    );
  }
  return { engine: "wasm", fallback: `${why}; computing witnesses with wasm` };
}

export function wasmWitnessEngine(wasm: Uint8Array): WitnessEngine {
  const source = { type: "mem" as const, data: wasm };
  return {
    engine: "wasm",
    async calculate(input) {
      const wtns = { type: "mem" } as { type: "mem"; data?: Uint8Array };
      await snarkjs.wtns.calculate(input, source, wtns);
      return wtns.data as Uint8Array;
    },
  };
}

export function nativeWitnessEngine(files: NativeWitnessFiles, instance: string): WitnessEngine {
  return { engine: "native", calculate: (input) => nativeWitness(files, input, instance) };
}
