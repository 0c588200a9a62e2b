/**
 * BabyJubjub point arithmetic in wasm, for the verify and sign hot paths. Native bigint costs about 1 µs
 * per modular multiplication here; wasmcurves' Montgomery multiplication is several times cheaper, and a
 * variable-base multiplication needs ~2,600 of them. Same formulas as `babyjub.ts` (extended coordinates,
 * complete add-2008-hwcd / dbl-2008-hwcd); `babyjub.ts` stays the bigint reference the tests compare to.
 *
 * Layout: a point is 4 field elements (X, Y, Z, T) of 32 bytes, in Montgomery form, in the module's
 * static memory. JS drives the window loops; wasm does each add/double. The module is built and compiled
 * synchronously on first use.
 */
import { ModuleBuilder } from "wasmbuilder";
import wasmcurves from "wasmcurves";
import { A, type AffinePoint, BASE8, D, type ExtPoint } from "./babyjub.ts";
import { mod, FIELD_MODULUS as P } from "./field.ts";

const FE = 32;
const PT = 4 * FE;
const BASE_WINDOW = 8;
const BASE_WINDOWS = 32; // 8-bit windows over 256 bits: covers any scalar reduced mod the subgroup order
const BASE_PER_WINDOW = (1 << BASE_WINDOW) - 1;
const VAR_MULTIPLES = 16; // 4-bit window: 0·P .. 15·P
// Per-key tables: 4-bit windows over 252 bits (scalars are reduced mod the subgroup order, < 2^251).
const KEY_WINDOW = 4;
const KEY_WINDOWS = 63;
const KEY_PER_WINDOW = (1 << KEY_WINDOW) - 1;
const KEY_TABLE_BYTES = KEY_WINDOWS * KEY_PER_WINDOW * PT;
const R_MONT = (1n << 256n) % P;
const MASK64 = (1n << 64n) - 1n;

interface EdExports {
  ed_add(p: number, q: number, r: number): void;
  ed_double(p: number, r: number): void;
  frm_toMontgomery(a: number, r: number): void;
  frm_fromMontgomery(a: number, r: number): void;
  frm_mul(a: number, b: number, r: number): void;
  frm_one(r: number): void;
  frm_zero(r: number): void;
  frm_copy(a: number, r: number): void;
}

type Code = number[];
interface CodeBuilder {
  call(fn: string, ...args: Code[]): Code;
  getLocal(name: string): Code;
  i32_const(n: number): Code;
  i32_add(a: Code, b: Code): Code;
}

