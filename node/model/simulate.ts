/**
 * One run of the model: the workload through intake → lanes → batcher → proof queue → N provers →
 * L1, on a discrete-event clock (ms from the tape's start). The admission rule and the capacity
 * estimates it rests on are the sequencer's own classes (sequencer/mempool/admission.ts), fed the
 * model's events, so a request is shed exactly when the real rule would shed it for the same view.
 * A MODEL (discrete-event simulation), not a measurement.
 */
import { Admission, ProvingCapacity } from "../../sequencer/mempool/admission.ts";
import { percentile } from "../loadlab/analyze.ts";
import { Batcher, type SealedBatch } from "./batcher.ts";
import { type Calibration, contentionFactor } from "./calibration.ts";
import { EventQueue } from "./event-queue.ts";
import { L1Submitter } from "./l1.ts";
import { ProverPool } from "./provers.ts";
import { meanRate } from "./rates.ts";
import { Empirical, type RandomSource } from "./rng.ts";
import { peakUtilisation, Station } from "./station.ts";
import type { Arrival, Workload } from "./workload.ts";

export interface RunOptions {
  provers: number;
  /** Provers sharing one host (proof time × the calibrated contention factor); 1 = a host each. */
  proversPerHost: number;
  /** The provers run on the sequencer's host (the devnet): burst-time proofs are the measured busy ones. */
  withSequencer: boolean;
  /** Land batches in the reference L1's blocks (gas cap per block) instead of the devnet's Anvil. */
  referenceL1?: boolean;
  /** After the tape, how long to wait for proofs before liquidations count as censored (the lab's --drain-s). */
  drainMs: number;
  rng: RandomSource;
}

export interface ResourceUse {
  /** Peak 10-second utilisation, 0..1 (≥ 1: saturated, work queues). */
  intake: number;
  signatures: number;
  redis: number;
  /** Gas landed per second ÷ the reference L1's gas per second (block gas limit ÷ block time). */
  l1Gas: number;
  /** The in-order submitter's busy share (one transaction in flight). */
  l1Submitter: number;
}

export interface RunResult {
  provers: number;
  proversPerHost: number;
  sent: number;
  shed: number;
  shedPct: number;
  skipped: number;
  batches: number;
  /** Normal-lane txs proven by the end of the run ÷ the tape's length, per second. */
  provenNormalPerS: number;
  provenNormalTxs: number;
  /** The lab's backlog figure, sampled once a second: sealedUnproven + ceil(pending / txPerBatch). */
  maxBacklog: number;
  liquidations: { n: number; censored: number; p50?: number; p99?: number; max?: number };
  /** Prover busy time ÷ (provers × the time from tape start to the last proof). */
  proverUtilisation: number;
  /** Prover peak 10-s utilisation. */
  proverPeak: number;
  resources: ResourceUse;
  endedAtMs: number;
}

type Ev =
  | { kind: "arrive"; a: Arrival }
  | { kind: "checked"; a: Arrival }
  | { kind: "apply"; a: Arrival }
  | { kind: "timer" }
  | { kind: "enqueue"; b: SealedBatch }
  | { kind: "proven"; b: SealedBatch; startedAt: number }
  | { kind: "verified"; n: number }
  | { kind: "sample" };

