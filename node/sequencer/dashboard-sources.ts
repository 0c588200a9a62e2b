/**
 * The dashboard's view of what lies outside the sequencer (sequencer/api/dashboard/types.ts): the
 * prover workers and proof jobs in BullMQ, the Rollup's root and last verified batch on L1, and this
 * node's place in the replicated log. Each slow read is cached for a second, so any number of open
 * dashboards cost Redis and Anvil one read per second.
 */
import { cachedFor } from "../../core/cached.ts";
import { PRIORITY } from "../../prover/job.ts";
import type { ProofQueue } from "../../prover/queue.ts";
import type {
  DashboardSources,
  L1View,
  LeadershipView,
  PeerView,
  ProofQueueView,
  ProverView,
} from "../../sequencer/api/dashboard/types.ts";
import { createL1Clients } from "../l1/clients.ts";
import { rollupAbi } from "../l1/rollup-abi.ts";

export interface DashboardSourcesOptions {
  proofs: ProofQueue;
  rpcUrl: string;
  rollupAddress: `0x${string}`;
  leadership: () => LeadershipView;
  /** The other nodes' API URLs (PEER_URLS). */
  peerUrls?: readonly string[];
  /** Default 1000 ms. */
  cacheMs?: number;
}

export function dashboardSources(o: DashboardSourcesOptions): DashboardSources {
  const ttl = o.cacheMs ?? 1_000;
  // Short timeouts: a stalled Anvil should show as an error on the page within a tick or two.
  const { publicClient } = createL1Clients({ rpcUrl: o.rpcUrl, retryCount: 0, timeoutMs: 2_000 });
  const rollup = { address: o.rollupAddress, abi: rollupAbi } as const;
  return {
    provers: cachedFor(ttl, async (): Promise<ProverView[]> => {
      const workers = await o.proofs.queue.getWorkers();
      return workers.map((w) => ({
        name: w.name ?? "",
        addr: w.addr ?? "",
        ageS: Number(w.age ?? 0),
        idleS: Number(w.idle ?? 0),
      }));
    }),
    proofQueue: cachedFor(ttl, async (): Promise<ProofQueueView> => {
      const q = o.proofs.queue;
      const [states, perPriority] = await Promise.all([
        o.proofs.depth(),
        q.getCountsPerPriority([PRIORITY.liquidation, PRIORITY.normal]),
      ]);
      return {
        states,
        pending: {
          liquidation: perPriority[PRIORITY.liquidation] ?? 0,
          normal: perPriority[PRIORITY.normal] ?? 0,
        },
      };
    }),
    l1: cachedFor(ttl, async (): Promise<L1View> => {
      const [stateRoot, lastVerifiedBatch, blockNumber] = await Promise.all([
        publicClient.readContract({ ...rollup, functionName: "stateRoot" }),
        publicClient.readContract({ ...rollup, functionName: "lastVerifiedBatch" }),
        publicClient.getBlockNumber({ cacheTime: 0 }),
      ]);
      return {
        stateRoot: `0x${stateRoot.toString(16).padStart(64, "0")}`,
        lastVerifiedBatch: lastVerifiedBatch.toString(),
        blockNumber: blockNumber.toString(),
      };
    }),
    leadership: o.leadership,
    peers: cachedFor(ttl, () => Promise.all((o.peerUrls ?? []).map(peerView))),
  };
}

/** A peer's role and epoch from its GET /state; an unreachable one is shown with why, not dropped. */
export async function peerView(url: string): Promise<PeerView> {
  try {
    const res = await fetch(`${url}/state`, { signal: AbortSignal.timeout(1_000) });
    if (!res.ok) return { url, role: undefined, epoch: undefined, error: `HTTP ${res.status}` };
    const s = (await res.json()) as { role?: string; epoch?: number };
    return { url, role: s.role, epoch: s.epoch, error: undefined };
  } catch (err) {
    return {
      url,
      role: undefined,
      epoch: undefined,
      error: err instanceof Error ? err.message : String(err),
    };
  }
}