function le32(x: bigint): Uint8Array {
  const out = new Uint8Array(FE);
  for (let i = 0; i < FE; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

function buildModule(
  mb: InstanceType<typeof ModuleBuilder>,
  keyTableSlots: number,
): { pages: number; mem: Record<string, number> } {
  wasmcurves.buildF1m(mb, P, "frm");
  const cA = mb.alloc(le32(mod(A * R_MONT)));
  const cD = mb.alloc(le32(mod(D * R_MONT)));
  const t: Record<string, number> = {};
  for (const n of ["a", "b", "c", "d", "e", "f", "g", "h", "u", "v"]) t[n] = mb.alloc(FE);
  const tmp = (n: string) => t[n]!;

  const addFn = (
    name: string,
    params: string[],
    body: (c: CodeBuilder, at: (p: string, k: number) => Code) => Code[],
  ) => {
    const f = mb.addFunction(name);
    for (const p of params) f.addParam(p, "i32");
    const c = f.getCodeBuilder() as CodeBuilder;
    const at = (p: string, k: number) => c.i32_add(c.getLocal(p), c.i32_const(k * FE));
    f.addCode(...body(c, at));
    mb.exportFunction(name);
  };
  const X = 0;
  const Y = 1;
  const Z = 2;
  const T = 3;

  // r may alias p or q: outputs are written only after every input has been read.
  addFn("ed_add", ["p", "q", "r"], (c, at) => {
    const k = (n: string) => c.i32_const(tmp(n));
    return [
      c.call("frm_mul", at("p", X), at("q", X), k("a")),
      c.call("frm_mul", at("p", Y), at("q", Y), k("b")),
      c.call("frm_mul", at("p", T), at("q", T), k("c")),
      c.call("frm_mul", k("c"), c.i32_const(cD), k("c")),
      c.call("frm_mul", at("p", Z), at("q", Z), k("d")),
      c.call("frm_add", at("p", X), at("p", Y), k("u")),
      c.call("frm_add", at("q", X), at("q", Y), k("v")),
      c.call("frm_mul", k("u"), k("v"), k("e")),
      c.call("frm_sub", k("e"), k("a"), k("e")),
      c.call("frm_sub", k("e"), k("b"), k("e")),
      c.call("frm_sub", k("d"), k("c"), k("f")),
      c.call("frm_add", k("d"), k("c"), k("g")),
      c.call("frm_mul", k("a"), c.i32_const(cA), k("u")),
      c.call("frm_sub", k("b"), k("u"), k("h")),
      c.call("frm_mul", k("e"), k("f"), at("r", X)),
      c.call("frm_mul", k("g"), k("h"), at("r", Y)),
      c.call("frm_mul", k("e"), k("h"), at("r", T)),
      c.call("frm_mul", k("f"), k("g"), at("r", Z)),
    ];
  });

  addFn("ed_double", ["p", "r"], (c, at) => {
    const k = (n: string) => c.i32_const(tmp(n));
    return [
      c.call("frm_square", at("p", X), k("a")),
      c.call("frm_square", at("p", Y), k("b")),
      c.call("frm_square", at("p", Z), k("c")),
      c.call("frm_add", k("c"), k("c"), k("c")),
      c.call("frm_mul", k("a"), c.i32_const(cA), k("d")),
      c.call("frm_add", at("p", X), at("p", Y), k("u")),
      c.call("frm_square", k("u"), k("e")),
      c.call("frm_sub", k("e"), k("a"), k("e")),
      c.call("frm_sub", k("e"), k("b"), k("e")),
      c.call("frm_add", k("d"), k("b"), k("g")),
      c.call("frm_sub", k("g"), k("c"), k("f")),
      c.call("frm_sub", k("d"), k("b"), k("h")),
      c.call("frm_mul", k("e"), k("f"), at("r", X)),
      c.call("frm_mul", k("g"), k("h"), at("r", Y)),
      c.call("frm_mul", k("e"), k("h"), at("r", T)),
      c.call("frm_mul", k("f"), k("g"), at("r", Z)),
    ];
  });

  const mem: Record<string, number> = {
    io: mb.alloc(FE),
    acc: mb.alloc(PT),
    acc2: mb.alloc(PT),
    pt: mb.alloc(PT),
    multiples: mb.alloc(PT * VAR_MULTIPLES),
    baseTable: mb.alloc(PT * BASE_WINDOWS * BASE_PER_WINDOW),
    keyTables: mb.alloc(KEY_TABLE_BYTES * Math.max(keyTableSlots, 1)),
  };
  const pages = Math.ceil((mb.free as number) / 65536) + 1;
  mb.setMemory(pages);
  return { pages, mem };
}

export interface EdwardsWasmOptions {
  /**
   * Keys that get a precomputed table (~120 kB of wasm memory each). Accounts sign many requests with
   * one key; a table turns ~250 doublings per verify into none. Least recently used keys lose theirs.
   */
  keyTableSlots?: number;
  /** A key gets a table on its n-th verify, so one-off signers never pay the build (~20 verifies' work). */
  buildAfterHits?: number;
  /** Bound on keys whose hits are counted before they earn a table. */
  maxTrackedKeys?: number;
}

export interface EdwardsWasmStats {
  keyTables: number;
  trackedKeys: number;
}

export class EdwardsWasm {
  private readonly ex: EdExports;
  private readonly words: BigUint64Array;
  private readonly m: Record<string, number>;
  private readonly keyTableSlots: number;
  private readonly buildAfterHits: number;
  private readonly maxTrackedKeys: number;
  /** Insertion order is recency order: the first key is the least recently used. */
  private readonly slotsByKey = new Map<string, number>();
  private readonly hitsByKey = new Map<string, number>();
  private nextFreeSlot = 0;

  constructor(opts: EdwardsWasmOptions = {}) {
    this.keyTableSlots = opts.keyTableSlots ?? 128;
    this.buildAfterHits = opts.buildAfterHits ?? 2;
    this.maxTrackedKeys = opts.maxTrackedKeys ?? 10_000;
    const mb = new ModuleBuilder();
    const { pages, mem } = buildModule(mb, this.keyTableSlots);
    const memory = new WebAssembly.Memory({ initial: pages });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(mb.build()), { env: { memory } });
    this.ex = instance.exports as unknown as EdExports;
    this.words = new BigUint64Array(memory.buffer);
    this.m = mem;
    this.buildBaseTable();
  }

  private at(name: string): number {
    return this.m[name]!;
  }

  private writeField(ptr: number, x: bigint): void {
    const o = ptr >> 3;
    const w = this.words;
    w[o] = x & MASK64;
    x >>= 64n;
    w[o + 1] = x & MASK64;
    x >>= 64n;
    w[o + 2] = x & MASK64;
    w[o + 3] = x >> 64n;
    this.ex.frm_toMontgomery(ptr, ptr);
  }

  private readField(ptr: number): bigint {
    const io = this.at("io");
    this.ex.frm_fromMontgomery(ptr, io);
    const o = io >> 3;
    const w = this.words;
    return (w[o + 3]! << 192n) | (w[o + 2]! << 128n) | (w[o + 1]! << 64n) | w[o]!;
  }

  /** Writes an affine point (canonical coordinates) as an extended point. */
  private loadAffine(ptr: number, p: AffinePoint): void {
    this.writeField(ptr, p[0]);
    this.writeField(ptr + FE, p[1]);
    this.ex.frm_one(ptr + 2 * FE);
    this.ex.frm_mul(ptr, ptr + FE, ptr + 3 * FE);
  }

  private setIdentity(ptr: number): void {
    this.ex.frm_zero(ptr);
    this.ex.frm_one(ptr + FE);
    this.ex.frm_one(ptr + 2 * FE);
    this.ex.frm_zero(ptr + 3 * FE);
  }

  private copyPoint(from: number, to: number): void {
    for (let i = 0; i < 4; i++) this.ex.frm_copy(from + i * FE, to + i * FE);
  }

  private readPoint(ptr: number): ExtPoint {
    const X = this.readField(ptr);
    const Y = this.readField(ptr + FE);
    const Z = this.readField(ptr + 2 * FE);
    return { X, Y, Z, T: this.readField(ptr + 3 * FE) };
  }

  /**
   * Fills `table` with k·2^(w·i)·base for each window i and digit k in 1..2^w-1. Consumes the point at
   * `windowBase` (it ends as 2^(w·windows)·base).
   */
  private buildTable(windowBase: number, table: number, w: number, windows: number): void {
    const perWindow = (1 << w) - 1;
    for (let i = 0; i < windows; i++) {
      const first = table + i * perWindow * PT;
      this.copyPoint(windowBase, first);
      for (let k = 1; k < perWindow; k++) this.ex.ed_add(first + (k - 1) * PT, windowBase, first + k * PT);
      this.ex.ed_add(first + (perWindow - 1) * PT, windowBase, windowBase);
    }
  }

  /** k·base into `dst` from a table made by buildTable; k must be below 2^(w·windows). */
  private mulTableInto(dst: number, table: number, w: number, windows: number, k: bigint): void {
    const perWindow = (1 << w) - 1;
    const mask = BigInt(perWindow);
    const bw = BigInt(w);
    this.setIdentity(dst);
    for (let i = 0; i < windows && k > 0n; i++) {
      const digit = Number(k & mask);
      k >>= bw;
      if (digit !== 0) this.ex.ed_add(dst, table + (i * perWindow + digit - 1) * PT, dst);
    }
  }

  private buildBaseTable(): void {
    const windowBase = this.at("pt");
    this.loadAffine(windowBase, BASE8);
    this.buildTable(windowBase, this.at("baseTable"), BASE_WINDOW, BASE_WINDOWS);
  }

  /** k·B8 into `dst`; k must be in [0, 2^256). */
  private mulBaseInto(dst: number, k: bigint): void {
    this.mulTableInto(dst, this.at("baseTable"), BASE_WINDOW, BASE_WINDOWS, k);
  }

  /** The table slot of a key, building its table if it has now been seen often enough. */
  private keyTable(pub: AffinePoint): number | undefined {
    if (this.keyTableSlots <= 0) return undefined;
    const id = `${pub[0]}:${pub[1]}`;
    const slot = this.slotsByKey.get(id);
    if (slot !== undefined) {
      this.slotsByKey.delete(id);
      this.slotsByKey.set(id, slot);
      return this.at("keyTables") + slot * KEY_TABLE_BYTES;
    }
    const hits = (this.hitsByKey.get(id) ?? 0) + 1;
    this.hitsByKey.delete(id);
    if (hits < this.buildAfterHits) {
      if (this.hitsByKey.size >= this.maxTrackedKeys) {
        const oldest = this.hitsByKey.keys().next().value;
        if (oldest !== undefined) this.hitsByKey.delete(oldest);
      }
      this.hitsByKey.set(id, hits);
      return undefined;
    }
    let free: number;
    if (this.nextFreeSlot < this.keyTableSlots) {
      free = this.nextFreeSlot++;
    } else {
      const [oldestId, oldestSlot] = this.slotsByKey.entries().next().value as [string, number];
      this.slotsByKey.delete(oldestId);
      free = oldestSlot;
    }
    const table = this.at("keyTables") + free * KEY_TABLE_BYTES;
    const base = this.at("pt");
    this.loadAffine(base, pub);
    for (let i = 0; i < 3; i++) this.ex.ed_double(base, base);
    this.buildTable(base, table, KEY_WINDOW, KEY_WINDOWS);
    this.slotsByKey.set(id, free);
    return table;
  }

  stats(): EdwardsWasmStats {
    return { keyTables: this.slotsByKey.size, trackedKeys: this.hitsByKey.size };
  }

  /** k·(8·p) into `dst` for a point p on the curve; k ≥ 0. */
  private mulCofactorClearedInto(dst: number, p: AffinePoint, k: bigint): void {
    const multiples = this.at("multiples");
    const one = multiples + PT;
    this.setIdentity(multiples);
    this.loadAffine(one, p);
    for (let i = 0; i < 3; i++) this.ex.ed_double(one, one);
    for (let i = 2; i < VAR_MULTIPLES; i++) this.ex.ed_add(multiples + (i - 1) * PT, one, multiples + i * PT);
    const nibbles: number[] = [];
    for (let r = k; r > 0n; r >>= 4n) nibbles.push(Number(r & 15n));
    this.setIdentity(dst);
    for (let i = nibbles.length - 1; i >= 0; i--) {
      for (let j = 0; j < 4; j++) this.ex.ed_double(dst, dst);
      const n = nibbles[i]!;
      if (n !== 0) this.ex.ed_add(dst, multiples + n * PT, dst);
    }
  }

  /** k·B8 as an extended point (k reduced by the caller). */
  mulBase8(k: bigint): ExtPoint {
    this.mulBaseInto(this.at("acc"), k);
    return this.readPoint(this.at("acc"));
  }

  /**
   * The EdDSA equation S·B8 == R8 + hm·(8·A), with S and hm already reduced mod the subgroup order and
   * R8, A already checked to be canonical points on the curve.
   */
  checkEquation(S: bigint, hm: bigint, R8: AffinePoint, pub: AffinePoint): boolean {
    const left = this.at("acc");
    const right = this.at("acc2");
    const r8 = this.at("pt");
    this.mulBaseInto(left, S);
    const table = this.keyTable(pub);
    if (table === undefined) this.mulCofactorClearedInto(right, pub, hm);
    else this.mulTableInto(right, table, KEY_WINDOW, KEY_WINDOWS, hm);
    this.loadAffine(r8, R8);
    this.ex.ed_add(right, r8, right);
    const l = this.readPoint(left);
    const r = this.readPoint(right);
    return (l.X * r.Z - r.X * l.Z) % P === 0n && (l.Y * r.Z - r.Y * l.Z) % P === 0n;
  }
}

let instance: EdwardsWasm | undefined;
/**
 * The shared instance, built on first use (~0.3 s: module compile and the B8 table). Options count only
 * on that first call: a node that expects more than ~128 keys signing in rotation should size
 * `keyTableSlots` up at start-up, or an LRU thrash rebuilds a table (~2 verifies of work) every few hits.
 */
export function edwardsWasm(opts?: EdwardsWasmOptions): EdwardsWasm {
  instance ??= new EdwardsWasm(opts);
  return instance;
}
