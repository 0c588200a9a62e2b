/**
 * `npm run bench -- batch2`: what a proven-transaction batch (Batch2, docs/PROOF.md) costs to prove.
 * Compiles an instance (cached), runs the INSECURE dev setup (cached), builds the witness of a real
 * batch of the honest story (a signed fill and a withdrawal, padded to the instance's slots), then
 * proves it with the native prover and with snarkjs, interleaved, and verifies every proof.
 * Prints the constraints, the setup, witness and proving times and the native/snarkjs ratio. The
 * witness is computed each round by snarkjs' wasm calculator and by the circuit's native generator
 * (circom --c, built and cached here; its bytes must equal wasm's), with each one's share of
 * witness + native prove.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path, { join } from "node:path";
import { Command } from "commander";
import * as snarkjs from "snarkjs";
import { batch2Source } from "../circuits/batch2-instance.ts";
import { nativeWitnessFor } from "../circuits/compile.ts";
import { REPO_ROOT } from "../core/repo-root.ts";
import { loadProverConfig } from "../prover/config.ts";
import { nativeProverWorks } from "../prover/producers/index.ts";
import { releaseSnarkjsCurves } from "../prover/setup/curves.ts";
import { devSetup } from "../prover/setup/dev-setup.ts";
import { nativeWitness } from "../prover/witness/native.ts";
import { run as runStory } from "../test/circuits/batch2-story.ts";
import { compiledBatch2 } from "../test/utils/batch2.ts";

const opts = new Command()
  .option("--instance <name>", "Batch2 instance (circuits/batch2.json)", "default")
  .option("--rounds <n>", "proofs per engine", "2")
  .option("--no-snarkjs", "skip snarkjs (it takes minutes at the default instance)")
  .parse()
  .opts<{ instance: string; rounds: string; snarkjs: boolean }>();

const log = (m: string) => console.log(`[bench-batch2] ${m}`);

function child(cmd: string, args: string[]): Promise<{ code: number; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(cmd, args, { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    p.stderr.on("data", (d) => {
      stderr += d;
    });
    p.on("error", reject);
    p.on("exit", (code) => resolve({ code: code ?? 1, stderr, ms: performance.now() - t0 }));
  });
}

const SNARKJS_PROVE = `
const snarkjs = await import("snarkjs");
const [zkey, wtns, out] = process.argv.slice(1);
const { proof, publicSignals } = await snarkjs.groth16.prove(zkey, wtns);
(await import("node:fs")).writeFileSync(out, JSON.stringify({ proof, publicSignals }));
process.exit(0);
`;

const c = await compiledBatch2(opts.instance);
log(`instance ${c.inst.name}: ${c.constraints.toLocaleString()} constraints`);
const nw = await nativeWitnessFor(
  batch2Source(c.inst),
  path.dirname(c.r1csPath),
  `batch2-${c.inst.name}`,
  join(REPO_ROOT, "circuits", "build"),
  log,
);
let nwCompileMs = nw?.compileMs ?? 0;
if (nw?.cached) {
  nwCompileMs = (
    JSON.parse(await readFile(join(path.dirname(nw.bin), "build.json"), "utf8")) as { compileMs: number }
  ).compileMs;
}
if (nw)
  log(
    `native witness generator ${nw.bin}: ${(nw.bytes / 1e6).toFixed(1)} MB, g++ ${(nwCompileMs / 1000).toFixed(1)} s${nw.cached ? " (cached; time of its build)" : ""}`,
  );
const zkeyPath = join(path.dirname(c.r1csPath), "dev.zkey");
let setupMs = 0;
if (!existsSync(zkeyPath)) {
  log("INSECURE dev setup (cached next to the r1cs)...");
  const t0 = performance.now();
  await devSetup(c.r1csPath, `${zkeyPath}.tmp`, {
    seed: "bench-batch2",
    warn: () => {},
    onProgress: () => {},
    ...(nativeProverWorks(loadProverConfig().NATIVE_PROVER_BIN)
      ? { nativeBin: loadProverConfig().NATIVE_PROVER_BIN }
      : {}),
  });
  await rename(`${zkeyPath}.tmp`, zkeyPath);
  setupMs = performance.now() - t0;
  log(`dev setup ${(setupMs / 1000).toFixed(1)} s`);
}
const vkey = await snarkjs.zKey.exportVerificationKey(zkeyPath);

// Batch 3 of the story: alice's signed buy fills against bob's resting sell, bob withdraws.
const w = runStory(c, 3).witnesses[2];
if (!w) throw new Error("story has no batch 3");
const dir = await mkdtemp(join(tmpdir(), "bench-batch2-"));
const wtnsPath = join(dir, "batch.wtns");
const batchInput = w.input as Record<string, unknown>;
const wasmWitnessMs: number[] = [];
const nativeWitnessMs: number[] = [];
async function witnessRound(r: number): Promise<void> {
  const tw = performance.now();
  await snarkjs.wtns.calculate(batchInput, c.wasmPath, wtnsPath);
  wasmWitnessMs.push(performance.now() - tw);
  let line = `witness round ${r + 1}: wasm ${(wasmWitnessMs.at(-1)! / 1000).toFixed(2)} s`;
  if (nw) {
    const tn = performance.now();
    const bytes = await nativeWitness(nw, batchInput, c.inst.name);
    nativeWitnessMs.push(performance.now() - tn);
    if (!Buffer.from(bytes).equals(await readFile(wtnsPath)))
      throw new Error("native witness differs from wasm's");
    line += `, native ${(nativeWitnessMs.at(-1)! / 1000).toFixed(2)} s (same bytes)`;
  }
  log(line);
}

const rounds = Number(opts.rounds);
const nativeMs: number[] = [];
const snarkjsMs: number[] = [];
let peakRssKb = 0;
let verified = true;
const cfg = loadProverConfig();
for (let r = 0; r < rounds; r++) {
  await witnessRound(r);
  if (nativeProverWorks(cfg.NATIVE_PROVER_BIN)) {
    const [proof, pub] = [join(dir, "proof.json"), join(dir, "public.json")];
    const n = await child(cfg.NATIVE_PROVER_BIN, [zkeyPath, wtnsPath, proof, pub, "--stats"]);
    if (n.code !== 0) throw new Error(`zkprove failed: ${n.stderr}`);
    const stats = JSON.parse(n.stderr.trim().split("\n").pop() as string) as { peakRssKb: number };
    peakRssKb = Math.max(peakRssKb, stats.peakRssKb);
    nativeMs.push(n.ms);
    const ok = await snarkjs.groth16.verify(
      vkey,
      JSON.parse(await readFile(pub, "utf8")),
      JSON.parse(await readFile(proof, "utf8")),
    );
    verified &&= ok;
    log(`native round ${r + 1}: ${(n.ms / 1000).toFixed(2)} s, ${ok ? "verifies" : "DOES NOT VERIFY"}`);
  }
  if (opts.snarkjs) {
    const out = join(dir, "snarkjs.json");
    const s = await child(process.execPath, [
      "--input-type=module",
      "-e",
      SNARKJS_PROVE,
      zkeyPath,
      wtnsPath,
      out,
    ]);
    if (s.code !== 0) throw new Error(`snarkjs failed: ${s.stderr}`);
    snarkjsMs.push(s.ms);
    const res = JSON.parse(await readFile(out, "utf8"));
    const ok = await snarkjs.groth16.verify(vkey, res.publicSignals, res.proof);
    verified &&= ok;
    log(`snarkjs round ${r + 1}: ${(s.ms / 1000).toFixed(2)} s, ${ok ? "verifies" : "DOES NOT VERIFY"}`);
  }
}
await rm(dir, { recursive: true, force: true });
await releaseSnarkjsCurves();

const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const n = med(nativeMs) / 1000;
const s = med(snarkjsMs) / 1000;
const ww = med(wasmWitnessMs) / 1000;
const wn = med(nativeWitnessMs) / 1000;
const share = (x: number) => `${((100 * x) / (x + n)).toFixed(0)}%`;
if (nw)
  console.log(
    `witness: wasm ${ww.toFixed(2)} s (${share(ww)} of witness + native prove), native ${wn.toFixed(2)} s (${share(wn)}), wasm/native ${(ww / wn).toFixed(1)}x; ` +
      `native generator g++ ${(nwCompileMs / 1000).toFixed(1)} s, ${(nw.bytes / 1e6).toFixed(1)} MB`,
  );
console.log(
  `batch2: ${c.inst.name} ${c.constraints} constraints, witness ${ww.toFixed(2)} s${nw ? ` (native ${wn.toFixed(2)} s)` : ""}, native ${n.toFixed(2)} s` +
    ` (peak ${(peakRssKb / 1024).toFixed(0)} MB)` +
    (snarkjsMs.length ? `, snarkjs ${s.toFixed(2)} s, ratio ${(s / n).toFixed(1)}x` : "") +
    `, ${verified ? "all verify" : "NOT ALL VERIFY"}`,
);
process.exitCode = verified ? 0 : 1;
