/**
 * Builds a circuit's native witness generator: the C++ that `circom --c` writes (main_c.cpp, and the
 * constants and maps in main_c.dat) linked with the project's own runtime (prover/native/witness/:
 * circom's Fr_* semantics on prover/native/src/field.hpp, the .dat loader, input JSON, .wtns writer;
 * no GMP, no nasm). The binary is cached next to the generated code in the circuit's hashed build
 * dir, keyed by the runtime sources, the compiler and the flags; the runtime's own objects are cached
 * once per build root. With no compiler, or a failed build, it warns once and returns undefined:
 * the provers then compute witnesses with wasm.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { splitGeneratedCpp } from "./native-witness-split.ts";
import { REPO_ROOT } from "./paths.ts";

export const WITNESS_RUNTIME_DIR = path.join(REPO_ROOT, "prover", "native", "witness");
const FIELD_DIR = path.join(REPO_ROOT, "prover", "native", "src");
const RUNTIME_UNITS = ["fr.cpp", "calcwit.cpp", "main.cpp"];
/**
 * The generated code is one large file of straight-line template code (4 MB for the default Batch2):
 * g++ -O1 compiles it in 25 s where -O2 takes 114 s (-O0 17 s), and the binaries run alike, since the
 * time goes to the field runtime (BENCHMARKS.md, "Native witness generator"). It is split into one
 * unit per core (at most 4), compiled in parallel. The runtime is small and hot: -O3.
 */
const CIRCUIT_OPT = "-O1";
/**
 * -fno-strict-aliasing: field.hpp's ADX product reads its operands through a `Limbs4` memory operand
 * while they are `Fp` objects; with type-based alias analysis at -O3 g++ moved stores past the asm
 * and the binary GCD's tables came out wrong (found by its self-check; reproduced in isolation).
 */
const RUNTIME_OPT = ["-O3", "-fno-strict-aliasing"];

export interface NativeWitnessBuild {
  /** The witness generator binary. */
  bin: string;
  /** The circuit's constants and maps (circom's main_c.dat), passed with --dat. */
  dat: string;
  /** How long the C++ compile took (0 when cached). */
  compileMs: number;
  cached: boolean;
  bytes: number;
}

interface Compiler {
  cxx: string;
  version: string;
}

let compilerCache: Compiler | null | undefined;
function findCompiler(): Compiler | null {
  if (compilerCache !== undefined) return compilerCache;
  compilerCache = null;
  for (const cxx of [process.env.CXX, "g++", "clang++", "c++"]) {
    if (!cxx) continue;
    const r = spawnSync(cxx, ["--version"], { encoding: "utf8" });
    if (r.status === 0) {
      compilerCache = { cxx, version: r.stdout.split("\n")[0] ?? "" };
      break;
    }
  }
  return compilerCache;
}

let marchCache: boolean | undefined;
/** -march=native (mulx/adx in the field code) unless the compiler refuses it. */
function marchFlags(cc: Compiler): string[] {
  if (marchCache === undefined) {
    const r = spawnSync(cc.cxx, ["-march=native", "-x", "c++", "-fsyntax-only", "-"], { input: "int x;\n" });
    marchCache = r.status === 0;
  }
  return marchCache ? ["-march=native"] : [];
}

function runtimeHash(cc: Compiler, flags: string[]): string {
  const h = createHash("sha256").update(`${cc.cxx}\n${cc.version}\n${process.arch}\n${flags.join(" ")}\n`);
  for (const dir of [WITNESS_RUNTIME_DIR, FIELD_DIR]) {
    for (const f of readdirSync(dir).sort()) {
      if (!/\.(cpp|hpp)$/.test(f)) continue;
      h.update(`${dir === FIELD_DIR ? "src/" : ""}${f}\0`).update(readFileSync(path.join(dir, f)));
    }
  }
  return h.digest("hex");
}

let warned = false;
function warnOnce(msg: string): void {
  if (warned) return;
  warned = true;
  const bar = "!".repeat(78);
  console.warn(
    `${bar}\n!! NATIVE WITNESS UNAVAILABLE: ${msg}.\n!! The provers compute witnesses with wasm (slower). Install g++ and rerun \`npm run build:circuits\`.\n${bar}`,
  );
}

function gxx(
  cc: Compiler,
  args: string[],
  label: string,
  progress: (m: string) => void,
): Promise<{ ok: boolean; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const heartbeat = setInterval(
      () => progress(`${label}: compiling... ${((Date.now() - t0) / 1000).toFixed(0)}s`),
      10_000,
    );
    const child = spawn(cc.cxx, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-8000);
    });
    const done = (ok: boolean) => {
      clearInterval(heartbeat);
      resolve({ ok, stderr, ms: Date.now() - t0 });
    };
    child.on("error", (err) => {
      stderr += String(err);
      done(false);
    });
    child.on("close", (code) => done(code === 0));
  });
}

