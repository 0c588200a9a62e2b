/**
 * What clients (demo, tests, oracle keeper) and the API use: deterministic dev keys, signing into the
 * JSON wire form, and verifying a wire signature.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { type EdwardsWasmOptions, edwardsWasm } from "./babyjub-wasm.ts";
import { prv2pub, signPoseidon, verifyPoseidon } from "./eddsa.ts";
import { type CryptoBackend, loadNative, useCryptoBackend } from "./native.ts";
import { warmUpPoseidon } from "./poseidon.ts";
import {
  type SignatureFields,
  type SignatureJson,
  signatureFromJson,
  signatureToJson,
} from "./signature-json.ts";

export interface DevKey {
  prv: Uint8Array;
  pubKey: [bigint, bigint];
}

/**
 * A key derived from a seed string: prv = sha256("zk-perps dev key:" + seed). For devnets and tests
 * only: anyone who knows the seed knows the key.
 */
export function devKey(seed: string): DevKey {
  const prv = sha256(new TextEncoder().encode(`zk-perps dev key:${seed}`));
  return { prv, pubKey: prv2pub(prv) };
}

export function signMessage(prv: Uint8Array, msg: bigint): SignatureJson {
  return signatureToJson(signPoseidon(prv, msg));
}

/** False for a wrong or malformed signature; never throws. */
export function verifyMessage(
  msg: bigint,
  sig: SignatureJson | SignatureFields,
  pubKey: readonly [bigint, bigint],
): boolean {
  let parsed: ReturnType<typeof signatureFromJson>;
  try {
    parsed = signatureFromJson(sig);
  } catch {
    return false;
  }
  return verifyPoseidon(msg, parsed, pubKey);
}

export interface WarmUpCryptoOptions extends EdwardsWasmOptions {
  /** Force a backend (the node's CRYPTO setting); unset = native when built, else wasm with a warning. */
  backend?: CryptoBackend | undefined;
  /**
   * Per-key tables in the native addon (~250 kB each, LRU; default keyTableSlots or 128). Fewer tables
   * than the keys signing in turn makes every check a miss, about twice the cost of a hit.
   */
  nativeKeyTables?: number | undefined;
}

/**
 * Picks the crypto backend, loads the native addon or compiles the wasm modules, and builds the B8
 * tables now (~1 s in total on wasm) rather than inside the first request that needs them. Call once at
 * start-up of anything latency-sensitive. Returns the backend in use.
 */
export function warmUpCrypto(opts: WarmUpCryptoOptions = {}): CryptoBackend {
  const { backend: choice, nativeKeyTables, ...wasmOpts } = opts;
  const backend = useCryptoBackend(choice);
  warmUpPoseidon();
  // Signing and key derivation stay on wasm whatever the backend.
  edwardsWasm(wasmOpts);
  const addon = backend === "native" ? loadNative() : undefined;
  if (addon) {
    addon.setKeyCache(nativeKeyTables ?? wasmOpts.keyTableSlots ?? 128, wasmOpts.buildAfterHits ?? 2);
    addon.selftest(); // builds the B8 table
  }
  return backend;
}
