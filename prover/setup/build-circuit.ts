import { existsSync, readFileSync, statSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  type CircuitInstance,
  type CompileResult,
  compileInstance,
  loadInstance,
} from "../../circuits/compile.ts";
import { nativeProverWorks } from "../producers/index.ts";
import { devSetup } from "./dev-setup.ts";
import { SetupError } from "./errors.ts";
import { exportSolidityVerifier, exportVerificationKey } from "./export.ts";
import {
  type BuildManifest,
  DEFAULT_BUILD_ROOT,
  GENERATED_CONTRACTS_DIR,
  manifestPath,
  REPO_ROOT,
  type SetupMode,
  verifierContractName,
  writeManifest,
} from "./manifest.ts";
import type { OnSetupProgress } from "./progress.ts";
import { ptauSetup } from "./ptau-setup.ts";
import { readR1cs } from "./r1cs-reader.ts";
import { domainPower as computeDomainPower } from "./scalars.ts";

export const DEFAULT_DEV_SEED = "zk-perps-devnet";

export interface BuildCircuitOptions {
  /** A ceremony's prepared powers-of-tau file; without it the INSECURE dev setup runs. */
  ptau?: string;
  /** Dev-setup seed (default "zk-perps-devnet"). */
  seed?: string;
  buildRoot?: string;
  /** Redo the setup and exports even if cached. */
  force?: boolean;
  /** Text progress (compile messages, step timings). */
  onProgress?: (msg: string) => void;
  /** Bar progress of the setup sections; default cli-progress bars. */
  onSetupProgress?: OnSetupProgress;
  /** Where the Solidity verifier goes (default contracts/src/generated). */
  generatedDir?: string;
  /** Replaces compileInstance (tests use toy circuits); default compiles circuits/circuits.json's instance. */
  compile?: (
    inst: CircuitInstance,
    opts: { buildRoot: string; onProgress: (msg: string) => void; deferNativeWitness?: boolean },
  ) => Promise<CompileResult>;
  /** Replaces loadInstance (tests). */
  instance?: CircuitInstance;
}

interface SetupStamp {
  mode: SetupMode;
  seed: string | null;
  ptau: string | null;
  nPublic: number;
  domainPower: number;
}

const SOLIDITY_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Compile → setup → export vkey and Solidity verifier → manifest. Each artifact is cached in the
 * instance's hashed build dir: with unchanged sources and the same setup choice, a rerun does no
 * compile and no setup, and only rewrites what is missing.
 */
