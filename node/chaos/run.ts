/**
 * One chaos run: a steady signed load from the harness's own traders, the scheduled faults injected
 * into a devnet the harness controls, and after each fault a wait for recovery (a leader answering and
 * a batch sealed after the fault verified on L1) followed by the invariant checks. Every wait is
 * bounded; the run ends by itself.
 */
import type { ApiClient } from "../client/api-client.ts";
import { createL1Clients } from "../l1/clients.ts";
import { rollupAbi } from "../l1/rollup-abi.ts";
import { baselineOf, checkInvariants, type InvariantResult, lostAcks, readAudit } from "./invariants.ts";
import type { ChaosLoad } from "./load.ts";
import type { FaultKind, ScheduledFault } from "./plan.ts";

/** What the harness can do to the system under test (implemented by the devnet, see chaos-devnet.ts). */
export interface ChaosTarget {
  apiUrls: readonly string[];
  l1RpcUrl: string;
  rollup: `0x${string}`;
  /** Injects one fault; resolves with what was done (e.g. which pid got SIGKILL). */
  inject(kind: FaultKind): Promise<string>;
}

export interface FaultRecord {
  kind: FaultKind;
  /** Scheduled and actual injection, ms from the load's start. */
  scheduledMs: number;
  injectedMs: number;
  what: string;
  /** Injection → a leader answers again (the takeover time for kill-leader), ms; undefined if never. */
  leaderBackMs?: number;
  /** Injection → a batch sealed after the fault is verified on L1, ms; undefined if not within the limit. */
  recoveredMs?: number;
  /** The L1 batch that showed recovery. */
  recoveredAtBatch?: string;
  invariants: InvariantResult[];
  error?: string;
}

export interface ChaosResult {
  startedAt: string;
  runMs: number;
  faults: FaultRecord[];
  final: InvariantResult[];
  counts: ChaosLoad["counts"];
  ackedTotal: number;
  lostTotal: number;
  takeoverMs: number[];
  ackedPerS: number[];
  leaderMoves: { atMs: number; to: string }[];
}

