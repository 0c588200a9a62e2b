/**
 * `npm test`: builds the tiny circuit instances (cached), the contracts and the real-proof fixture,
 * then runs forge's tests and every node test (unit, circuit, prover, end to end against real Redis
 * and Anvil). Ends with one "N passed, N failed" line over both runners.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO_ROOT } from "../core/repo-root.ts";
import { ensureRedis } from "../node/devnet/redis.ts";
import { forgeBuild } from "../node/l1/forge.ts";
import { buildCircuit } from "./build-circuits.ts";
import { writeProofFixture } from "./gen-proof-fixture.ts";

const log = (m: string) => console.log(`[test] ${m}`);
const only = process.argv.slice(2);
const TEST_INSTANCES = ["v1tiny", "v1small", "tiny", "small"];

const redis = await ensureRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
if (redis.private) log(`no Redis at the default URL; using a private one at ${redis.url}`);
process.env.REDIS_URL = redis.url;

try {
  for (const inst of TEST_INSTANCES) {
    log(`building circuit instance "${inst}"`);
    await buildCircuit(inst, { onProgress: (m) => log(`  ${m}`) });
  }
  log("writing the real-proof fixture for forge");
  await writeProofFixture({ onProgress: (m) => log(`  ${m}`) });
  await forgeBuild({ onProgress: (m) => log(`  ${m}`) });

  log("forge test");
  const forge = spawnSync("npx", ["forge", "test", "-vv"], {
    cwd: `${REPO_ROOT}contracts`,
    encoding: "utf8",
  });
  process.stdout.write(forge.stdout);
  process.stderr.write(forge.stderr);
  const fPass = Number(/(\d+) tests passed/.exec(forge.stdout)?.[1] ?? 0);
  const fFail = Number(/(\d+) failed/.exec(forge.stdout)?.[1] ?? (forge.status === 0 ? 0 : 1));

  const files = (only.length ? only : ["test/unit", "test/circuits", "test/prover", "test/e2e"])
    .flatMap((dir) => (dir.endsWith(".ts") ? [dir] : testFiles(join(REPO_ROOT, dir))))
    .sort();
  log(`node --test on ${files.length} files`);
  const node = spawnSync(
    process.execPath,
    ["--import", "tsx", "--test", "--test-concurrency=1", "--test-reporter=spec", ...files],
    {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: process.env,
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  process.stdout.write(node.stdout);
  process.stderr.write(node.stderr);
  const nPass = Number(/ℹ pass (\d+)/.exec(node.stdout)?.[1] ?? 0);
  const nFail = Number(/ℹ fail (\d+)/.exec(node.stdout)?.[1] ?? (node.status === 0 ? 0 : 1));

  const passed = fPass + nPass;
  const failed = fFail + nFail + (forge.status !== 0 && fFail === 0 ? 1 : 0);
  console.log(`\nforge: ${fPass} passed, ${fFail} failed; node: ${nPass} passed, ${nFail} failed`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || forge.status !== 0 || node.status !== 0 ? 1 : 0;
} finally {
  await redis.stop();
}

function testFiles(dir: string): string[] {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return testFiles(p);
    return e.name.endsWith(".test.ts") ? [relative(REPO_ROOT, p)] : [];
  });
}
