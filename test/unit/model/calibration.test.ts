import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { REPO_ROOT } from "../../../core/repo-root.ts";
import { contentionFactor, loadCalibration, parseCalibration } from "../../../node/model/calibration.ts";
import { ModelInputError } from "../../../node/model/errors.ts";
import { testCalibration } from "./fixture.ts";

const dir = mkdtempSync(join(tmpdir(), "model-cal-"));

describe("model calibration", () => {
  it("takes a valid calibration and reads the contention factor per host", () => {
    const c = parseCalibration(
      JSON.parse(
        JSON.stringify(
          testCalibration({ proof: { instance: "t", samplesMs: [1], contention: { "2": 1.5, "4": 2 } } }),
        ),
      ),
    );
    assert.deepEqual(
      [1, 2, 3, 4, 8].map((k) => contentionFactor(c, k)),
      [1, 1.5, 1.5, 2, 2],
    );
  });

  it("rejects a bad file with a ModelInputError naming the field", () => {
    const bad = {
      ...testCalibration(),
      dispatchMs: [] as number[],
      l1: { ...testCalibration().l1, gasPerBatch: -1 },
    };
    assert.throws(
      () => parseCalibration(JSON.parse(JSON.stringify(bad)), "bad.json"),
      (e: unknown) =>
        e instanceof ModelInputError &&
        e.code === "MODEL_INPUT" &&
        /bad\.json/.test(e.message) &&
        /dispatchMs/.test(e.message) &&
        /l1\.gasPerBatch/.test(e.message),
    );
    assert.throws(() => parseCalibration({ ...testCalibration(), extra: 1 }), ModelInputError);
  });

  it("says so when the file is missing or not JSON", () => {
    assert.throws(() => loadCalibration(join(dir, "none.json")), /cannot read the calibration/);
    const f = join(dir, "x.json");
    writeFileSync(f, "{ not json");
    assert.throws(() => loadCalibration(f), /is not JSON/);
  });

  it("the CLI exits 2 with a message on a bad --provers list and on a missing calibration", () => {
    const cli = (args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "scripts/model.ts"), ...args], {
        encoding: "utf8",
        cwd: REPO_ROOT,
      });
    const a = cli(["--provers", "1,x,4"]);
    assert.equal(a.status, 2, a.stderr);
    assert.match(a.stderr, /not a list of prover counts/);
    const b = cli(["--provers", "1,2", "--calibration", join(dir, "none.json")]);
    assert.equal(b.status, 2, b.stderr);
    assert.match(b.stderr, /cannot read the calibration/);
  });
});
