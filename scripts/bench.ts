/**
 * `npm run bench`: every benchmark in sequence, each printing figures against a baseline measured in the
 * same run. Pass names to run a subset: `npm run bench -- signatures e2e`.
 */
import { spawnSync } from "node:child_process";
import { REPO_ROOT } from "../core/repo-root.ts";

const ALL: Record<string, string[]> = {
  signatures: ["scripts/bench-signatures.ts", "--seconds", "2"],
  setup: ["scripts/bench-setup.ts", "--powers", "12,14,16,17"],
  e2e: ["scripts/bench-e2e.ts", "--rounds", "5"],
  matching: ["scripts/bench-matching.ts", "--repeats", "3"],
  risk: ["scripts/bench-risk.ts"],
  batch2: ["scripts/bench-batch2.ts", "--rounds", "2"],
  prover: ["scripts/bench-prover.ts", "--rounds", "3", "--powers", "16,18,20", "--direct-chains"],
  intake: ["scripts/bench-intake.ts"],
  restart: ["scripts/bench-restart.ts"],
  da: ["scripts/bench-da.ts"],
  dashboard: ["scripts/bench-dashboard.ts"],
};
const pick = process.argv.slice(2).filter((a) => a in ALL);
let failed = 0;
for (const name of pick.length ? pick : Object.keys(ALL)) {
  console.log(`\n=== bench: ${name} ===`);
  const r = spawnSync(process.execPath, ["--import", "tsx", ...ALL[name]!], {
    cwd: REPO_ROOT,
    stdio: "inherit",
  });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