export interface RunOptions {
  target: ChaosTarget;
  load: ChaosLoad;
  /** The load's client: its endpoint moves are the takeovers as clients saw them. */
  api: ApiClient;
  schedule: readonly ScheduledFault[];
  runMs: number;
  /** Longest wait for recovery after one fault, ms. */
  recoveryLimitMs?: number;
  onProgress?: (msg: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runChaos(o: RunOptions): Promise<ChaosResult> {
  const say = o.onProgress ?? (() => {});
  const limit = o.recoveryLimitMs ?? 120_000;
  const { publicClient } = createL1Clients({ rpcUrl: o.target.l1RpcUrl, timeoutMs: 5_000 });
  const l1Last = () =>
    publicClient.readContract({
      address: o.target.rollup,
      abi: rollupAbi,
      functionName: "lastVerifiedBatch",
    });

  const baseline = baselineOf(await readAudit(await findLeader(o.target.apiUrls, 30_000)));
  const t0 = Date.now();
  const ms = () => Date.now() - t0;
  o.load.start();
  const faults: FaultRecord[] = [];
  try {
    for (const f of o.schedule) {
      await sleep(Math.max(0, f.atMs - ms()));
      say(`${(ms() / 1000).toFixed(1)} s: injecting ${f.kind}`);
      const rec: FaultRecord = {
        kind: f.kind,
        scheduledMs: f.atMs,
        injectedMs: ms(),
        what: "",
        invariants: [],
      };
      faults.push(rec);
      const injectedAt = Date.now();
      // The batch to wait for: the first one sealed after the fault, so its verification proves the
      // whole pipeline (sequencer, provers, Redis, submitter, L1) works again.
      const sealedBefore = await sealedOnAny(o.target.apiUrls);
      try {
        rec.what = await o.target.inject(f.kind);
      } catch (err) {
        rec.error = `inject failed: ${String(err)}`;
        continue;
      }
      const leader = await findLeader(o.target.apiUrls, limit).catch(() => undefined);
      if (leader) rec.leaderBackMs = Date.now() - injectedAt;
      const want = sealedBefore + 1n;
      const end = injectedAt + limit;
      while (Date.now() < end) {
        const v = await l1Last().catch(() => 0n);
        if (v >= want) {
          rec.recoveredMs = Date.now() - injectedAt;
          rec.recoveredAtBatch = v.toString();
          break;
        }
        await sleep(500);
      }
      say(
        `  ${f.kind}: ${rec.what}; leader back ${fmt(rec.leaderBackMs)}, recovered ${fmt(rec.recoveredMs)}`,
      );
      const api = await findLeader(o.target.apiUrls, 10_000).catch(() => undefined);
      if (api) {
        rec.invariants = await checkInvariants({
          apiUrl: api,
          l1RpcUrl: o.target.l1RpcUrl,
          rollup: o.target.rollup,
          baseline,
          highestAcked: o.load.highestAcked(),
        }).catch((err) => [{ name: "invariants readable", ok: false, detail: String(err) }]);
      }
      for (const i of rec.invariants) if (!i.ok) say(`  ✗ ${i.name}: ${i.detail}`);
    }
    await sleep(Math.max(0, o.runMs - ms()));
  } finally {
    await o.load.stop();
  }
  say("load stopped; waiting for the last batches to verify");
  const api = await findLeader(o.target.apiUrls, limit);
  const lastSealed = await sealedOnAny(o.target.apiUrls);
  const end = Date.now() + limit;
  while (Date.now() < end && (await l1Last().catch(() => 0n)) < lastSealed) await sleep(500);
  const final = await checkInvariants({
    apiUrl: api,
    l1RpcUrl: o.target.l1RpcUrl,
    rollup: o.target.rollup,
    baseline,
    highestAcked: o.load.highestAcked(),
  });
  const verifiedAll = (await l1Last()) >= lastSealed;
  final.push({
    name: "every sealed batch verified on L1 at the end",
    ok: verifiedAll,
    detail: `sealed ${lastSealed}, L1 verified ${await l1Last()}`,
  });
  return {
    startedAt: new Date(t0).toISOString(),
    runMs: ms(),
    faults,
    final,
    counts: o.load.counts,
    ackedTotal: o.load.counts.acked,
    lostTotal: await lostAcks(api, o.load.highestAcked()),
    takeoverMs: faults
      .filter((f) => f.kind === "kill-leader" && f.leaderBackMs !== undefined)
      .map((f) => f.leaderBackMs!),
    ackedPerS: o.load.ackedPerS,
    leaderMoves: o.api.moves.map((m) => ({ atMs: m.at - t0, to: m.to })),
  };
}

/** The first endpoint whose sequencer says it leads; polls until `timeoutMs`. */
export async function findLeader(urls: readonly string[], timeoutMs: number): Promise<string> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const u of urls) {
      const a = await readAudit(u).catch(() => undefined);
      if (a?.role === "leader") return u;
    }
    await sleep(100);
  }
  throw new Error(`no sequencer at ${urls.join(", ")} answered as leader within ${timeoutMs} ms`);
}

/** The highest sealed batch any endpoint reports (a follower's view may lag by a group). */
async function sealedOnAny(urls: readonly string[]): Promise<bigint> {
  let best = 0n;
  for (const u of urls) {
    try {
      const res = await fetch(`${u}/state`, { signal: AbortSignal.timeout(3_000) });
      if (!res.ok) continue;
      const s = (await res.json()) as { lastSealedBatch: string; openBatch: string; openBatchTxs: number };
      const n = s.openBatchTxs > 0 ? BigInt(s.openBatch) : BigInt(s.lastSealedBatch);
      if (n > best) best = n;
    } catch {}
  }
  return best;
}

const fmt = (ms: number | undefined) => (ms === undefined ? "never" : `${(ms / 1000).toFixed(1)} s`);
