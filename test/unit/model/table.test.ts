import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RunResult } from "../../../node/model/simulate.ts";
import { MODEL_LABEL, nextBottleneck, renderTable } from "../../../node/model/table.ts";

const row = (provers: number, r: Partial<RunResult["resources"]>): RunResult => ({
  provers,
  proversPerHost: 1,
  sent: 10,
  shed: 1,
  shedPct: 10,
  skipped: 0,
  batches: 1,
  provenNormalPerS: provers,
  provenNormalTxs: provers,
  maxBacklog: 1,
  liquidations: { n: 1, censored: 0, p50: 1_000, p99: 2_000, max: 2_000 },
  proverUtilisation: 0.5,
  proverPeak: 1,
  resources: { intake: 0.1, signatures: 0.1, redis: 0, l1Gas: 0, l1Submitter: 0, ...r },
  endedAtMs: 0,
});

describe("model table", () => {
  it("names the first non-prover resource to reach 90% as N grows", () => {
    const b = nextBottleneck([
      row(4, { l1Submitter: 0.5 }),
      row(1, {}),
      row(8, { l1Submitter: 0.95, intake: 0.92 }),
    ]);
    assert.deepEqual([b?.resource, b?.provers, b?.saturated], ["l1Submitter", 8, true]);
  });

  it("says when none saturates, naming the closest at the largest N", () => {
    const b = nextBottleneck([row(1, { intake: 0.5 }), row(2, { intake: 0.6, l1Gas: 0.7 })]);
    assert.deepEqual([b?.resource, b?.provers, b?.saturated], ["l1Gas", 2, false]);
  });

  it("labels the table as a model and gives throughput as a ratio to the first row", () => {
    const t = renderTable([row(1, {}), row(4, {})], "test");
    assert.ok(t.startsWith(MODEL_LABEL));
    assert.match(t, /\| 4 \| 4\.00 \| 4\.0× \|/);
    assert.match(t, /next bottleneck \(MODEL\)/);
  });
});
