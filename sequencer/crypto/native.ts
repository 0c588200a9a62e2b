/**
 * The native crypto addon (prover/native/crypto, built by `npm install` into
 * prover/native/build/zkcrypto.node): Poseidon and EdDSA-Poseidon verification in C++ on the prover's
 * Montgomery field code, 5-20x faster than the wasm paths. This module loads it, hands it Poseidon's
 * constants (read from the installed circomlibjs, so there is one source of truth), and decides the
 * backend: `native` when the addon loads, else `wasm` with one loud warning.
 *
 * The choice can be forced once at start-up (`useCryptoBackend`, from the node's `CRYPTO` setting);
 * tests and benchmarks pass explicit engines instead.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BaseError } from "../../core/errors.ts";
import { FIELD_MODULUS } from "./field.ts";

export type CryptoBackend = "native" | "wasm";

/** The addon's exports (see prover/native/crypto/addon.cpp). */
export interface NativeCrypto {
  setPoseidonConstants(nInputs: number, constants: Buffer): boolean;
  /** undefined when an input is negative or ≥ 2^256: the caller reduces it and asks again. */
  poseidon(inputs: readonly bigint[]): bigint | undefined;
  verify(msg: bigint, r8x: bigint, r8y: bigint, ax: bigint, ay: bigint, s: bigint): boolean;
  /** Six values per signature (msg, R8x, R8y, Ax, Ay, S); one 0/1 per signature. */
  verifyBatch(flat: readonly unknown[], threads?: number): Uint8Array;
  setKeyCache(slots: number, buildAfterHits: number): boolean;
  keyCacheStats(): { tables: number; tracked: number; slots: number };
  selftest(): boolean;
}

/** The native backend was demanded (CRYPTO=native) but the addon is not there. */
export class NativeCryptoUnavailableError extends BaseError {
  override name = "NativeCryptoUnavailableError";
  constructor(reason: string) {
    super("NATIVE_CRYPTO_UNAVAILABLE", `native crypto addon unavailable: ${reason}`, { details: { reason } });
  }
}

const N_ROUNDS_P = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68] as const;
/** Where `npm install` builds the addon; the verify pool's workers load it from here too. */
export const ADDON_PATH = fileURLToPath(new URL("../../prover/native/build/zkcrypto.node", import.meta.url));

interface RawConstants {
  C: string[][];
  S: string[][];
  M: string[][][];
  P: string[][][];
}

function loadRawConstants(): RawConstants {
  const req = createRequire(import.meta.url);
  const file = join(dirname(req.resolve("circomlibjs")), "..", "src", "poseidon_constants_opt.json");
  return JSON.parse(readFileSync(file, "utf8")) as RawConstants;
}

function writeLe(buf: Buffer, off: number, x: bigint): void {
  for (let i = 0; i < 4; i++) {
    buf.writeBigUInt64LE(x & 0xffff_ffff_ffff_ffffn, off + 8 * i);
    x >>= 64n;
  }
}

/** One arity's constants as the addon takes them: C, S, M, P in JSON order, 32 bytes LE each. */
export function poseidonConstantsBuffer(raw: RawConstants, nInputs: number): Buffer {
  const k = nInputs - 1;
  const t = nInputs + 1;
  const values = [...raw.C[k]!, ...raw.S[k]!, ...raw.M[k]!.flat(), ...raw.P[k]!.flat()];
  const expected = 8 * t + N_ROUNDS_P[k]! + (2 * t - 1) * N_ROUNDS_P[k]! + 2 * t * t;
  if (values.length !== expected) throw new Error(`poseidon constants for ${nInputs} inputs: bad length`);
  const buf = Buffer.alloc(32 * values.length);
  values.forEach((v, i) => {
    const x = BigInt(v);
    if (x < 0n || x >= FIELD_MODULUS) throw new Error("poseidon constant out of range");
    writeLe(buf, 32 * i, x);
  });
  return buf;
}

/** Loads and prepares the addon at `path`: every arity's Poseidon constants set. Never throws. */
export function tryLoadAddon(path: string): { addon: NativeCrypto } | { error: string } {
  try {
    if (!existsSync(path)) throw new Error(`${path} not built`);
    const mod = createRequire(import.meta.url)(path) as NativeCrypto;
    if (!mod.selftest()) throw new Error("the addon failed its self-test");
    const raw = loadRawConstants();
    for (let n = 1; n <= N_ROUNDS_P.length; n++) mod.setPoseidonConstants(n, poseidonConstantsBuffer(raw, n));
    return { addon: mod };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

let addon: NativeCrypto | undefined;
let loadError: string | undefined;
let tried = false;

/** The addon with every arity's constants set, or undefined (and why, in `nativeLoadError`). */
export function loadNative(): NativeCrypto | undefined {
  if (tried) return addon;
  tried = true;
  const r = tryLoadAddon(ADDON_PATH);
  if ("addon" in r) addon = r.addon;
  else loadError = r.error;
  return addon;
}

export function nativeLoadError(): string | undefined {
  loadNative();
  return loadError;
}

/** The text of the one warning printed when the addon is missing and nothing forced a backend. */
export function fallbackWarning(reason: string): string {
  return (
    `\n[crypto] WARNING: the native crypto addon is not available (${reason}).\n` +
    "[crypto] WARNING: signature checks and Poseidon fall back to wasm, 4-10x slower. " +
    "Build it with `npm run build:native` (needs g++ or clang++).\n"
  );
}

/**
 * The backend for a choice given whether the addon loaded: `native` throws if it did not, `wasm`
 * never uses it, undefined means native when available, else wasm with a warning.
 */
export function decideBackend(
  choice: CryptoBackend | undefined,
  available: boolean,
  reason = "unknown",
): { backend: CryptoBackend; warning?: string } {
  if (choice === "wasm") return { backend: "wasm" };
  if (available) return { backend: "native" };
  if (choice === "native") throw new NativeCryptoUnavailableError(reason);
  return { backend: "wasm", warning: fallbackWarning(reason) };
}

let backend: CryptoBackend | undefined;
let warned = false;

/** Picks the backend (see `decideBackend`), once at start-up; prints the fallback warning at most once. */
export function useCryptoBackend(choice?: CryptoBackend): CryptoBackend {
  const available = choice === "wasm" ? false : loadNative() !== undefined;
  const d = decideBackend(choice, available, loadError);
  if (d.warning && !warned) {
    warned = true;
    console.warn(d.warning);
  }
  backend = d.backend;
  return backend;
}

/** The addon when the native backend is in use (decided on first call if not set), else undefined. */
export function activeNative(): NativeCrypto | undefined {
  if (backend === undefined) useCryptoBackend();
  return backend === "native" ? addon : undefined;
}

export function cryptoBackend(): CryptoBackend {
  if (backend === undefined) useCryptoBackend();
  return backend as CryptoBackend;
}