export async function buildCircuit(
  instanceName: string,
  opts: BuildCircuitOptions = {},
): Promise<BuildManifest> {
  const log = opts.onProgress ?? (() => {});
  if (!SOLIDITY_IDENT.test(instanceName)) {
    throw new SetupError("SETUP_BAD_R1CS", `instance name "${instanceName}" is not a Solidity identifier`);
  }
  const buildRoot = path.resolve(REPO_ROOT, opts.buildRoot ?? DEFAULT_BUILD_ROOT);
  const generatedDir = path.resolve(REPO_ROOT, opts.generatedDir ?? GENERATED_CONTRACTS_DIR);
  const inst = opts.instance ?? loadInstance(instanceName);
  const mode: SetupMode = opts.ptau ? "ptau" : "dev-insecure";
  const seed = mode === "dev-insecure" ? (opts.seed ?? DEFAULT_DEV_SEED) : null;
  const ptau = opts.ptau ? path.resolve(opts.ptau) : null;
  const tStart = performance.now();

  const tCompile = performance.now();
  const wallStart = Date.now();
  // The native witness generator's g++ build runs while the setup runs (the setup's BigInt phases
  // leave a core idle); its result goes into the manifest below.
  const compiled = await (opts.compile ?? compileInstance)(inst, {
    buildRoot,
    onProgress: log,
    deferNativeWitness: true,
  });
  const nativeWitnessP = compiled.nativeWitnessPending ?? Promise.resolve(compiled.nativeWitness);
  // If the setup fails, the pending build must not become an unhandled rejection (it never rejects).
  nativeWitnessP.catch(() => {});
  const compileMs = performance.now() - tCompile;
  // A reused build has an r1cs older than this run.
  const compileCached = statSync(compiled.r1csPath).mtimeMs < wallStart;

  const zkeyPath = path.join(compiled.dir, "circuit_final.zkey");
  const vkeyPath = path.join(compiled.dir, "verification_key.json");
  const stampPath = path.join(compiled.dir, "setup.json");
  const contractName = verifierContractName(instanceName);
  const verifierSolPath = path.join(generatedDir, `${contractName}.sol`);

  const wanted = { mode, seed, ptau };
  const stamp = readStamp(stampPath);
  const setupCached =
    !opts.force &&
    existsSync(zkeyPath) &&
    stamp !== undefined &&
    stamp.mode === wanted.mode &&
    stamp.seed === wanted.seed &&
    stamp.ptau === wanted.ptau;

  let setupMs = 0;
  let nPublic: number;
  let domainPower: number;
  if (setupCached) {
    log(`setup: cached (${mode}${seed ? `, seed ${JSON.stringify(seed)}` : ""}) in ${zkeyPath}`);
    nPublic = stamp.nPublic;
    domainPower = stamp.domainPower;
  } else {
    const t = performance.now();
    if (ptau) {
      await ptauSetup(compiled.r1csPath, ptau, zkeyPath, log);
      const r1cs = await readR1cs(compiled.r1csPath);
      nPublic = r1cs.nPubOut + r1cs.nPubIn;
      domainPower = computeDomainPower(r1cs.nConstraints, nPublic);
    } else {
      // The native prover, when built, does the group multiplications (same bytes, ~4x faster).
      const nativeBin = path.join(REPO_ROOT, "prover/native/build/zkprove");
      const native = nativeProverWorks(nativeBin);
      log(`setup: group multiplications with ${native ? "the native prover" : "wasm worker threads"}`);
      const res = await devSetup(compiled.r1csPath, zkeyPath, {
        seed: seed as string,
        ...(native ? { nativeBin } : {}),
        ...(opts.onSetupProgress ? { onProgress: opts.onSetupProgress } : {}),
      });
      nPublic = res.nPublic;
      domainPower = res.power;
    }
    setupMs = performance.now() - t;
    log(`setup: ${mode} done in ${(setupMs / 1000).toFixed(1)}s`);
    const newStamp: SetupStamp = { ...wanted, nPublic, domainPower };
    await writeFile(stampPath, `${JSON.stringify(newStamp, null, 2)}\n`);
  }

  let exportVkeyMs = 0;
  if (!setupCached || !existsSync(vkeyPath)) {
    const t = performance.now();
    await exportVerificationKey(zkeyPath, vkeyPath);
    exportVkeyMs = performance.now() - t;
    log(`export: ${vkeyPath}`);
  }
  let exportVerifierMs = 0;
  if (!setupCached || !existsSync(verifierSolPath)) {
    const t = performance.now();
    await mkdir(generatedDir, { recursive: true });
    await exportSolidityVerifier(zkeyPath, verifierSolPath, contractName);
    exportVerifierMs = performance.now() - t;
    log(`export: ${verifierSolPath}`);
  }

  const nativeWitness = await nativeWitnessP;
  const manifest: BuildManifest = {
    version: 1,
    instance: { name: instanceName, D: inst.D, N: inst.N, M: inst.M, ND: inst.ND, NW: inst.NW },
    hash: compiled.hash,
    dir: compiled.dir,
    r1csPath: compiled.r1csPath,
    wasmPath: compiled.wasmPath,
    nativeWitness: nativeWitness
      ? {
          bin: nativeWitness.bin,
          dat: nativeWitness.dat,
          compileMs: nativeWitness.compileMs,
          bytes: nativeWitness.bytes,
        }
      : null,
    zkeyPath,
    vkeyPath,
    verifierSolPath,
    verifierContractName: contractName,
    constraints: compiled.constraints,
    nPublic,
    domainPower,
    setup: wanted,
    timingsMs: {
      compile: Math.round(compileMs),
      setup: Math.round(setupMs),
      exportVkey: Math.round(exportVkeyMs),
      exportVerifier: Math.round(exportVerifierMs),
      total: Math.round(performance.now() - tStart),
    },
    cached: { compile: compileCached, setup: setupCached },
    builtAt: new Date().toISOString(),
  };
  await mkdir(buildRoot, { recursive: true });
  await writeManifest(manifestPath(instanceName, buildRoot), manifest);
  return manifest;
}

function readStamp(file: string): SetupStamp | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as SetupStamp;
}
