import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repo root, from this file's location, so nothing depends on the caller's cwd. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const DEFAULT_BUILD_ROOT = path.join(REPO_ROOT, "circuits", "build");
export const GENERATED_CONTRACTS_DIR = path.join(REPO_ROOT, "contracts", "src", "generated");

export type SetupMode = "dev-insecure" | "ptau";

export interface NativeWitnessEntry {
  bin: string;
  dat: string;
  /** g++ time of this build's generated C++ (0 when the binary came from cache). */
  compileMs: number;
  bytes: number;
}

/** `<buildRoot>/<instance>.json`: what `npm run build:circuits` produced and how. Paths are absolute. */
export interface BuildManifest {
  version: 1;
  instance: { name: string; D: number; N: number; M: number; ND: number; NW: number };
  /** Circuit hash from compileInstance (sources + parameters + compiler): provers compare it with jobs'. */
  hash: string;
  dir: string;
  r1csPath: string;
  wasmPath: string;
  /**
   * The native witness generator (circom --c linked with prover/native/witness/) and its .dat; null
   * when it could not be built (no compiler, or the build failed): the provers then use wasm.
   * Absent in manifests written before it existed.
   */
  nativeWitness?: NativeWitnessEntry | null;
  zkeyPath: string;
  vkeyPath: string;
  verifierSolPath: string;
  verifierContractName: string;
  constraints: number;
  nPublic: number;
  domainPower: number;
  setup: { mode: SetupMode; seed: string | null; ptau: string | null };
  timingsMs: { compile: number; setup: number; exportVkey: number; exportVerifier: number; total: number };
  /** Which steps came from cache on the run that wrote this manifest. */
  cached: { compile: boolean; setup: boolean };
  builtAt: string;
}

export function manifestPath(instanceName: string, buildRoot = DEFAULT_BUILD_ROOT): string {
  return path.join(path.resolve(REPO_ROOT, buildRoot), `${instanceName}.json`);
}

export function readManifest(file: string): BuildManifest | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as BuildManifest;
}

export async function writeManifest(file: string, m: BuildManifest): Promise<void> {
  await writeFile(file, `${JSON.stringify(m, null, 2)}\n`);
}

export function verifierContractName(instanceName: string): string {
  return `Groth16Verifier_${instanceName}`;
}
