/**
 * The load lab's scenarios, all as simulator tapes (sequencer/sim/tape.ts), so the same tape drives
 * `npm run sim` and the devnet. `oct11` is the crash generator as the simulator runs it; `spike80x` is
 * the same 80x order burst with the index nearly flat and no leveraged crowd; `steady` is the calm
 * shape.
 */
import { readFileSync } from "node:fs";
import { BaseError } from "../../core/errors.ts";
import { generateTape } from "../../sequencer/sim/gen.ts";
import { parseTape, type Tape } from "../../sequencer/sim/tape.ts";

export const SCENARIOS = ["steady", "spike80x", "oct11", "tape"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export class ScenarioError extends BaseError {
  override name = "ScenarioError";
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("BAD_SCENARIO", message, { details });
  }
}

export interface Scenario {
  name: ScenarioName;
  tape: Tape;
  /** The burst window, ms from the tape's start (none for steady). */
  spike?: { fromMs: number; toMs: number };
}

export function loadScenario(o: { name: string; minutes: number; seed: string; file?: string }): Scenario {
  if (!(SCENARIOS as readonly string[]).includes(o.name))
    throw new ScenarioError(`unknown scenario "${o.name}"; use one of ${SCENARIOS.join(", ")}`);
  const name = o.name as ScenarioName;
  let tape: Tape;
  if (name === "tape") {
    if (!o.file)
      throw new ScenarioError("--scenario tape needs --tape FILE (make one with npm run gen-tape)");
    tape = parseTape(readFileSync(o.file, "utf8"));
  } else if (name === "steady") {
    tape = generateTape({ shape: "calm", seed: o.seed, minutes: o.minutes });
  } else {
    tape = generateTape({
      shape: "crash",
      seed: o.seed,
      minutes: o.minutes,
      orderMultiplier: 80,
      ...(name === "spike80x" ? { dropPct: 0.5, leveraged: 0 } : {}),
    });
  }
  const unsupported = tape.events.find((e) => e.kind === "isolate");
  if (unsupported)
    throw new ScenarioError(
      "the load lab does not replay isolate events yet; generate the tape without them",
      {
        t: unsupported.t,
      },
    );
  return { name, tape, ...spikeOf(tape) };
}

/** The crash generator's window: from 40% of the tape, 30% long (at most 3 min), as gen.ts lays it out. */
function spikeOf(tape: Tape): Pick<Scenario, "spike"> {
  if (tape.header.shape !== "crash") return {};
  const d = tape.header.durationMs;
  const fromMs = Math.floor((d * 0.4) / 1000) * 1000;
  return { spike: { fromMs, toMs: fromMs + Math.max(10_000, Math.min(180_000, Math.floor(d * 0.3))) } };
}
