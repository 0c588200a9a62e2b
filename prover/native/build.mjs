/**
 * Builds the native prover (prover/native/build/zkprove) and the sequencer's crypto addon
 * (prover/native/build/zkcrypto.node: Poseidon and EdDSA-Poseidon verification, sources in crypto/)
 * with the system C++ compiler. Run by `npm install` (postinstall) and by `npm run build:native`. It
 * never fails the install: with no compiler, or a failed build, it prints why and exits 0, and the
 * prover workers fall back to snarkjs and the sequencer to its wasm crypto (each says so at start).
 * Rebuilds only when the sources or the compiler changed; `--force` always does.
 * Plain Node with no dependencies, because it runs before anything else is set up.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const SRC = join(HERE, "src");
const OUT_DIR = join(HERE, "build");
const BIN = join(OUT_DIR, "zkprove");
const STAMP = join(OUT_DIR, "build.json");
const CRYPTO_SRC = join(HERE, "crypto");
const ADDON = join(OUT_DIR, "zkcrypto.node");
const ADDON_STAMP = join(OUT_DIR, "zkcrypto.json");
const force = process.argv.includes("--force");
const quiet = process.argv.includes("--quiet");

const say = (m) => {
  if (!quiet) console.log(`[native prover] ${m}`);
};
const warn = (m) => console.warn(`[native prover] WARNING: ${m}`);

function findCompiler() {
  const candidates = [process.env.CXX, "g++", "clang++", "c++"].filter(Boolean);
  for (const cxx of candidates) {
    const r = spawnSync(cxx, ["--version"], { encoding: "utf8" });
    if (r.status === 0) return { cxx, version: r.stdout.split("\n")[0] };
  }
  return undefined;
}

function sourceHash(extra, dirs = [SRC]) {
  const h = createHash("sha256").update(extra);
  for (const dir of dirs)
    for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest("hex");
}

function upToDate(out, stamp, hash) {
  if (force || !existsSync(out) || !existsSync(stamp)) return false;
  try {
    return JSON.parse(readFileSync(stamp, "utf8")).hash === hash;
  } catch {
    return false;
  }
}

/** The binary must answer 2·3 = 6 in Fr and verify a tiny MSM before it replaces the old one. */
function sane(bin) {
  const r = spawnSync(bin, ["--selftest"], { input: "fr mul 2 3\ng1 msm 1 5 2 7\n", encoding: "utf8" });
  if (r.status !== 0) return false;
  const [mul, msm] = r.stdout.trim().split("\n");
  const parts = (msm ?? "").split(" | ");
  return mul === "6" && parts.length === 3 && parts.every((p) => p === parts[0]);
}

function main() {
  if (process.platform !== "linux" && process.platform !== "darwin") {
    warn(`not built on ${process.platform}; the prover will use snarkjs, the sequencer its wasm crypto`);
    return;
  }
  const cc = findCompiler();
  if (!cc) {
    warn(
      "no C++ compiler found (set CXX or install g++); the prover will use snarkjs, the sequencer its wasm crypto",
    );
    return;
  }
  try {
    buildProver(cc);
  } catch (err) {
    warn(`build aborted: ${err instanceof Error ? err.message : String(err)}; the prover will use snarkjs`);
  }
  try {
    buildCryptoAddon(cc);
  } catch (err) {
    warn(
      `crypto addon build aborted: ${err instanceof Error ? err.message : String(err)}; the sequencer will use wasm`,
    );
  }
}

function buildProver(cc) {
  const hash = sourceHash(`${cc.cxx}\n${cc.version}\n${process.arch}`);
  if (upToDate(BIN, STAMP, hash)) {
    say(`up to date (${BIN})`);
    return;
  }
  mkdirSync(OUT_DIR, { recursive: true });
  const tmp = `${BIN}.tmp-${process.pid}`;
  const base = ["-std=c++17", "-O3", "-pthread", "-o", tmp, join(SRC, "main.cpp")];
  if (!compileWithFallback(cc, { out: BIN, tmp, stamp: STAMP, hash, base, sane, what: "build" }))
    warn("the native prover could not be built; the prover will use snarkjs");
}

/**
 * Compiles with -march=native first (mulx/adx), then portable if the compiler or the CPU refuses it.
 * The output replaces the old one only after `sane` passes on it; the stamp records how it was built.
 */
function compileWithFallback(cc, o) {
  for (const flags of [["-march=native", ...o.base], o.base]) {
    say(`${cc.cxx} ${flags.map((f) => (f === o.tmp ? o.out : f)).join(" ")}`);
    const t0 = Date.now();
    const r = spawnSync(cc.cxx, flags, { encoding: "utf8" });
    if (r.status === 0 && o.sane(o.tmp)) {
      renameSync(o.tmp, o.out);
      writeFileSync(
        o.stamp,
        `${JSON.stringify({ hash: o.hash, compiler: cc.version, flags, builtAt: new Date().toISOString() }, null, 2)}\n`,
      );
      say(`built ${o.out} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return true;
    }
    rmSync(o.tmp, { force: true });
    warn(`${o.what} with ${flags[0]} failed${r.stderr ? `:\n${r.stderr.slice(0, 2000)}` : ""}`);
  }
  return false;
}

/** Node's C headers (node_api.h): next to the running node, else node-gyp's download cache. */
function findNodeHeaders() {
  const v = process.version.slice(1);
  const home = process.env.HOME ?? "";
  const candidates = [
    join(dirname(dirname(process.execPath)), "include", "node"),
    join(home, ".cache", "node-gyp", v, "include", "node"),
    join(home, "Library", "Caches", "node-gyp", v, "include", "node"),
    join(home, ".node-gyp", v, "include", "node"),
  ];
  return candidates.find((d) => existsSync(join(d, "node_api.h")));
}

/** The addon must load in a fresh node and pass its own self-test before it replaces the old one. */
function addonSane(file) {
  const code = `process.stdout.write(String(require(${JSON.stringify(file)}).selftest()))`;
  const r = spawnSync(process.execPath, ["-e", code], { encoding: "utf8" });
  return r.status === 0 && r.stdout === "true";
}

function buildCryptoAddon(cc) {
  const headers = findNodeHeaders();
  if (!headers) {
    warn("Node's C headers (node_api.h) not found; the sequencer will use its wasm crypto");
    return;
  }
  const hash = sourceHash(`${cc.cxx}\n${cc.version}\n${process.arch}\n${process.version}\n${headers}`, [
    CRYPTO_SRC,
    SRC,
  ]);
  if (upToDate(ADDON, ADDON_STAMP, hash)) {
    say(`up to date (${ADDON})`);
    return;
  }
  mkdirSync(OUT_DIR, { recursive: true });
  const tmp = `${ADDON}.tmp-${process.pid}.node`;
  const base = ["-std=c++17", "-O3", "-pthread", "-fPIC", "-shared", "-DNODE_GYP_MODULE_NAME=zkcrypto"];
  if (process.platform === "darwin") base.push("-undefined", "dynamic_lookup");
  base.push(`-I${headers}`, "-o", tmp, join(CRYPTO_SRC, "addon.cpp"));
  const ok = compileWithFallback(cc, {
    out: ADDON,
    tmp,
    stamp: ADDON_STAMP,
    hash,
    base,
    sane: addonSane,
    what: "crypto addon build",
  });
  if (!ok)
    warn(
      "the crypto addon could not be built; the sequencer will use its wasm crypto (slower signature checks)",
    );
}

try {
  main();
} catch (err) {
  warn(`build aborted: ${err instanceof Error ? err.message : String(err)}; the prover will use snarkjs`);
}
process.exitCode = 0;
