/**
 * A short oct11 run of the load lab on the small instance, against a real devnet (Anvil, Redis,
 * native Groth16 prover, verifier contract): the report is written, every request sent has an
 * outcome, shed requests carried Retry-After, and a liquidation triggered mid-burst reached L1 within
 * the bound docs/LANE.md gives. The full run is `npm run loadtest -- --scenario oct11 --compare-lane`.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Devnet, startDevnet } from "../../node/devnet/devnet.ts";
import { type LabResult, runLab } from "../../node/loadlab/lab.ts";
import type { LabReport } from "../../node/loadlab/report-types.ts";
import { loadScenario } from "../../node/loadlab/scenarios.ts";
import { buildReport, writeReport } from "../../node/loadlab/write-report.ts";

let devnet: Devnet;
let dir: string;
let lab: LabResult;

describe("load lab, oct11 for one minute on the small instance", { timeout: 900_000 }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "loadlab-e2e-"));
    devnet = await startDevnet({
      instance: "small",
      dir,
      redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      provers: 1,
      keeper: false,
      batchMaxWaitMs: 1000,
      echo: false,
      onProgress: () => {},
      sequencerEnv: { L1_POLL_MS: "200", LOG_LEVEL: "warn" },
      proverEnv: { LOG_LEVEL: "warn" },
    });
    lab = await runLab({
      info: devnet.info,
      scenario: loadScenario({ name: "oct11", minutes: 1, seed: "e2e" }),
      label: "lane on",
      // The small tree has 16 leaves: backstop, maker, 3 probes, 6 tape accounts.
      maxAccounts: 6,
      idleProbes: 1,
      loadProbes: 2,
      timeoutMs: 30_000,
      drainMs: 180_000,
      say: () => {},
    });
  });
  after(async () => {
    await devnet?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes report.json, report.html and summary.md with every sent request accounted for", () => {
    const report = buildReport(
      { scenario: "oct11", minutes: 1, seed: "e2e", maxAccounts: 6, compareLane: false, devnet: lab.devnet },
      [lab.run],
    );
    const out = join(dir, "report");
    writeReport(out, report);
    for (const f of ["report.json", "report.html", "summary.md"]) assert.ok(existsSync(join(out, f)), f);
    const back = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as LabReport;
    const rq = back.runs[0]!.requests;
    assert.ok(rq.sent > 1_000, `sent ${rq.sent}`);
    assert.equal(rq.unanswered, 0, "a request with no answer");
    const rejected = Object.values(rq.rejected).reduce((a, b) => a + b, 0);
    assert.equal(rq.acked + rejected + rq.timedOut, rq.sent);
    assert.ok(rq.acked > 0);
    const sent = lab.records.filter((r) => r.sent !== undefined);
    assert.equal(sent.length, rq.sent);
    assert.ok(sent.every((r) => r.outcome !== "unanswered" && r.answered !== undefined));
  });

  it("sheds the burst with 503 OVERLOADED and Retry-After, and never sheds the liquidation lane", () => {
    const shed = lab.records.filter((r) => r.code === "OVERLOADED");
    assert.ok(shed.length > 0, "a burst 80x the calm rate is above the small prover's capacity");
    assert.ok(shed.every((r) => r.lane === "normal"));
    assert.ok(
      shed.every((r) => (r.retryAfterS ?? 0) >= 1),
      "every 503 carries Retry-After",
    );
  });

  it("L1-verifies a liquidation triggered mid-burst within the admission rule's bound", () => {
    const bound = lab.finalState.admission?.targetMs;
    assert.ok(bound !== undefined && bound > 0, "backpressure is on");
    // The probes: one liquidation each, at a price step of their own. The tape's cascade is not held
    // to this bound: its k-th liquidation also waits for the liquidation batches before it (LANE.md).
    const probes = new Set(lab.probeAccounts.load);
    const load = lab.run.liquidations.samples.filter((s) => s.phase === "load" && probes.has(s.accountId));
    assert.equal(load.length, 2, "both load probes were liquidated");
    for (const s of load) {
      assert.ok(s.verifiedMs !== undefined, `liquidation of ${s.accountId} verified`);
      // The bound is for the estimates at the trigger; allow one batch of estimate drift.
      const slack = lab.finalState.admission!.msPerBatch;
      assert.ok(s.verifiedMs! <= bound + slack, `${s.verifiedMs} ms > bound ${bound} ms (+${slack})`);
    }
  });
});