export function simulate(cal: Calibration, w: Workload, o: RunOptions): RunResult {
  const q = new EventQueue<Ev>();
  const factor = o.proversPerHost > 1 ? contentionFactor(cal, o.proversPerHost) : 1;
  const busyFactor = o.proversPerHost > 1 ? contentionFactor(cal, o.proversPerHost, true) : 1;
  const proofMs = new Empirical(cal.proof.samplesMs, o.rng);
  const dispatchMs = new Empirical(cal.dispatchMs, o.rng);
  const inclusionMs = new Empirical(cal.l1.inclusionMs, o.rng);

  const capacity = new ProvingCapacity(cal.admission);
  capacity.setProvers(o.provers);
  let provenThrough = 0;
  let queuedNormal = 0;
  let batcher: Batcher | undefined;
  const admission = new Admission(cal.admission, capacity, () => ({
    sealed: BigInt(batcher?.sealed ?? 0),
    proven: BigInt(provenThrough),
    openTxs: batcher?.openTxs ?? 0,
    queuedNormal,
  }));

  const main = new Station("sequencer intake", 1);
  const sigs = new Station("signature checks", cal.signatures.workers);
  const sealedBatches = new Map<number, SealedBatch & { provenAt?: number; verifiedAt?: number }>();
  const provenSet = new Set<number>();
  let timerAt = Number.POSITIVE_INFINITY;
  const redisOpsPerS: number[] = [];
  const redisOps = (t: number, n: number) => {
    const k = Math.floor(t / 1000);
    while (redisOpsPerS.length <= k) redisOpsPerS.push(0);
    redisOpsPerS[k]! += n;
  };

  batcher = new Batcher(
    cal.batch,
    admission,
    () => batcher!.sealed - provenThrough,
    (b) => {
      sealedBatches.set(b.n, b);
      // The tree work for the prover's input runs on the sequencer's main thread.
      const treeDone = main.serve(b.sealedAt, cal.intake.treeUsPerBatch / 1000);
      q.schedule(Math.max(treeDone, b.sealedAt + dispatchMs.draw()), { kind: "enqueue", b });
    },
  );
  // A timer already due while the pool is busy needs no event: the next proof's step seals it.
  const armTimer = () => {
    if (batcher!.openIsEmpty) return;
    const due = batcher!.timerDueAt;
    if (due > now && due < timerAt) {
      timerAt = due;
      q.schedule(due, { kind: "timer" });
    }
  };

  // Requests per second of the workload (open-loop, so known before the run): a prover on the
  // sequencer's host proves at the measured busy speed while the burst arrives.
  const ratePerS: number[] = [];
  for (const a of w.arrivals) {
    const k = Math.floor(a.t / 1000);
    while (ratePerS.length <= k) ratePerS.push(0);
    ratePerS[k]!++;
  }
  const busy = o.withSequencer && cal.proof.busy ? cal.proof.busy : undefined;
  const busyMs = busy ? new Empirical(busy.samplesMs, o.rng) : undefined;
  const quietMedian = [...cal.proof.samplesMs].sort((a, b) => a - b)[
    Math.floor((cal.proof.samplesMs.length - 1) / 2)
  ]!;
  const drawProof = (start: number): number => {
    if (busy && busyMs && meanRate(ratePerS, start, start + quietMedian) >= busy.reqPerS)
      return busyMs.draw() * busyFactor;
    return proofMs.draw() * factor;
  };
  const pool = new ProverPool(
    o.provers,
    (start) => start + drawProof(start),
    (job, startedAt, endsAt) => q.schedule(endsAt, { kind: "proven", b: job.batch, startedAt }),
  );
  const l1 = new L1Submitter(
    cal.l1.maxInFlight,
    () => inclusionMs.draw(),
    cal.l1.gasPerBatch,
    (n, _s, at) => q.schedule(at, { kind: "verified", n }),
    o.referenceL1 ? cal.l1.reference : undefined,
  );

  let now = 0;
  for (const a of w.arrivals) q.schedule(a.t, { kind: "arrive", a });
  const tapeEnd = w.durationMs;
  const stopAt = tapeEnd + o.drainMs;
  for (let t = 0; t <= stopAt; t += 1000) q.schedule(t, { kind: "sample" });

  let sent = 0;
  let shed = 0;
  let skipped = 0;
  const acceptedOrders = new Set<number>();
  let maxBacklog = 0;
  let lastProofAt = 0;

  for (let e = q.pop(); e; e = q.pop()) {
    if (e.at < now) throw new Error(`model clock went back from ${now} to ${e.at}`);
    now = e.at;
    if (now > stopAt) break;
    const ev = e.event;
    switch (ev.kind) {
      case "arrive": {
        const a = ev.a;
        if (a.kind === "cancel" && !acceptedOrders.has(a.ref)) {
          skipped++;
          break;
        }
        sent++;
        if (a.kind === "price") {
          // The keeper's signature is checked like any other, then the main thread applies it.
          q.schedule(sigs.serve(now, cal.signatures.checkUs / 1000), { kind: "checked", a });
          break;
        }
        // Shed before the signature check (sequencer/api/intake.ts), at the real rule's word.
        if (!admission.state().admitting) {
          shed++;
          main.serve(now, cal.intake.shedUs / 1000);
          break;
        }
        queuedNormal++;
        if (a.kind === "order") acceptedOrders.add(a.i);
        q.schedule(sigs.serve(now, cal.signatures.checkUs / 1000), { kind: "checked", a });
        break;
      }
      case "checked":
        q.schedule(main.serve(now, cal.intake.acceptedUs / 1000), { kind: "apply", a: ev.a });
        break;
      case "apply": {
        const a = ev.a;
        if (a.kind === "price")
          batcher.applyPrice(now, {
            marketId: a.marketId,
            price: a.price,
            receivedAt: a.t,
            liquidates: a.liquidates,
          });
        else {
          queuedNormal--;
          batcher.applyNormal(now);
        }
        armTimer();
        break;
      }
      case "timer":
        timerAt = Number.POSITIVE_INFINITY;
        batcher.step(now);
        armTimer();
        break;
      case "enqueue":
        // BullMQ: add, then a worker's fetch; the rest of a job's round trips land when it completes.
        redisOps(now, cal.redis.opsPerProofJob / 2);
        pool.enqueue(now, { batch: ev.b, enqueuedAt: now });
        break;
      case "proven": {
        const b = sealedBatches.get(ev.b.n)!;
        b.provenAt = now;
        lastProofAt = now;
        redisOps(now, cal.redis.opsPerProofJob / 2);
        capacity.observeProof(now - ev.startedAt);
        provenSet.add(b.n);
        while (provenSet.has(provenThrough + 1)) provenSet.delete(++provenThrough);
        l1.proven(now, b.n);
        pool.release(now);
        batcher.step(now);
        armTimer();
        break;
      }
      case "verified": {
        const b = sealedBatches.get(ev.n)!;
        b.verifiedAt = now;
        if (b.provenAt !== undefined) capacity.observeL1(now - b.provenAt);
        l1.verified(now, ev.n);
        break;
      }
      case "sample": {
        const s = admission.state();
        const perBatch = Math.max(1, Math.round(capacity.txPerBatch));
        maxBacklog = Math.max(maxBacklog, s.sealedUnproven + Math.ceil(s.pendingTxs / perBatch));
        break;
      }
    }
  }

  const end = Math.min(now, stopAt);
  const liq: number[] = [];
  let censored = 0;
  let provenNormal = 0;
  for (const b of sealedBatches.values()) {
    for (const l of b.liquidations) {
      if (b.verifiedAt !== undefined) liq.push(b.verifiedAt - l.triggerAt);
      else {
        censored++;
        liq.push(Math.max(0, stopAt - l.triggerAt));
      }
    }
    if (b.provenAt !== undefined && b.normalTxs > 0) {
      provenNormal += b.normalTxs;
    }
  }
  // Liquidations still in the open batch or the lane when the run stops are censored too.
  liq.sort((x, y) => x - y);
  const proverBusy = pool.busyMs.reduce((s, x) => s + x, 0);
  const refGasPerS = (cal.l1.reference.blockGasLimit * 1000) / cal.l1.reference.blockTimeMs;
  return {
    provers: o.provers,
    proversPerHost: o.proversPerHost,
    sent,
    shed,
    shedPct: sent === 0 ? 0 : (100 * shed) / sent,
    skipped,
    batches: sealedBatches.size,
    provenNormalTxs: provenNormal,
    provenNormalPerS: (1000 * provenNormal) / Math.max(1, w.durationMs),
    maxBacklog,
    liquidations: {
      n: liq.length,
      censored,
      ...(liq.length
        ? { p50: percentile(liq, 0.5), p99: percentile(liq, 0.99), max: liq[liq.length - 1]! }
        : {}),
    },
    proverUtilisation: proverBusy / (o.provers * Math.max(1, lastProofAt)),
    proverPeak: peakUtilisation(pool.busyMs, o.provers),
    resources: {
      intake: peakUtilisation(main.busyMs, 1),
      signatures: peakUtilisation(sigs.busyMs, cal.signatures.workers),
      redis: peakUtilisation(
        redisOpsPerS.map((n) => (1000 * n) / cal.redis.opsPerSecond),
        1,
      ),
      // Over two blocks at least: landing in whole blocks makes any shorter window lumpy.
      l1Gas: peakUtilisation(
        l1.gasPerS.map((g) => (1000 * g) / refGasPerS),
        1,
        Math.max(10, Math.ceil((2 * cal.l1.reference.blockTimeMs) / 1000)),
      ),
      // Only a one-at-a-time submitter is a server with a utilisation; pipelined, it is not tracked.
      l1Submitter: cal.l1.maxInFlight === 1 ? peakUtilisation(l1.busyMs, 1) : Number.NaN,
    },
    endedAtMs: end,
  };
}
