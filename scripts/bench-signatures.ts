/**
 * Signature intake throughput: the fast EdDSA-Poseidon verifier vs circomlibjs, and Poseidon(2) vs
 * circomlibjs, all measured in this run on this machine. Not a test.
 *   npx tsx scripts/bench-signatures.ts [--keys 8] [--seconds 2]
 */
import { buildPoseidon } from "circomlibjs";
import { EdwardsWasm } from "../sequencer/crypto/babyjub-wasm.ts";
import { prv2pub, signPoseidon, verifyPoseidon } from "../sequencer/crypto/eddsa.ts";
import { poseidon } from "../sequencer/crypto/poseidon.ts";
import { poseidonBigint } from "../sequencer/crypto/poseidon-bigint.ts";
import { buildReferenceEddsa } from "../test/unit/crypto/circomlib-reference.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const nKeys = arg("keys", 8);
const seconds = arg("seconds", 2);

/** Runs fn repeatedly for about `seconds` (at least `minIters` times); returns µs per call. */
function measure(fn: (i: number) => void, minIters = 3): number {
  for (let i = 0; i < Math.min(minIters, 5); i++) fn(i); // warm-up
  const t0 = performance.now();
  let n = 0;
  while (n < minIters || performance.now() - t0 < seconds * 1000) fn(n++);
  return ((performance.now() - t0) * 1000) / n;
}

const refPoseidon = await buildPoseidon();
const refEddsa = await buildReferenceEddsa();

const keys = Array.from({ length: nKeys }, (_, i) => new TextEncoder().encode(`bench-key-${i}`));
const pubs = keys.map(prv2pub);
const sigs = keys.map((k, i) => signPoseidon(k, BigInt(1000 + i)));
const job = (i: number) => i % nKeys;

const rows: [string, number, number][] = [];
const poseidonFast = measure((i) => poseidon([BigInt(i), 2n]), 1000);
const poseidonRef = measure((i) => refPoseidon.F.toObject(refPoseidon([BigInt(i), 2n])), 1000);
rows.push(["Poseidon(2)", poseidonFast, poseidonRef]);
rows.push([
  "Poseidon(2), pure-JS fallback",
  measure((i) => poseidonBigint([BigInt(i), 2n]), 300),
  poseidonRef,
]);
const poseidon5 = measure((i) => poseidon([BigInt(i), 2n, 3n, 4n, 5n]), 500);
const poseidon5Ref = measure((i) => refPoseidon.F.toObject(refPoseidon([BigInt(i), 2n, 3n, 4n, 5n])), 500);
rows.push(["Poseidon(5)", poseidon5, poseidon5Ref]);

const verifyOk = (engine: EdwardsWasm) => (i: number) => {
  const k = job(i);
  if (!verifyPoseidon(BigInt(1000 + k), sigs[k]!, pubs[k]!, engine))
    throw new Error("fast verifier rejected");
};
// Cold: no per-key tables at all, as for a key's first request.
const verifyCold = measure(verifyOk(new EdwardsWasm({ keyTableSlots: 0 })), 50);
const verifyWarm = measure(verifyOk(new EdwardsWasm({ keyTableSlots: nKeys })), 50);
const verifyRef = measure((i) => {
  const k = job(i);
  if (!refEddsa.verifyPoseidon(BigInt(1000 + k), sigs[k]!, pubs[k]!)) throw new Error("circomlibjs rejected");
}, 5);
rows.push(["verify, key seen before (table)", verifyWarm, verifyRef]);
rows.push(["verify, new key (no table)", verifyCold, verifyRef]);
const signFast = measure((i) => signPoseidon(keys[job(i)]!, BigInt(i)), 20);
const signRef = measure((i) => refEddsa.signPoseidon(keys[job(i)]!, BigInt(i)), 5);
rows.push(["sign", signFast, signRef]);

const fmt = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);
console.log(`node ${process.version}, ${nKeys} keys, ~${seconds}s per row\n`);
console.log("operation                         fast        circomlibjs   speed-up   fast ops/s");
for (const [name, fast, ref] of rows) {
  console.log(
    `${name.padEnd(33)} ${fmt(fast).padEnd(11)} ${fmt(ref).padEnd(13)} ${`${(ref / fast).toFixed(1)}x`.padEnd(10)} ${Math.round(1e6 / fast)}`,
  );
}
