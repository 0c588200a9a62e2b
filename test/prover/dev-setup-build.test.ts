import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { buildBn128 } from "ffjavascript";
import type { CompileResult } from "../../circuits/compile.ts";
import { ArtifactsMissingError, loadArtifacts } from "../../prover/artifacts.ts";
import { buildCircuit } from "../../scripts/build-circuits.ts";
import { compilePoseidonChain } from "./fixtures/compile-fixture.ts";

let buildRoot: string;
let generatedDir: string;
let compiles = 0;
const instance = { circuit: "batch" as const, name: "fixture", D: 1, N: 1, M: 1, ND: 1, NW: 1 };

// The toy circuit stands in for compileInstance, so the pipeline runs in seconds.
async function compile(): Promise<CompileResult> {
  compiles++;
  const fx = await compilePoseidonChain();
  return {
    dir: fx.dir,
    r1csPath: fx.r1csPath,
    wasmPath: fx.wasmPath,
    hash: "fixture-hash",
    constraints: 2586,
  };
}

before(async () => {
  buildRoot = await mkdtemp(join(tmpdir(), "build-circuits-"));
  generatedDir = join(buildRoot, "generated");
  // A fresh key for this test: the fixture dir is shared with the other dev-setup tests.
  const fx = await compilePoseidonChain();
  await rm(join(fx.dir, "setup.json"), { force: true });
});

after(async () => {
  await rm(buildRoot, { recursive: true, force: true });
  await (await buildBn128()).terminate();
});

const opts = () => ({
  buildRoot,
  generatedDir,
  compile,
  instance,
  seed: "build-test",
  onSetupProgress: () => {},
});

test("loadArtifacts names the build command when nothing was built", () => {
  assert.throws(
    () => loadArtifacts("fixture", { buildRoot }),
    (err: unknown) =>
      err instanceof ArtifactsMissingError &&
      err.code === "ARTIFACTS_MISSING" &&
      err.message.includes("npm run build:circuits -- --instance fixture"),
  );
});

test("buildCircuit makes the zkey, vkey, renamed Solidity verifier and a manifest loadArtifacts reads", async () => {
  const m = await buildCircuit("fixture", { ...opts(), force: true });
  assert.equal(m.setup.mode, "dev-insecure");
  assert.equal(m.setup.seed, "build-test");
  assert.equal(m.nPublic, 4);
  assert.equal(m.domainPower, 12);
  assert.equal(m.cached.setup, false);
  const sol = await readFile(m.verifierSolPath, "utf8");
  assert.match(sol, /contract Groth16Verifier_fixture \{/);
  assert.match(sol, /pragma solidity >=0\.7\.0 <0\.9\.0;/);
  const vk = JSON.parse(await readFile(m.vkeyPath, "utf8")) as { nPublic: number; IC: unknown[] };
  assert.equal(vk.IC.length, 5);
  const a = loadArtifacts("fixture", { buildRoot });
  assert.equal(a.zkeyPath, m.zkeyPath);
  assert.equal(a.verifierContractName, "Groth16Verifier_fixture");
  assert.equal(a.manifest.hash, "fixture-hash");
});

test("a second build reuses the key, and rewrites a deleted verifier", async () => {
  const first = await readFile(join(buildRoot, "fixture.json"), "utf8");
  const zkeyBefore = await readFile((JSON.parse(first) as { zkeyPath: string }).zkeyPath);
  await rm(join(generatedDir, "Groth16Verifier_fixture.sol"));
  const m = await buildCircuit("fixture", opts());
  assert.equal(m.cached.setup, true);
  assert.equal(m.timingsMs.setup, 0);
  assert.ok(existsSync(m.verifierSolPath));
  assert.ok((await readFile(m.zkeyPath)).equals(zkeyBefore));
});

test("another seed invalidates the cached key", async () => {
  const m = await buildCircuit("fixture", { ...opts(), seed: "build-test-2" });
  assert.equal(m.cached.setup, false);
  assert.equal(m.setup.seed, "build-test-2");
  assert.ok(compiles >= 3);
});
