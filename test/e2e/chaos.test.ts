import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { REPO_ROOT } from "../../core/repo-root.ts";
import type { ChaosReport } from "../../node/chaos/report.ts";

// The short chaos run of `npm test`: `npm run chaos` itself (its own devnet with a standby, a steady
// signed load, two seeded faults), one minute. The full run with every fault is in BENCHMARKS.md.
const out = mkdtempSync(join(tmpdir(), "e2e-chaos-"));
after(() => rmSync(out, { recursive: true, force: true }));

describe("chaos harness (npm run chaos, 1 minute, two faults)", () => {
  it("recovers from each fault, loses no acknowledged order, and writes the JSON and HTML report", () => {
    const report = join(out, "report.json");
    const run = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "scripts/chaos.ts",
        "--faults",
        "partition-log,drop-l1-tx",
        "--minutes",
        "1",
        "--report",
        report,
        "--seed",
        "npm-test",
      ],
      { cwd: REPO_ROOT, encoding: "utf8", timeout: 600_000 },
    );
    assert.equal(
      run.status,
      0,
      `chaos exited ${run.status}:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}`,
    );
    const r = JSON.parse(readFileSync(report, "utf8")) as ChaosReport;
    assert.deepEqual(
      r.faults.map((f) => f.kind),
      ["partition-log", "drop-l1-tx"],
    );
    for (const f of r.faults) {
      assert.ok(f.recoveredMs !== undefined, `${f.kind} recovered (${f.what})`);
      assert.ok(f.invariants.length >= 6, `${f.kind}: invariants checked after recovery`);
      for (const i of f.invariants) assert.ok(i.ok, `${f.kind}: ${i.name}: ${i.detail}`);
    }
    for (const i of r.final) assert.ok(i.ok, `${i.name}: ${i.detail}`);
    assert.ok(r.ackedTotal > 0, "the load was acknowledged");
    assert.equal(r.lostTotal, 0);
    assert.equal(
      r.counts.sent,
      r.counts.acked + Object.values(r.counts.refused).reduce((a, b) => a + b, 0) + r.counts.lost,
    );
    const html = report.replace(/\.json$/, ".html");
    assert.ok(existsSync(html));
    assert.match(readFileSync(html, "utf8"), /partition-log[\s\S]*drop-l1-tx/);
  });
});
