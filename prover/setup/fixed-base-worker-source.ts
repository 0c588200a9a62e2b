/**
 * Source of one fixed-base multiplication worker, run with `new Worker(src, { eval: true })` so it needs
 * no loader for TypeScript. It instantiates ffjavascript's own bn128 wasm (the main thread sends the
 * bytes) and calls its exports directly: ffjavascript's task protocol costs a structured-clone object
 * per call, which is as slow as the curve addition itself.
 *
 * Method: a window table T[j][d] = d·2^(12j)·G (22 windows × 4095 affine points), so k·G is the sum of
 * at most 22 mixed additions, one per 12-bit digit of k, instead of ~254 doublings and ~127 additions.
 * Measured on 2 cores: 8-bit windows (32 additions) were ~30% slower; wider windows cost more to build
 * (the G2 table is 11.5 MB at 12 bits) than they save at 2^17.
 */
export const FIXED_BASE_WORKER_SOURCE = String.raw`
"use strict";
const { parentPort } = require("node:worker_threads");
const BITS = 12, WINDOWS = Math.ceil(254 / BITS), DIGITS = (1 << BITS) - 1;
const GROUPS = { g1: { pre: "g1m", n8: 32 }, g2: { pre: "g2m", n8: 64 } };
let ex, mem;
const tables = {};

// The wasm keeps its free-memory pointer in the first word and its batch functions take scratch space
// above it, so our allocator shares that word and leaves headroom.
function getFree() { return new Uint32Array(mem.buffer, 0, 1)[0]; }
function setFree(p) { new Uint32Array(mem.buffer, 0, 1)[0] = p; }
function ensure(end) {
  if (end > mem.buffer.byteLength) mem.grow(Math.ceil((end - mem.buffer.byteLength) / 65536) + 1);
}
function alloc(len, headroom) {
  const p = (getFree() + 7) & ~7;
  setFree(p + len);
  ensure(p + len + (headroom || 0) + 65536);
  return p;
}

function buildTable(name, genLEM) {
  const { pre, n8 } = GROUPS[name];
  const sAff = n8 * 2, sJac = n8 * 3, count = WINDOWS * DIGITS;
  const base = alloc(sJac), tmp = alloc(sJac), gen = alloc(sAff);
  const tabJ = alloc(count * sJac);
  const tabA = alloc(count * sAff, count * n8 * 2);
  new Uint8Array(mem.buffer).set(genLEM, gen);
  ex[pre + "_toJacobian"](gen, base);
  for (let j = 0; j < WINDOWS; j++) {
    const row = tabJ + j * DIGITS * sJac;
    ex[pre + "_copy"](base, row);
    for (let d = 1; d < DIGITS; d++) ex[pre + "_add"](row + (d - 1) * sJac, base, row + d * sJac);
    ex[pre + "_add"](row + (DIGITS - 1) * sJac, base, tmp); // 2^BITS·base: the next window's base
    ex[pre + "_copy"](tmp, base);
  }
  ex[pre + "_batchToAffine"](tabJ, count, tabA);
  tables[name] = tabA;
}

function mulBatch(name, scalars) {
  const { pre, n8 } = GROUPS[name];
  const sAff = n8 * 2, sJac = n8 * 3;
  const n = scalars.length / 32;
  const saved = getFree();
  const acc = alloc(n * sJac), out = alloc(n * sAff), sc = alloc(n * 32, n * n8 * 2);
  const u8 = new Uint8Array(mem.buffer);
  u8.set(scalars, sc);
  const tab = tables[name], zero = ex[pre + "_zero"], addMixed = ex[pre + "_addMixed"];
  for (let i = 0; i < n; i++) {
    const pAcc = acc + i * sJac, pSc = sc + i * 32;
    zero(pAcc);
    for (let j = 0; j < WINDOWS; j++) {
      const bit = j * BITS, byte = bit >> 3;
      // Three bytes cover any 12-bit digit; bytes past the scalar's 32 read as zero.
      const v = u8[pSc + byte] | (byte + 1 < 32 ? u8[pSc + byte + 1] << 8 : 0) | (byte + 2 < 32 ? u8[pSc + byte + 2] << 16 : 0);
      const d = (v >>> (bit & 7)) & DIGITS;
      if (d !== 0) addMixed(pAcc, tab + (j * DIGITS + d - 1) * sAff, pAcc);
    }
  }
  ex[pre + "_batchToAffine"](acc, n, out);
  const res = new Uint8Array(mem.buffer).slice(out, out + n * sAff);
  setFree(saved);
  return res;
}

parentPort.on("message", async (msg) => {
  try {
    if (msg.cmd === "init") {
      const mod = await WebAssembly.compile(msg.code);
      mem = new WebAssembly.Memory({ initial: 64 });
      const inst = await WebAssembly.instantiate(mod, { env: { memory: mem } });
      ex = inst.exports;
      buildTable("g1", msg.g1);
      buildTable("g2", msg.g2);
      parentPort.postMessage({ id: msg.id });
    } else {
      const points = mulBatch(msg.group, msg.scalars);
      parentPort.postMessage({ id: msg.id, points }, [points.buffer]);
    }
  } catch (err) {
    parentPort.postMessage({ id: msg.id, error: String((err && err.stack) || err) });
  }
});
`;
