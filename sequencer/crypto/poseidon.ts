/**
 * circomlib-compatible Poseidon (1..16 inputs), synchronous. `poseidon` runs on the native addon when
 * the crypto backend is native (`native.ts`: C++, ~6x faster than the wasm here), else on wasm.
 *
 * The wasm path is ~3x faster than plain bigint.
 * The permutation is circomlibjs' own wasm code generator (`buildPoseidonWasm`, the optimised constants
 * and sparse partial rounds) on top of wasmcurves' Montgomery field, linked into a small module of our
 * own instead of circomlibjs' whole bn128 engine. That keeps outputs bit-identical to circomlibjs while
 * dropping its async setup and its slow per-call conversions: inputs cross as four 64-bit words.
 * The module is built and compiled synchronously on first use (~0.3 s), so importers need no await.
 */
import { buildPoseidonWasm } from "circomlibjs";
import { ModuleBuilder } from "wasmbuilder";
import wasmcurves from "wasmcurves";
import { PoseidonInputError } from "./errors.ts";
import { FIELD_MODULUS } from "./field.ts";
import { activeNative, type NativeCrypto } from "./native.ts";
import { POSEIDON_MAX_INPUTS, poseidonBigint, toField } from "./poseidon-bigint.ts";

export { POSEIDON_MAX_INPUTS } from "./poseidon-bigint.ts";

interface PoseidonWasm {
  hash(inputs: readonly bigint[]): bigint;
}

// Constants take ~0.8 MB of the module's data segment; 40 pages (2.5 MB) leaves room to spare.
const MEMORY_PAGES = 40;
const MASK64 = (1n << 64n) - 1n;

function buildWasm(): PoseidonWasm {
  const mb = new ModuleBuilder();
  mb.setMemory(MEMORY_PAGES);
  wasmcurves.buildF1m(mb, FIELD_MODULUS, "frm");
  const pIn = mb.alloc(32 * POSEIDON_MAX_INPUTS);
  const pState = mb.alloc(32);
  const pOut = mb.alloc(32);
  buildPoseidonWasm(mb);
  const memory = new WebAssembly.Memory({ initial: MEMORY_PAGES });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(mb.build()), { env: { memory } });
  const ex = instance.exports as {
    poseidon(pState: number, pIn: number, n: number, pOut: number, nOut: number): void;
    frm_toMontgomery(pIn: number, pOut: number): void;
    frm_fromMontgomery(pIn: number, pOut: number): void;
  };
  // Memory never grows (the module only uses its static data), so this view stays valid.
  const words = new BigUint64Array(memory.buffer);

  return {
    hash(inputs) {
      const n = inputs.length;
      for (let i = 0; i < n; i++) {
        const ptr = pIn + 32 * i;
        let x = toField(inputs[i]!);
        const o = ptr >> 3;
        words[o] = x & MASK64;
        x >>= 64n;
        words[o + 1] = x & MASK64;
        x >>= 64n;
        words[o + 2] = x & MASK64;
        words[o + 3] = x >> 64n;
        ex.frm_toMontgomery(ptr, ptr);
      }
      const s = pState >> 3;
      words[s] = 0n;
      words[s + 1] = 0n;
      words[s + 2] = 0n;
      words[s + 3] = 0n;
      ex.poseidon(pState, pIn, n, pOut, 1);
      ex.frm_fromMontgomery(pOut, pOut);
      const o = pOut >> 3;
      return (words[o + 3]! << 192n) | (words[o + 2]! << 128n) | (words[o + 1]! << 64n) | words[o]!;
    },
  };
}

let impl: PoseidonWasm | undefined;
let useBigint = false;

function getImpl(): PoseidonWasm | undefined {
  if (impl || useBigint) return impl;
  try {
    impl = buildWasm();
  } catch {
    // Without WebAssembly (or with a broken build) stay correct, only slower.
    useBigint = true;
  }
  return impl;
}

function checkArity(n: number): void {
  if (n < 1 || n > POSEIDON_MAX_INPUTS) {
    throw new PoseidonInputError(`Poseidon takes 1..${POSEIDON_MAX_INPUTS} inputs, got ${n}`, { inputs: n });
  }
}

/** Poseidon on the native addon (the caller has it from `loadNative`). Same contract as `poseidon`. */
export function poseidonNative(addon: NativeCrypto, inputs: readonly bigint[]): bigint {
  checkArity(inputs.length);
  // The addon takes [0, 2^256) and reduces mod p; anything else (negative, wider) is reduced here.
  const out = addon.poseidon(inputs) ?? addon.poseidon(inputs.map(toField));
  if (out === undefined) throw new TypeError("Poseidon inputs must be bigints");
  return out;
}

/** Poseidon on wasm (or plain bigint where WebAssembly is unavailable), whatever the backend. */
export function poseidonWasm(inputs: readonly bigint[]): bigint {
  checkArity(inputs.length);
  const w = getImpl();
  return w ? w.hash(inputs) : poseidonBigint(inputs);
}

/** circomlib-compatible Poseidon over BN254's scalar field: 1..16 inputs, returns a field element. */
export function poseidon(inputs: readonly bigint[]): bigint {
  const addon = activeNative();
  return addon ? poseidonNative(addon, inputs) : poseidonWasm(inputs);
}

/**
 * Loads the native addon, or builds the wasm module, now instead of on the first hash (e.g. before a
 * server starts taking load). Returns the engine that `poseidon` uses.
 */
export function warmUpPoseidon(): "native" | "wasm" | "bigint" {
  if (activeNative()) return "native";
  return getImpl() ? "wasm" : "bigint";
}
