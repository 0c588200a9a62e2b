import { Level } from "level";
import pino from "pino";
import type { CircuitInstance } from "../../../circuits/compile.ts";
import { buildGenesis } from "../../../node/genesis.ts";
import type { BatchShape } from "../../../sequencer/batches/open-batch.ts";
import { Sequencer } from "../../../sequencer/sequencer.ts";
import { LevelNodeStore } from "../../../sequencer/state/level-node-store.ts";

// The sequencer needs only the circuit's shape, not its artifacts: no compile here.
export const unitInst: CircuitInstance = {
  circuit: "batch" as const,
  name: "unit",
  D: 6,
  N: 4,
  M: 2,
  ND: 2,
  NW: 1,
};
export const unitShape: BatchShape = { N: 4, ND: 2, NW: 1, reservedForLiquidations: 1 };

/** A real sequencer on a LevelDB in `dir` (reopening the same dir replays its WAL), clock fixed at 1 s. */
export async function openSequencer(
  dir: string,
  maxBatchWaitMs = 60_000,
  inst: CircuitInstance = unitInst,
  shape: BatchShape = unitShape,
) {
  const db = new Level<string, Buffer>(dir, { valueEncoding: "buffer" });
  await db.open();
  await db.sublevel("tree").clear();
  const genesis = await buildGenesis(
    inst,
    shape,
    "unit-backstop",
    new LevelNodeStore(db as unknown as Level<string, string>),
  );
  const seq = new Sequencer({
    db,
    engine: genesis.engine,
    tree: genesis.tree,
    instance: inst,
    shape,
    fingerprint: genesis.fingerprint,
    maxBatchWaitMs,
    maxPriceOnlyWaitMs: maxBatchWaitMs,
    maxNormalQueue: 1000,
    clock: () => 1_000,
    log: pino({ level: "silent" }),
  });
  return { db, seq, genesis };
}
