/**
 * Writes contracts/generated/: the circomlibjs Poseidon constants for the widths the Rollup hashes at
 * genesis (the account leaf, a market and the global root of every instance in circuits/batch2.json), and
 * `PoseidonN.sol`, which hashes an array of one of those widths with contracts/src/PoseidonWide.sol.
 *
 * Why not poseidon-solidity: it ships T2..T6 only, and an unrolled library with every constant inlined
 * does not fit in 24 KB of code at these widths. The constants (circomlibjs' optimised set, ≈ 57 KB at t = 11)
 * are split into data libraries of at most CHUNK_WORDS words; each returns its bytes, PoseidonN joins
 * them. The libraries are linked like PoseidonT4..T6: forge links them in tests, node/l1/deploy.ts
 * deploys them from the Rollup artifact's link references.
 *
 * Widths follow the Batch2 encoding (`genesisHashWidths`, the same as sequencer/proof/witness.ts and
 * the circuit); a cross-check test keeps them equal to the TS encoding's lengths. The folder is git-ignored; `forgeBuild` (npm run
 * build:contracts, npm test, the devnet) writes it before forge runs.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { poseidon } from "../../sequencer/crypto/poseidon.ts";
import { L1Error } from "./errors.ts";
import { CONTRACTS_DIR } from "./paths.ts";

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const FULL_ROUNDS = 8;
/** circomlibjs poseidon_reference.js, indexed by t - 2. */
const PARTIAL_ROUNDS = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68] as const;
/** 700 words = 22,400 bytes of data per library, under the 24,576-byte code limit with room for the code. */
const CHUNK_WORDS = 700;

export const POSEIDON_SOL_DIR = join(CONTRACTS_DIR, "generated");
const CONSTANTS_JSON = fileURLToPath(
  new URL("../../node_modules/circomlibjs/src/poseidon_constants_opt.json", import.meta.url),
);
const CIRCUITS_JSON = fileURLToPath(new URL("../../circuits/batch2.json", import.meta.url));

/**
 * The Poseidon widths of the Batch2 genesis hash of M markets (sequencer/proof/witness.ts): the v2 leaf,
 * a market's six fields, and the global root over M market hashes and four tail fields.
 */
export function genesisHashWidths(M: number): { leaf: number; market: number; global: number } {
  return { leaf: 5 + 3 * M, market: 6, global: M + 4 };
}

/** Every width any Batch2 instance hashes at genesis, ascending. */
export function instanceWidths(): number[] {
  const all = JSON.parse(readFileSync(CIRCUITS_JSON, "utf8")) as Record<string, { M: number }>;
  const widths = new Set<number>();
  for (const { M } of Object.values(all)) {
    const w = genesisHashWidths(M);
    widths.add(w.leaf);
    widths.add(w.market);
    widths.add(w.global);
  }
  return [...widths].sort((a, b) => a - b);
}

/**
 * circomlibjs' optimised constants for n inputs in PoseidonWide's layout: C ‖ MT ‖ PT ‖ S, with the
 * matrices transposed so that row i holds the weights of output word i (poseidon_opt.js uses M[j][i]).
 */
export function poseidonConstantWords(n: number): bigint[] {
  if (!Number.isInteger(n) || n < 1 || n > PARTIAL_ROUNDS.length) {
    throw new L1Error("L1_POSEIDON_WIDTH", `Poseidon takes 1..${PARTIAL_ROUNDS.length} inputs, not ${n}`, {
      details: { n },
    });
  }
  const opt = JSON.parse(readFileSync(CONSTANTS_JSON, "utf8")) as {
    C: string[][];
    S: string[][];
    M: string[][][];
    P: string[][][];
  };
  const t = n + 1;
  const partial = PARTIAL_ROUNDS[t - 2] as number;
  const big = (xs: readonly string[] | undefined) => (xs ?? []).map((x) => BigInt(x));
  const transposed = (m: string[][] | undefined) =>
    Array.from({ length: t }, (_, i) =>
      Array.from({ length: t }, (_, j) => BigInt(m?.[j]?.[i] ?? "x")),
    ).flat();
  const c = big(opt.C[t - 2]);
  const sparse = big(opt.S[t - 2]);
  const mt = transposed(opt.M[t - 2]);
  const pt = transposed(opt.P[t - 2]);
  if (c.length !== FULL_ROUNDS * t + partial || sparse.length !== partial * (2 * t - 1)) {
    throw new L1Error(
      "L1_POSEIDON_CONSTANTS",
      `circomlibjs constants for t = ${t} have an unexpected shape`,
      {
        details: { t, c: c.length, s: sparse.length },
      },
    );
  }
  return [...c, ...mt, ...pt, ...sparse];
}

/** The same rounds as PoseidonWide.sol, in TS, to check the emitted constants before writing them. */
function wideHash(inputs: readonly bigint[], words: readonly bigint[]): bigint {
  const t = inputs.length + 1;
  const partial = PARTIAL_ROUNDS[t - 2] as number;
  const next = (() => {
    let i = 0;
    return () => words[i++] as bigint;
  })();
  const cWords = Array.from({ length: FULL_ROUNDS * t + partial }, next);
  const mt = Array.from({ length: t * t }, next);
  const pt = Array.from({ length: t * t }, next);
  const sparse = Array.from({ length: partial * (2 * t - 1) }, next);
  let ci = 0;
  let si = 0;
  const ark = (s: bigint[]) => s.map((x) => (x + (cWords[ci++] as bigint)) % P);
  const pow5 = (x: bigint) => x ** 5n % P;
  const mix = (s: bigint[], m: bigint[]) =>
    s.map((_, i) => s.reduce((acc, x, j) => (acc + (m[i * t + j] as bigint) * x) % P, 0n));
  let s = ark([0n, ...inputs.map((x) => x % P)]);
  for (let r = 1; r < FULL_ROUNDS / 2; r++) s = mix(ark(s.map(pow5)), mt);
  s = mix(ark(s.map(pow5)), pt);
  for (let r = 0; r < partial; r++) {
    const s0 = (pow5(s[0] as bigint) + (cWords[ci++] as bigint)) % P;
    s[0] = s0;
    let acc = 0n;
    for (let j = 0; j < t; j++) acc = (acc + (sparse[si++] as bigint) * (s[j] as bigint)) % P;
    for (let k = 1; k < t; k++) s[k] = ((s[k] as bigint) + s0 * (sparse[si++] as bigint)) % P;
    s[0] = acc;
  }
  for (let r = 1; r < FULL_ROUNDS / 2; r++) s = mix(ark(s.map(pow5)), mt);
  s = mix(s.map(pow5), mt);
  return s[0] as bigint;
}

