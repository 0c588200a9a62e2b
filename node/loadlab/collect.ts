/**
 * Reads what the sequencer recorded: the trace of every applied tx (GET /trace, paged) and, once a
 * second while the lab runs, the backlog and the batch counters (GET /state).
 */
import type { AdmissionState } from "../../sequencer/mempool/admission.ts";
import type { Stage } from "./report-types.ts";

/** A /trace row as JSON (bigints as decimal strings). */
export interface TraceRow {
  seq: string;
  kind: string;
  lane: "normal" | "liquidation";
  accountId?: number;
  marketId?: number;
  batch: string;
  received: number;
  applied: number;
  acked?: number;
  trigger?: { seq?: string; kind: string; at: number; marketId?: number; price?: string };
  batchTimes: Partial<Record<Exclude<Stage, "received" | "acked">, number>> | null;
}

export async function readTrace(apiUrl: string, fromSeq = 0n): Promise<TraceRow[]> {
  const rows: TraceRow[] = [];
  let next = fromSeq;
  for (let page = 0; page < 10_000; page++) {
    const res = await fetch(`${apiUrl}/trace?fromSeq=${next}&limit=20000`);
    if (!res.ok) throw new Error(`GET /trace answered ${res.status}: ${await res.text()}`);
    const j = (await res.json()) as { rows: TraceRow[]; nextSeq: string };
    rows.push(...j.rows);
    if (j.rows.length === 0 || BigInt(j.nextSeq) === next) break;
    next = BigInt(j.nextSeq);
  }
  return rows;
}

export interface StateJson {
  lastSealedBatch: string;
  lastProvenBatch: string;
  lastVerifiedBatch: string;
  openBatch: string;
  openBatchTxs: number;
  lanes: { liquidation: number; normal: number };
  accounts: number;
  liquidationLane: boolean;
  /** The admission rule's state plus the capacity estimates it rests on (reads.ts `admissionView`). */
  admission?: AdmissionState & { proofMs: number; l1Ms: number; provers: number; txPerBatch: number };
}

export async function readState(apiUrl: string): Promise<StateJson> {
  const res = await fetch(`${apiUrl}/state`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET /state answered ${res.status}`);
  return (await res.json()) as StateJson;
}

export interface StateSample {
  at: number;
  /** Sealed-but-unproven batches plus the pending normal txs in batches (the admission rule's view). */
  backlog: number;
  queueDepth: number;
  sealed: number;
  proven: number;
  verified: number;
}

/** Samples /state every `everyMs` until stopped; a failed read is skipped, not fatal. */
export function startSampler(apiUrl: string, everyMs = 1_000): { stop(): StateSample[] } {
  const samples: StateSample[] = [];
  let stopped = false;
  const tick = async () => {
    while (!stopped) {
      const at = Date.now();
      try {
        const s = await readState(apiUrl);
        const sealed = Number(s.lastSealedBatch);
        const proven = Number(s.lastProvenBatch);
        const queueDepth = Math.max(0, sealed - proven);
        const perBatch = Math.max(1, s.admission?.txPerBatch ?? 1);
        samples.push({
          at,
          backlog: s.admission
            ? s.admission.sealedUnproven + Math.ceil(s.admission.pendingTxs / perBatch)
            : queueDepth + (s.openBatchTxs > 0 ? 1 : 0) + Math.ceil(s.lanes.normal / perBatch),
          queueDepth,
          sealed,
          proven,
          verified: Number(s.lastVerifiedBatch),
        });
      } catch {
        // The sequencer was too busy to answer within 10 s; that second has no sample.
      }
      await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (Date.now() - at))));
    }
  };
  void tick();
  return {
    stop() {
      stopped = true;
      return samples;
    },
  };
}
