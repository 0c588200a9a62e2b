/**
 * The chaos run's schedule: which fault is injected when. Seeded, so a failing run can be replayed
 * with the same `--seed`: the times are drawn from SHA-256 in counter mode (SeededRandom), never from
 * Math.random or the clock.
 */
import { BaseError } from "../../core/errors.ts";
import { SeededRandom } from "../../core/random.ts";

export const FAULT_KINDS = [
  "kill-leader",
  "kill-standby",
  "kill-prover",
  "restart-redis",
  "restart-anvil",
  "drop-l1-tx",
  "partition-log",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface ScheduledFault {
  kind: FaultKind;
  /** Offset from the load's start, ms. */
  atMs: number;
}

export class ChaosPlanError extends BaseError {
  override name = "ChaosPlanError";
}

export function parseFaults(list: string): FaultKind[] {
  const kinds = list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (kinds.length === 0)
    throw new ChaosPlanError("CHAOS_PLAN", `--faults is empty; pick from ${FAULT_KINDS.join(", ")}`);
  for (const k of kinds)
    if (!(FAULT_KINDS as readonly string[]).includes(k))
      throw new ChaosPlanError("CHAOS_PLAN", `unknown fault "${k}"; pick from ${FAULT_KINDS.join(", ")}`);
  return kinds as FaultKind[];
}

/**
 * Each fault gets its own slot of the run (after a warm-up, before a quiet tail that lets the last
 * recovery finish) and a seeded time inside the first half of its slot, so the faults arrive in the
 * order given, at unpredictable times, and each has at least half a slot to recover before the next.
 */
export function scheduleFaults(
  kinds: readonly FaultKind[],
  runMs: number,
  seed: string,
  warmupMs = Math.min(15_000, runMs / 6),
  tailMs = Math.min(20_000, runMs / 5),
): ScheduledFault[] {
  const span = runMs - warmupMs - tailMs;
  if (span <= 0) throw new ChaosPlanError("CHAOS_PLAN", `a ${runMs} ms run leaves no time for faults`);
  const slot = span / kinds.length;
  const rnd = new SeededRandom(`chaos:${seed}`);
  return kinds.map((kind, i) => ({
    kind,
    atMs: Math.round(warmupMs + i * slot + rnd.next() * slot * 0.5),
  }));
}