/** The runtime's objects, compiled once per build root and runtime hash (shared by every circuit). */
async function runtimeObjects(
  cc: Compiler,
  base: string[],
  hash: string,
  buildRoot: string,
  progress: (m: string) => void,
): Promise<string[] | undefined> {
  const dir = path.join(buildRoot, ".witness-runtime", hash.slice(0, 16));
  const objs = RUNTIME_UNITS.map((u) => path.join(dir, u.replace(/\.cpp$/, ".o")));
  if (objs.every((o) => existsSync(o))) return objs;
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  try {
    const results = await Promise.all(
      RUNTIME_UNITS.map((u) =>
        gxx(
          cc,
          [
            ...base,
            ...RUNTIME_OPT,
            "-c",
            path.join(WITNESS_RUNTIME_DIR, u),
            "-o",
            path.join(tmp, u.replace(/\.cpp$/, ".o")),
          ],
          `native witness runtime ${u}`,
          progress,
        ),
      ),
    );
    const bad = results.find((r) => !r.ok);
    if (bad) {
      warnOnce(`the witness runtime did not compile:\n${bad.stderr.slice(0, 2000)}`);
      return undefined;
    }
    await mkdir(path.dirname(dir), { recursive: true });
    try {
      await rename(tmp, dir);
    } catch {
      // Another build put the same objects in place meanwhile (theirs are as good as ours), or a
      // partial dir is in the way: replace that one.
      if (!objs.every((o) => existsSync(o))) {
        await rm(dir, { recursive: true, force: true });
        await rename(tmp, dir);
      }
    }
    return objs;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Builds (or reuses) `<cppDir>/main_c` from `<cppDir>/main_c.cpp`. Returns undefined, after one loud
 * warning, when there is no compiler or the build fails; never throws for those.
 */
export async function buildNativeWitness(
  cppDir: string,
  opts: { buildRoot: string; label: string; onProgress?: (msg: string) => void },
): Promise<NativeWitnessBuild | undefined> {
  const progress = opts.onProgress ?? (() => {});
  const src = path.join(cppDir, "main_c.cpp");
  const dat = path.join(cppDir, "main_c.dat");
  const bin = path.join(cppDir, "main_c");
  const stampPath = path.join(cppDir, "build.json");
  if (!existsSync(src) || !existsSync(dat)) {
    warnOnce(`circom wrote no C++ for ${opts.label} (${src})`);
    return undefined;
  }
  const cc = findCompiler();
  if (!cc) {
    warnOnce("no C++ compiler found (set CXX or install g++)");
    return undefined;
  }
  const base = ["-std=c++17", ...marchFlags(cc), "-pthread", "-I", WITNESS_RUNTIME_DIR];
  const hash = runtimeHash(cc, [...base, CIRCUIT_OPT, ...RUNTIME_OPT]);
  try {
    const stamp = JSON.parse(readFileSync(stampPath, "utf8")) as { hash?: string };
    if (stamp.hash === hash && existsSync(bin)) {
      progress(`${opts.label}: native witness generator cached (${bin})`);
      return { bin, dat, compileMs: 0, cached: true, bytes: (await stat(bin)).size };
    }
  } catch {
    // no stamp: build
  }
  const t0 = Date.now();
  progress(`${opts.label}: compiling the native witness generator (${cc.cxx} ${CIRCUIT_OPT})`);
  const objP = runtimeObjects(cc, base, hash, opts.buildRoot, progress);
  const tmpPrefix = `${bin}.tmp-${process.pid}`;
  const units = splitGeneratedCpp(await readFile(src, "utf8"), Math.min(availableParallelism(), 4));
  const sources = units ? units.map((_, k) => `${tmpPrefix}.part${k}.cpp`) : [src];
  const circuitObjs = sources.map((_, k) => `${tmpPrefix}.part${k}.o`);
  try {
    if (units) {
      await Promise.all(units.map((u, k) => writeFile(sources[k] as string, u)));
      progress(`${opts.label}: the generated C++ split into ${units.length} units, compiled in parallel`);
    }
    const compiled = await Promise.all(
      sources.map((file, k) =>
        gxx(
          cc,
          [...base, CIRCUIT_OPT, "-c", file, "-o", circuitObjs[k] as string],
          `${opts.label}: native witness`,
          k === 0 ? progress : () => {},
        ),
      ),
    );
    const objs = await objP;
    const failed = compiled.find((r) => !r.ok);
    if (failed) {
      warnOnce(
        `the generated witness code of ${opts.label} did not compile:\n${failed.stderr.slice(0, 2000)}`,
      );
      return undefined;
    }
    if (!objs) return undefined;
    const tmpBin = `${tmpPrefix}.bin`;
    const link = await gxx(
      cc,
      [...base, "-o", tmpBin, ...circuitObjs, ...objs],
      `${opts.label}: native witness link`,
      progress,
    );
    if (!link.ok) {
      await rm(tmpBin, { force: true });
      warnOnce(`the native witness generator of ${opts.label} did not link:\n${link.stderr.slice(0, 2000)}`);
      return undefined;
    }
    await rename(tmpBin, bin);
  } finally {
    for (const f of [...(units ? sources : []), ...circuitObjs]) await rm(f, { force: true });
  }
  const compileMs = Date.now() - t0;
  await writeFile(
    stampPath,
    `${JSON.stringify({ hash, compiler: cc.version, flags: [...base, CIRCUIT_OPT], compileMs, builtAt: new Date().toISOString() }, null, 2)}\n`,
  );
  const bytes = (await stat(bin)).size;
  progress(`${opts.label}: native witness generator built in ${(compileMs / 1000).toFixed(1)}s (${bin})`);
  return { bin, dat, compileMs, cached: false, bytes };
}
