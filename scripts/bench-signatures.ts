/**
 * Signature intake throughput: the native addon (prover/native/crypto), the wasm verifier and
 * circomlibjs side by side, all measured in this run on this machine. Not a test.
 *   npx tsx scripts/bench-signatures.ts [--keys 8] [--seconds 2] [--batch 256]
 * Ratios are the figures to quote: on a shared machine the absolute times move with the load.
 */
import { buildPoseidon } from "circomlibjs";
import { EdwardsWasm } from "../sequencer/crypto/babyjub-wasm.ts";
import {
  prv2pub,
  type SignedMessage,
  signPoseidon,
  verifyBatch,
  verifyPoseidon,
} from "../sequencer/crypto/eddsa.ts";
import { loadNative, nativeLoadError } from "../sequencer/crypto/native.ts";
import { poseidonNative, poseidonWasm } from "../sequencer/crypto/poseidon.ts";
import { poseidonBigint } from "../sequencer/crypto/poseidon-bigint.ts";
import { buildReferenceEddsa } from "../test/unit/crypto/circomlib-reference.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const nKeys = arg("keys", 8);
const seconds = arg("seconds", 2);
const batchSize = arg("batch", 256);

/** Runs fn repeatedly for about `ms` (at least `minIters` times); returns µs per call. */
function timeSlice(fn: (i: number) => void, ms: number, minIters: number): number {
  const t0 = performance.now();
  let n = 0;
  while (n < minIters || performance.now() - t0 < ms) fn(n++);
  return ((performance.now() - t0) * 1000) / n;
}

/**
 * Times several implementations of one operation in interleaved slices (ROUNDS rounds of each, about
 * `seconds` in all per implementation) and keeps each one's best slice, so that a load spike from
 * another job on the machine hits every column alike instead of one.
 */
const ROUNDS = 5;
function compare<K extends string>(
  fns: Partial<Record<K, (i: number) => void>>,
  minIters = 3,
): Partial<Record<K, number>> {
  const entries = (Object.entries(fns) as [K, ((i: number) => void) | undefined][]).filter(
    (e): e is [K, (i: number) => void] => e[1] !== undefined,
  );
  for (const [, fn] of entries) for (let i = 0; i < Math.min(minIters, 5); i++) fn(i); // warm-up
  const best: Partial<Record<K, number>> = {};
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, fn] of entries) {
      const us = timeSlice(fn, (seconds * 1000) / ROUNDS, Math.max(1, Math.ceil(minIters / ROUNDS)));
      best[k] = Math.min(best[k] ?? Number.POSITIVE_INFINITY, us);
    }
  }
  return best;
}

const addon = loadNative();
if (!addon)
  console.warn(`WARNING: native crypto addon not available (${nativeLoadError()}); native column empty`);
const refPoseidon = await buildPoseidon();
const refEddsa = await buildReferenceEddsa();

const keys = Array.from({ length: nKeys }, (_, i) => new TextEncoder().encode(`bench-key-${i}`));
const pubs = keys.map(prv2pub);
const sigs = keys.map((k, i) => signPoseidon(k, BigInt(1000 + i)));
const job = (i: number) => i % nKeys;
const item = (i: number): SignedMessage => ({
  msg: BigInt(1000 + job(i)),
  sig: sigs[job(i)]!,
  pubKey: pubs[job(i)]!,
});

interface Row {
  name: string;
  native?: number | undefined;
  wasm?: number | undefined;
  ref?: number | undefined;
}
const verifyWith = (engine: EdwardsWasm | NonNullable<typeof addon>) => (i: number) => {
  const it = item(i);
  check(verifyPoseidon(it.msg, it.sig, it.pubKey, engine));
};
const check = (ok: boolean) => {
  if (!ok) throw new Error("a verifier rejected a valid signature");
};
const rows: Row[] = [];
for (const n of [2, 5]) {
  const inputs = (i: number) => [BigInt(i), 2n, 3n, 4n, 5n].slice(0, n);
  const t = compare(
    {
      native: addon ? (i: number) => poseidonNative(addon, inputs(i)) : undefined,
      wasm: (i: number) => poseidonWasm(inputs(i)),
      ref: (i: number) => refPoseidon.F.toObject(refPoseidon(inputs(i))),
    },
    100,
  );
  rows.push({ name: `Poseidon(${n})`, ...t });
}
rows.push({
  name: "Poseidon(2), pure-JS fallback",
  ...compare({ wasm: (i: number) => poseidonBigint([BigInt(i), 2n]) }, 100),
});

