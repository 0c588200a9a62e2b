/**
 * `npm run bench -- prover` (or `npx tsx scripts/bench-prover.ts [--rounds 3] [--powers 16,18,20]
 * [--no-default] [--direct-chains]`): the native prover against snarkjs on the same zkey and the same witness,
 * interleaved (native, snarkjs, native, ...), at the default instance and at synthetic chains of
 * multiplications that fill 2^k domains (built with the dev setup and cached). Prints wall time,
 * peak RSS, the native prover's split (MSM / NTT / QAP / I/O), the ratio, the wasm witness share and,
 * at the default instance, the native witness generator's (circom --c; checked byte-equal), and
 * a last line `prover: default native X s, snarkjs Y s, ratio Zx, both verify`.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
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
import { compileCircom } from "../test/prover/fixtures/compile-fixture.ts";
import { mulChainWtns, writeMulChainR1cs } from "../test/prover/fixtures/mul-chain.ts";
import { compiledBatch2 } from "../test/utils/batch2.ts";

const log = (m: string) => process.stderr.write(`${m}\n`);

interface Case {
  name: string;
  constraints: number;
  zkeyPath: string;
  vkey: unknown;
  wtnsPath: string;
  /** Wasm witness calculator time; undefined when the witness was written directly. */
  witnessMs: number | undefined;
  /** Op slots of a Batch2 instance: the most fills one proof carries. */
  fillSlots?: number;
  /** Native witness generator time (median of 3, same bytes as wasm), when it was built. */
  nativeWitnessMs?: number;
}

interface Run {
  wallMs: number;
  rssKb: number;
  proof: unknown;
  publicSignals: string[];
  /** Native only: zkprove's own split. */
  stats?: { loadMs: number; timings: Record<string, number> };
}

function run(
  cmd: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(cmd, args, { cwd: REPO_ROOT });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => {
      stdout += d;
    });
    p.stderr.on("data", (d) => {
      stderr += d;
    });
    p.on("error", reject);
    p.on("exit", (code) => resolve({ code: code ?? 1, stdout, stderr, ms: performance.now() - t0 }));
  });
}

async function proveNative(c: Case, dir: string): Promise<Run> {
  const cfg = loadProverConfig();
  const [proof, pub] = [join(dir, "native-proof.json"), join(dir, "native-public.json")];
  const r = await run(cfg.NATIVE_PROVER_BIN, [c.zkeyPath, c.wtnsPath, proof, pub, "--stats"]);
  if (r.code !== 0) throw new Error(`zkprove failed: ${r.stderr}`);
  const stats = JSON.parse(r.stderr.trim().split("\n").pop()!) as Run["stats"] & { peakRssKb: number };
  return {
    wallMs: r.ms,
    rssKb: stats.peakRssKb,
    proof: JSON.parse(await readFile(proof, "utf8")),
    publicSignals: JSON.parse(await readFile(pub, "utf8")),
    stats,
  };
}

// snarkjs in its own process, the way `snarkjs groth16 prove` runs, so its RSS is its own.
const SNARKJS_CHILD = `
const [zkey, wtns] = process.argv.slice(1);
const snarkjs = await import("snarkjs");
const t0 = performance.now();
const { proof, publicSignals } = await snarkjs.groth16.prove(zkey, wtns);
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, rssKb: process.resourceUsage().maxRSS, proof, publicSignals }));
process.exit(0);
`;

