import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Abi, Address, Hex } from "viem";
import { ArtifactMissingError, DeployError } from "./errors.ts";
import { CONTRACTS_OUT_DIR } from "./paths.ts";

/** Byte ranges, per source file and library name, where a library address goes in the bytecode. */
export type LinkReferences = Record<string, Record<string, { start: number; length: number }[]>>;

export type Artifact = {
  contractName: string;
  abi: Abi;
  /** Creation bytecode; may hold library placeholders (see `linkReferences`). */
  bytecode: Hex;
  linkReferences: LinkReferences;
};

export type LoadArtifactParameters = {
  /** Source file name without `.sol` when it differs from the contract name. */
  file?: string;
  /** Default: contracts/out. */
  outDir?: string;
};

/** Reads a forge artifact from contracts/out/<File>.sol/<Contract>.json. */
export function loadArtifact(contractName: string, params: LoadArtifactParameters = {}): Artifact {
  const path = join(
    params.outDir ?? CONTRACTS_OUT_DIR,
    `${params.file ?? contractName}.sol`,
    `${contractName}.json`,
  );
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch (err) {
    throw new ArtifactMissingError(
      "L1_ARTIFACT_MISSING",
      `no forge artifact for ${contractName} at ${path}: run \`npm run build:contracts\` (and, for a Groth16Verifier_*, \`npm run build:circuits\` first)`,
      { details: { contractName, path }, cause: err },
    );
  }
  const json = JSON.parse(raw) as {
    abi: Abi;
    bytecode: { object: string; linkReferences?: LinkReferences };
  };
  const object = json.bytecode.object.startsWith("0x") ? json.bytecode.object : `0x${json.bytecode.object}`;
  return {
    contractName,
    abi: json.abi,
    bytecode: object as Hex,
    linkReferences: json.bytecode.linkReferences ?? {},
  };
}

/** Library names an artifact must be linked against. */
export function librariesOf(artifact: Artifact): string[] {
  return [...new Set(Object.values(artifact.linkReferences).flatMap((libs) => Object.keys(libs)))];
}

/** Writes library addresses into the placeholders of an artifact's bytecode. */
export function linkBytecode(artifact: Artifact, libraries: Readonly<Record<string, Address>>): Hex {
  let code = artifact.bytecode.slice(2);
  for (const libs of Object.values(artifact.linkReferences)) {
    for (const [name, refs] of Object.entries(libs)) {
      const address = libraries[name];
      if (!address) {
        throw new DeployError("L1_LIBRARY_UNLINKED", `${artifact.contractName} needs library ${name}`, {
          details: { contractName: artifact.contractName, library: name },
        });
      }
      const hex = address.slice(2).toLowerCase();
      for (const { start, length } of refs) {
        code = code.slice(0, start * 2) + hex.padStart(length * 2, "0") + code.slice((start + length) * 2);
      }
    }
  }
  return `0x${code}`;
}