const word = (x: bigint) => x.toString(16).padStart(64, "0");

function chunksOf(words: readonly bigint[]): bigint[][] {
  const count = Math.ceil(words.length / CHUNK_WORDS);
  const size = Math.ceil(words.length / count);
  return Array.from({ length: count }, (_, k) => words.slice(k * size, (k + 1) * size));
}

const HEADER =
  "// SPDX-License-Identifier: MIT\n// GENERATED by node/l1/poseidon-sol.ts from circomlibjs' poseidon_constants_opt.json. Do not edit.\npragma solidity ^0.8.28;\n";

function chunkSource(name: string, t: number, k: number, count: number, words: readonly bigint[]): string {
  return `${HEADER}
/// @notice Words ${k + 1}/${count} of circomlib's optimised Poseidon constants for t = ${t} (C, MT, PT, S), for PoseidonN.
library ${name} {
    function data() public pure returns (bytes memory) {
        return hex"${words.map(word).join("")}";
    }
}
`;
}

function dispatcherSource(widths: readonly { n: number; chunks: string[] }[]): string {
  const imports = widths.flatMap((w) => w.chunks.map((c) => `import {${c}} from "./${c}.sol";`)).join("\n");
  const branches = widths
    .map(
      (w) =>
        `        if (n == ${w.n}) {\n            return PoseidonWide.hash(inputs, bytes.concat(${w.chunks.map((c) => `${c}.data()`).join(", ")}), ${PARTIAL_ROUNDS[w.n - 1] as number});\n        }`,
    )
    .join("\n");
  return `${HEADER}
import {PoseidonWide} from "../src/PoseidonWide.sol";
${imports}

/// @notice circomlib Poseidon over ${widths.map((w) => w.n).join(", ")} inputs: the genesis leaf and global widths
///         of the instances in circuits/circuits.json.
library PoseidonN {
    /// @notice Thrown when no constants were generated for \`inputs\` inputs (add the instance, rebuild).
    error PoseidonWidthNotBuilt(uint256 inputs);

    /// @notice The widths this build supports, ascending.
    function widths() internal pure returns (uint256[] memory ws) {
        ws = new uint256[](${widths.length});
${widths.map((w, i) => `        ws[${i}] = ${w.n};`).join("\n")}
    }

    function hash(uint256[] memory inputs) internal pure returns (uint256 out) {
        // The constants are copied into memory (≈ 100 KB at t = 11) and dead after the hash; handing the
        // space back keeps the next hash from paying the quadratic memory cost on top of it.
        uint256 freePointer;
        assembly ("memory-safe") {
            freePointer := mload(0x40)
        }
        out = _hash(inputs);
        assembly ("memory-safe") {
            mstore(0x40, freePointer)
        }
    }

    function _hash(uint256[] memory inputs) private pure returns (uint256) {
        uint256 n = inputs.length;
${branches}
        revert PoseidonWidthNotBuilt(n);
    }
}
`;
}

export type WritePoseidonSolParameters = {
  /** Default: every genesis width of circuits/circuits.json. */
  widths?: readonly number[];
  /** Default: contracts/generated. */
  dir?: string;
};

/**
 * Writes the constant libraries and PoseidonN.sol. Files whose content is unchanged are left alone (so
 * forge's cache holds), and stale PoseidonT*.sol files of widths no longer needed are removed.
 */
export function writePoseidonSol(params: WritePoseidonSolParameters = {}): { dir: string; files: string[] } {
  const dir = params.dir ?? POSEIDON_SOL_DIR;
  const widths = [...new Set(params.widths ?? instanceWidths())].sort((a, b) => a - b);
  const files = new Map<string, string>();
  const entries: { n: number; chunks: string[] }[] = [];
  for (const n of widths) {
    const words = poseidonConstantWords(n);
    const probe = Array.from({ length: n }, (_, i) => BigInt(i + 1));
    if (wideHash(probe, words) !== poseidon(probe)) {
      throw new L1Error(
        "L1_POSEIDON_CONSTANTS",
        `the generated Poseidon of width ${n} disagrees with the TS one`,
        {
          details: { n },
        },
      );
    }
    const t = n + 1;
    const parts = chunksOf(words);
    const names = parts.map((_, k) => `PoseidonT${t}Constants${k}`);
    parts.forEach((w, k) => {
      files.set(`${names[k]}.sol`, chunkSource(names[k] as string, t, k, parts.length, w));
    });
    entries.push({ n, chunks: names });
  }
  files.set("PoseidonN.sol", dispatcherSource(entries));

  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) {
    if (f.endsWith(".sol") && !files.has(f)) rmSync(join(dir, f));
  }
  for (const [name, text] of files) {
    const path = join(dir, name);
    if (!existsSync(path) || readFileSync(path, "utf8") !== text) writeFileSync(path, text);
  }
  return { dir, files: [...files.keys()].sort() };
}