async function proveSnarkjs(c: Case): Promise<Run> {
  const r = await run(process.execPath, ["--input-type=module", "-e", SNARKJS_CHILD, c.zkeyPath, c.wtnsPath]);
  if (r.code !== 0) throw new Error(`snarkjs failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { rssKb: number; proof: unknown; publicSignals: string[] };
  return { wallMs: r.ms, rssKb: out.rssKb, proof: out.proof, publicSignals: out.publicSignals };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

interface Result {
  c: Case;
  native: Run[];
  snarkjs: Run[];
  verified: { native: boolean; snarkjs: boolean };
}

async function benchCase(c: Case, rounds: number, dir: string): Promise<Result> {
  const native: Run[] = [];
  const snark: Run[] = [];
  for (let i = 0; i < rounds; i++) {
    log(`${c.name}: round ${i + 1}/${rounds} native...`);
    native.push(await proveNative(c, dir));
    log(`${c.name}: round ${i + 1}/${rounds} snarkjs...`);
    snark.push(await proveSnarkjs(c));
  }
  const lastN = native.at(-1)!;
  const lastS = snark.at(-1)!;
  const verified = {
    native: await snarkjs.groth16.verify(c.vkey, lastN.publicSignals, lastN.proof),
    snarkjs: await snarkjs.groth16.verify(c.vkey, lastS.publicSignals, lastS.proof),
  };
  return { c, native, snarkjs: snark, verified };
}

function report(r: Result): { nativeMs: number; snarkjsMs: number; ratio: number } {
  const nativeMs = median(r.native.map((x) => x.wallMs));
  const snarkjsMs = median(r.snarkjs.map((x) => x.wallMs));
  const ratio = snarkjsMs / nativeMs;
  const t = r.native.map((x) => x.stats!.timings);
  const med = (k: string) => median(t.map((x) => x[k] ?? 0));
  const msm = med("msmA") + med("msmB1") + med("msmB2") + med("msmC") + med("msmH");
  const ntt = med("ntt");
  const qap = med("abc");
  const io = Math.max(0, nativeMs - msm - ntt - qap);
  const pct = (x: number) => `${((100 * x) / nativeMs).toFixed(0)}%`;
  console.log(`\n${r.c.name} (${r.c.constraints} constraints), ${r.native.length} rounds each, interleaved`);
  console.log(
    `  native : ${r.native.map((x) => s(x.wallMs)).join(", ")}  (median ${s(nativeMs)}, peak RSS ${mb(Math.max(...r.native.map((x) => x.rssKb)))})`,
  );
  console.log(
    `  snarkjs: ${r.snarkjs.map((x) => s(x.wallMs)).join(", ")}  (median ${s(snarkjsMs)}, peak RSS ${mb(Math.max(...r.snarkjs.map((x) => x.rssKb)))})`,
  );
  console.log(
    `  native split: MSM ${pct(msm)} (A ${s(med("msmA"))}, B1 ${s(med("msmB1"))}, B2 ${s(med("msmB2"))}, C ${s(med("msmC"))}, H ${s(med("msmH"))}), NTT ${pct(ntt)}, QAP ${pct(qap)}, I/O+start ${pct(io)}`,
  );
  const wm = r.c.witnessMs;
  const witness =
    wm === undefined
      ? "witness written directly (no wasm)"
      : `wasm witness ${s(wm)} = ${((100 * wm) / (wm + nativeMs)).toFixed(0)}% of witness + native prove`;
  const nw = r.c.nativeWitnessMs;
  const nativeWitnessLine =
    nw === undefined || wm === undefined
      ? ""
      : `; native witness ${s(nw)} = ${((100 * nw) / (nw + nativeMs)).toFixed(0)}% of witness + native prove (wasm/native ${(wm / nw).toFixed(1)}x, same bytes)`;
  console.log(
    `  ratio ${ratio.toFixed(1)}x; verify: native ${r.verified.native}, snarkjs ${r.verified.snarkjs}; ${witness}${nativeWitnessLine}`,
  );
  if (r.c.fillSlots !== undefined && wm !== undefined) {
    // One 2-core host proves one batch at a time with every core; a full batch carries fillSlots fills.
    const perS = (ms: number) => ((r.c.fillSlots! * 1000) / ms).toFixed(2);
    console.log(
      `  proven throughput of one host at ${r.c.fillSlots} fills per batch: native ${perS((nw ?? wm) + nativeMs)} fills/s (${nw === undefined ? "wasm" : "native"} witness + native prove), snarkjs ${perS(wm + snarkjsMs)} fills/s (wasm witness + snarkjs prove)`,
    );
  }
  return { nativeMs, snarkjsMs, ratio };
}

async function witnessFile(input: Record<string, unknown>, wasmPath: string, out: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await snarkjs.wtns.calculate(input, wasmPath, out);
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** The native witness generator on the same input: median of 3, and its bytes must equal wasm's. */
async function nativeWitnessTime(
  input: Record<string, unknown>,
  files: { bin: string; dat: string },
  wasmWtnsPath: string,
): Promise<number> {
  const times: number[] = [];
  const wasm = await readFile(wasmWtnsPath);
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const wtns = await nativeWitness(files, input, "bench");
    times.push(performance.now() - t0);
    if (!Buffer.from(wtns).equals(wasm)) throw new Error("native witness differs from wasm's");
  }
  return median(times);
}

/**
 * The devnet's circuit: the Batch2 default instance, proving batch 3 of the honest story (a signed
 * fill and a withdrawal, padded to every slot). The zkey is the one `npm run bench -- batch2` caches.
 */
async function defaultCase(dir: string): Promise<Case> {
  log(
    "default: building the Batch2 default instance (cached; the first run compiles and sets up for minutes)...",
  );
  const c = await compiledBatch2("default");
  const zkeyPath = join(dirname(c.r1csPath), "dev.zkey");
  if (!existsSync(zkeyPath)) {
    log("default: INSECURE dev setup (cached next to the r1cs)...");
    await devSetup(c.r1csPath, `${zkeyPath}.tmp`, {
      seed: "bench-batch2",
      warn: () => {},
      onProgress: () => {},
      nativeBin: loadProverConfig().NATIVE_PROVER_BIN,
    });
    await rename(`${zkeyPath}.tmp`, zkeyPath);
  }
  const w = runStory(c, 3).witnesses[2];
  if (!w) throw new Error("the Batch2 story has no batch 3");
  const wtnsPath = join(dir, "default.wtns");
  const witnessMs = await witnessFile(w.input, c.wasmPath, wtnsPath);
  const nw = await nativeWitnessFor(
    batch2Source(c.inst),
    dirname(c.r1csPath),
    `batch2-${c.inst.name}`,
    join(REPO_ROOT, "circuits", "build"),
    log,
  );
  const nativeWitnessMs = nw ? await nativeWitnessTime(w.input, nw, wtnsPath) : undefined;
  if (!nw) log("default: no native witness generator could be built (no compiler?)");
  return {
    name: "default",
    constraints: c.constraints,
    zkeyPath,
    vkey: await snarkjs.zKey.exportVerificationKey(zkeyPath),
    wtnsPath,
    witnessMs,
    fillSlots: c.inst.T,
    ...(nativeWitnessMs !== undefined ? { nativeWitnessMs } : {}),
  };
}

/** x[i] = x[i-1] * b: one constraint each; length chosen so constraints + public + 1 fill 2^k. */
function mulChainSource(n: number): string {
  return `pragma circom 2.1.0;
template MulChain(N) {
    signal input a;
    signal input b;
    signal output out;
    signal x[N];
    x[0] <== a * b;
    for (var i = 1; i < N; i++) x[i] <== x[i - 1] * b;
    out <== x[N - 1];
}
component main { public [a] } = MulChain(${n});
`;
}

async function chainCase(power: number, dir: string, direct: boolean): Promise<Case> {
  const n = 2 ** power - 4;
  log(`2^${power}: ${direct ? "writing" : "compiling"} a chain of ${n} multiplications (cached)...`);
  const fx: { dir: string; r1csPath: string; wasmPath?: string } = direct
    ? await writeMulChainR1cs(n)
    : await compileCircom(`mulchain_${n}`, mulChainSource(n));
  const zkeyPath = join(fx.dir, "bench-prover.zkey");
  if (!existsSync(zkeyPath)) {
    log(`2^${power}: INSECURE dev setup (cached in ${fx.dir})...`);
    const tmp = `${zkeyPath}.tmp`;
    const res = await devSetup(fx.r1csPath, tmp, {
      seed: "bench-prover",
      warn: () => {},
      onProgress: () => {},
      nativeBin: loadProverConfig().NATIVE_PROVER_BIN,
    });
    if (res.power !== power) throw new Error(`chain of ${n} gave 2^${res.power}, not 2^${power}`);
    await rename(tmp, zkeyPath);
  }
  const wtnsPath = join(dir, `chain${power}.wtns`);
  let witnessMs: number | undefined;
  if (fx.wasmPath) witnessMs = await witnessFile({ a: 3, b: 5 }, fx.wasmPath, wtnsPath);
  else await writeFile(wtnsPath, mulChainWtns(n, 3n, 5n));
  return {
    name: `mul-chain 2^${power}`,
    constraints: n,
    zkeyPath,
    vkey: await snarkjs.zKey.exportVerificationKey(zkeyPath),
    wtnsPath,
    witnessMs,
  };
}

async function main(): Promise<void> {
  const o = new Command()
    .option("--rounds <n>", "rounds per engine", "3")
    .option("--powers <list>", "synthetic chain sizes as powers of two", "16,18,20")
    .option("--no-default", "skip the default instance")
    .option(
      "--direct-chains",
      "write the chains' r1cs and witness directly instead of compiling them with circom (2^20: ~1 s, not ~40 min)",
    )
    .parse(process.argv)
    .opts<{ rounds: string; powers: string; default: boolean; directChains?: boolean }>();
  const cfg = loadProverConfig();
  if (!nativeProverWorks(cfg.NATIVE_PROVER_BIN)) {
    throw new Error(`the native prover ${cfg.NATIVE_PROVER_BIN} is not built: run npm run build:native`);
  }
  const rounds = Number(o.rounds);
  const powers = o.powers
    .split(",")
    .filter(Boolean)
    .map((p) => Number(p));
  const dir = await mkdtemp(join(tmpdir(), "bench-prover-"));
  let last: string | undefined;
  try {
    const results: Array<{ name: string; line: string }> = [];
    if (o.default) {
      const r = await benchCase(await defaultCase(dir), rounds, dir);
      const f = report(r);
      const both = r.verified.native && r.verified.snarkjs ? "both verify" : "VERIFY FAILED";
      last = `prover: default native ${(f.nativeMs / 1000).toFixed(2)} s, snarkjs ${(f.snarkjsMs / 1000).toFixed(2)} s, ratio ${f.ratio.toFixed(1)}x, ${both}`;
      if (!r.verified.native || !r.verified.snarkjs) process.exitCode = 1;
    }
    for (const p of powers) {
      const r = await benchCase(await chainCase(p, dir, o.directChains === true), rounds, dir);
      const f = report(r);
      results.push({ name: r.c.name, line: `${f.ratio.toFixed(1)}x` });
      if (!r.verified.native || !r.verified.snarkjs) process.exitCode = 1;
    }
    if (results.length)
      console.log(`\nsynthetic ratios: ${results.map((r) => `${r.name} ${r.line}`).join(", ")}`);
    if (last) console.log(last);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await releaseSnarkjsCurves();
  }
}

await main();