const verifyRef = (i: number) => {
  const it = item(i);
  check(refEddsa.verifyPoseidon(it.msg, it.sig, it.pubKey));
};
const wasmWarm = new EdwardsWasm({ keyTableSlots: nKeys });
const wasmCold = new EdwardsWasm({ keyTableSlots: 0 });
// Seen: every key already has its table. New: no per-key tables at all, as for a key's first request.
// The native addon has one key cache, so its seen/new columns are timed in separate rounds.
const withCache = (slots: number, fn: (i: number) => void) => (i: number) => {
  if (addon && addon.keyCacheStats().slots !== slots) addon.setKeyCache(slots, 1);
  fn(i);
};
const seen = compare(
  {
    native: addon ? withCache(128, verifyWith(addon)) : undefined,
    wasm: verifyWith(wasmWarm),
    ref: verifyRef,
  },
  50,
);
rows.push({ name: "verify, key seen before (table)", ...seen });
const fresh = compare(
  { native: addon ? withCache(0, verifyWith(addon)) : undefined, wasm: verifyWith(wasmCold) },
  50,
);
rows.push({ name: "verify, new key (no table)", ...fresh, ref: seen.ref });
const batch = Array.from({ length: batchSize }, (_, i) => item(i));
const perSig = (engine: EdwardsWasm | NonNullable<typeof addon>) => () => {
  const v = verifyBatch(batch, engine);
  check(v.every(Boolean));
};
for (const [label, slots] of [
  ["seen keys", 128],
  ["new keys", 0],
] as const) {
  const t = compare({
    native: addon ? withCache(slots, perSig(addon)) : undefined,
    wasm: perSig(slots ? wasmWarm : wasmCold),
  });
  rows.push({
    name: `verifyBatch(${batchSize}), ${label}, per sig`,
    native: t.native === undefined ? undefined : t.native / batchSize,
    wasm: t.wasm === undefined ? undefined : t.wasm / batchSize,
    ref: seen.ref,
  });
}
addon?.setKeyCache(128, 2);
const sign = compare(
  {
    wasm: (i: number) => signPoseidon(keys[job(i)]!, BigInt(i)),
    ref: (i: number) => refEddsa.signPoseidon(keys[job(i)]!, BigInt(i)),
  },
  5,
);
rows.push({ name: "sign (wasm on every backend)", ...sign });

const fmt = (us: number | undefined) =>
  us === undefined ? "-" : us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`;
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? "-" : `${(b / a).toFixed(1)}x`;
console.log(
  `node ${process.version}, ${nKeys} keys, batch ${batchSize}, ~${seconds}s per cell in ${ROUNDS} interleaved slices, best slice\n`,
);
console.log(
  `${"operation".padEnd(38)} ${"native".padEnd(10)} ${"wasm".padEnd(10)} ${"circomlibjs".padEnd(12)} ${"native/wasm".padEnd(12)} ${"native/circomlibjs".padEnd(19)} wasm/circomlibjs`,
);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(38)} ${fmt(r.native).padEnd(10)} ${fmt(r.wasm).padEnd(10)} ${fmt(r.ref).padEnd(12)} ${ratio(r.native, r.wasm).padEnd(12)} ${ratio(r.native, r.ref).padEnd(19)} ${ratio(r.wasm, r.ref)}`,
  );
}
console.log("\nnative/wasm is the speed-up of the native addon over the wasm verifier measured in this run.");
