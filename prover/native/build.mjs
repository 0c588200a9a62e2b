/**
 * Builds the native prover (prover/native/build/zkprove) with the system C++ compiler. Run by
 * `npm install` (postinstall) and by `npm run build:native`. It never fails the install: with no
 * compiler, or a failed build, it prints why and exits 0, and the prover workers fall back to snarkjs
 * (they say so at start). Rebuilds only when the sources or the compiler changed; `--force` always does.
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

function sourceHash(extra) {
  const h = createHash("sha256").update(extra);
  for (const f of readdirSync(SRC).sort()) h.update(f).update(readFileSync(join(SRC, f)));
  return h.digest("hex");
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
    warn(`not built on ${process.platform}; the prover will use snarkjs`);
    return;
  }
  const cc = findCompiler();
  if (!cc) {
    warn("no C++ compiler found (set CXX or install g++); the prover will use snarkjs");
    return;
  }
  const hash = sourceHash(`${cc.cxx}\n${cc.version}\n${process.arch}`);
  if (!force && existsSync(BIN) && existsSync(STAMP)) {
    try {
      if (JSON.parse(readFileSync(STAMP, "utf8")).hash === hash) {
        say(`up to date (${BIN})`);
        return;
      }
    } catch {
      // rebuild
    }
  }
  mkdirSync(OUT_DIR, { recursive: true });
  const tmp = `${BIN}.tmp-${process.pid}`;
  const base = ["-std=c++17", "-O3", "-pthread", "-o", tmp, join(SRC, "main.cpp")];
  // -march=native first (mulx/adx); a portable build if the compiler or the CPU refuses it.
  const attempts = [["-march=native", ...base], base];
  for (const flags of attempts) {
    say(`${cc.cxx} ${flags.map((f) => (f === tmp ? BIN : f)).join(" ")}`);
    const t0 = Date.now();
    const r = spawnSync(cc.cxx, flags, { encoding: "utf8" });
    if (r.status === 0 && sane(tmp)) {
      renameSync(tmp, BIN);
      writeFileSync(
        STAMP,
        `${JSON.stringify({ hash, compiler: cc.version, flags, builtAt: new Date().toISOString() }, null, 2)}\n`,
      );
      say(`built ${BIN} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return;
    }
    rmSync(tmp, { force: true });
    warn(`build with ${flags[0]} failed${r.stderr ? `:\n${r.stderr.slice(0, 2000)}` : ""}`);
  }
  warn("the native prover could not be built; the prover will use snarkjs");
}

try {
  main();
} catch (err) {
  warn(`build aborted: ${err instanceof Error ? err.message : String(err)}; the prover will use snarkjs`);
}
process.exitCode = 0;
