import { existsSync } from "node:fs";
import { BaseError } from "../core/errors.ts";
import { type BuildManifest, DEFAULT_BUILD_ROOT, manifestPath, readManifest } from "./setup/manifest.ts";

export type { BuildManifest } from "./setup/manifest.ts";

export class ArtifactsMissingError extends BaseError {
  override name = "ArtifactsMissingError";
  constructor(instanceName: string, what: string, path: string) {
    super(
      "ARTIFACTS_MISSING",
      `${what} for circuit instance "${instanceName}" is missing (${path}): run \`npm run build:circuits -- --instance ${instanceName}\``,
      {
        details: { instance: instanceName, what, path },
      },
    );
  }
}

export interface CircuitArtifacts {
  instance: BuildManifest["instance"];
  zkeyPath: string;
  wasmPath: string;
  /** The native witness generator, when it was built and its files are there (else wasm is used). */
  nativeWitness?: { bin: string; dat: string };
  vkeyPath: string;
  verifierSolPath: string;
  verifierContractName: string;
  manifest: BuildManifest;
}

/**
 * Finds what `npm run build:circuits` made for an instance. Synchronous: callers load it once at
 * start-up. Throws ArtifactsMissingError (code ARTIFACTS_MISSING) naming the command to run.
 */
export function loadArtifacts(instanceName: string, opts: { buildRoot?: string } = {}): CircuitArtifacts {
  const file = manifestPath(instanceName, opts.buildRoot ?? DEFAULT_BUILD_ROOT);
  const manifest = readManifest(file);
  if (!manifest) throw new ArtifactsMissingError(instanceName, "build manifest", file);
  const files: Array<[string, string]> = [
    ["proving key", manifest.zkeyPath],
    ["witness generator", manifest.wasmPath],
    ["verification key", manifest.vkeyPath],
    ["Solidity verifier", manifest.verifierSolPath],
  ];
  for (const [what, p] of files) if (!existsSync(p)) throw new ArtifactsMissingError(instanceName, what, p);
  const nw = manifest.nativeWitness;
  return {
    instance: manifest.instance,
    zkeyPath: manifest.zkeyPath,
    wasmPath: manifest.wasmPath,
    ...(nw && existsSync(nw.bin) && existsSync(nw.dat)
      ? { nativeWitness: { bin: nw.bin, dat: nw.dat } }
      : {}),
    vkeyPath: manifest.vkeyPath,
    verifierSolPath: manifest.verifierSolPath,
    verifierContractName: manifest.verifierContractName,
    manifest,
  };
}
