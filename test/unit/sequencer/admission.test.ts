import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  Admission,
  type AdmissionSettings,
  type BacklogView,
  ProverOverloadedError,
  ProvingCapacity,
} from "../../../sequencer/mempool/admission.ts";

const SETTINGS: AdmissionSettings = {
  targetMs: 0,
  sealWaitMs: 2_000,
  initialProofMs: 10_000,
  initialL1Ms: 1_000,
  initialTxPerBatch: 10,
};

function make(view: BacklogView, s: Partial<AdmissionSettings> = {}) {
  const settings = { ...SETTINGS, ...s };
  const capacity = new ProvingCapacity(settings);
  const v = { ...view };
  return { a: new Admission(settings, capacity, () => v), capacity, v };
}

const idle: BacklogView = { sealed: 0n, proven: 0n, openTxs: 0, queuedNormal: 0 };

describe("admission: backpressure from proving capacity", () => {
  it("admits into an idle system and fills the open batch", () => {
    const { a, v } = make(idle);
    for (let i = 0; i < 10; i++) {
      a.check();
      v.openTxs++;
    }
    // The 11th request would need a second batch ahead of a later liquidation.
    assert.throws(() => a.check(), ProverOverloadedError);
  });

  it("auto target is twice the idle finality, which allows one batch at 1 prover", () => {
    const { a } = make(idle);
    // idle = 2 s seal + 10 s proof + 1 s L1 = 13 s; target 26 s; (26 − 3) / 10 = 2 → 2 − 1 = 1.
    assert.equal(a.targetMs(), 26_000);
    assert.equal(a.maxBacklog(), 1);
  });

  it("sheds while a sealed batch is unproven, with a Retry-After of one batch", () => {
    const { a } = make({ sealed: 1n, proven: 0n, openTxs: 0, queuedNormal: 0 });
    const err = (() => {
      try {
        a.check();
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof ProverOverloadedError);
    assert.equal(err.code, "OVERLOADED");
    assert.equal(err.details.reason, "PROVING_BACKLOG");
    assert.equal(err.retryAfterS, 10);
  });

  it("more provers allow a deeper backlog (throughput is proofMs / provers)", () => {
    const { a, capacity } = make(idle, { targetMs: 60_000 });
    assert.equal(a.maxBacklog(), 4); // (60 − 3) / 10 = 5.7 → 5 − 1
    capacity.setProvers(4);
    assert.equal(a.maxBacklog(), 21); // (57 / 2.5) = 22.8 → 22 − 1
  });

  it("queued normal requests count: they will be applied before any later liquidation", () => {
    const { a } = make({ sealed: 0n, proven: 0n, openTxs: 0, queuedNormal: 10 });
    assert.throws(() => a.check(), ProverOverloadedError);
  });

  it("measured proofs move the estimate, so a slower prover tightens the backlog", () => {
    const { a, capacity } = make(idle, { targetMs: 60_000, alpha: 1 });
    assert.equal(a.maxBacklog(), 4);
    capacity.observeProof(20_000);
    assert.equal(a.maxBacklog(), 1); // 57 / 20 = 2.85 → 2 − 1
    capacity.observeProof(Number.NaN); // ignored
    assert.equal(capacity.proofMs, 20_000);
  });

  it("property: whatever the state, admitting keeps a later liquidation within the target", () => {
    fc.assert(
      fc.property(
        fc.record({
          sealedUnproven: fc.integer({ min: 0, max: 50 }),
          openTxs: fc.integer({ min: 0, max: 40 }),
          queued: fc.integer({ min: 0, max: 400 }),
          provers: fc.integer({ min: 1, max: 16 }),
          proofMs: fc.integer({ min: 500, max: 30_000 }),
          l1Ms: fc.integer({ min: 0, max: 5_000 }),
          targetMs: fc.integer({ min: 0, max: 300_000 }),
          txPerBatch: fc.integer({ min: 1, max: 40 }),
        }),
        (x) => {
          const s: AdmissionSettings = {
            targetMs: x.targetMs,
            sealWaitMs: 2_000,
            initialProofMs: x.proofMs,
            initialL1Ms: x.l1Ms,
            initialTxPerBatch: x.txPerBatch,
          };
          const capacity = new ProvingCapacity(s);
          capacity.setProvers(x.provers);
          const view = {
            sealed: BigInt(x.sealedUnproven),
            proven: 0n,
            openTxs: x.openTxs,
            queuedNormal: x.queued,
          };
          const a = new Admission(s, capacity, () => view);
          const st = a.state();
          if (!st.admitting) return;
          // Worst case after this admission: every pending tx sealed ahead of the liquidation.
          const ahead = x.sealedUnproven + Math.ceil((x.openTxs + x.queued + 1) / x.txPerBatch);
          const finality = s.sealWaitMs + (ahead + 1) * capacity.msPerBatch + capacity.l1Ms;
          assert.ok(ahead <= a.maxBacklog());
          // The target holds unless not even one batch can meet it (one batch is still allowed then).
          const fromRoom =
            Math.floor((a.targetMs() - s.sealWaitMs - capacity.l1Ms) / capacity.msPerBatch) - 1;
          if (fromRoom >= 1) assert.ok(finality <= a.targetMs() + 1e-6, `${finality} > ${a.targetMs()}`);
        },
      ),
      { numRuns: 500 },
    );
  });
});
