import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Level } from "level";
import pino from "pino";
import type { Batch2Instance } from "../../../circuits/batch2-instance.ts";
import { buildGenesis2 } from "../../../node/genesis.ts";
import { signPoseidon } from "../../../sequencer/crypto/eddsa.ts";
import { type DevKey, devKey } from "../../../sequencer/crypto/keys.ts";
import type { ApplyResult, EngineTx } from "../../../sequencer/engine/types.ts";
import type { LaneName } from "../../../sequencer/mempool/lanes.ts";
import { signedMessageOf } from "../../../sequencer/proof/signed-message.ts";
import type { Sequencer, SequencerOptions } from "../../../sequencer/sequencer.ts";
import { Sequencer as SequencerClass } from "../../../sequencer/sequencer.ts";

// The sequencer needs only the circuit's shape, not its artifacts: no compile here.
export const unitInst: Batch2Instance = {
  circuit: "batch2",
  name: "unit",
  D: 6,
  N: 4,
  M: 2,
  S: 4,
  T: 6,
  K: 2,
  ND: 2,
  NW: 1,
  NP: 1,
  imfBps: [1000, 1000],
  mmfBps: [500, 500],
  penaltyBps: 100,
  liquidationBandBps: 1000,
  markBandBps: 1000,
  fundingCapPpb: 300_000_000,
  fundingMinGapMs: 1_800_000,
};
export const UNIT_KEEPER = devKey("unit-keeper");
/** The unit tests' traders: deposit i opens account i + 1 with trader i's key. */
export const UNIT_TRADERS: readonly DevKey[] = Array.from({ length: 4 }, (_, i) =>
  devKey(`unit trader ${i}`),
);

/** A GTC limit order on market 0. */
export function gtcOrder(
  accountId: number,
  nonce: bigint,
  side: "buy" | "sell",
  price: bigint,
  size: bigint,
): EngineTx {
  return { kind: "order", accountId, nonce, marketId: 0, side, type: "limit", tif: "GTC", price, size };
}

/** Temp dirs for a test file, removed after it. */
export function tempDirs(after: (fn: () => void) => void): (prefix: string) => string {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return (prefix) => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
}

/** A real sequencer on a LevelDB in `dir` (reopening the same dir replays its WAL), clock fixed at 1 s. */
export async function openSequencer(
  dir: string,
  maxBatchWaitMs = 60_000,
  inst: Batch2Instance = unitInst,
  reservedForLiquidations = 1,
  extra: Partial<SequencerOptions> = {},
) {
  const db = new Level<string, Buffer>(dir, { valueEncoding: "buffer" });
  await db.open();
  const genesis = buildGenesis2(inst, {
    backstopSeed: "unit-backstop",
    keeperPubKey: UNIT_KEEPER.pubKey,
    reservedForLiquidations,
  });
  const seq = new SequencerClass({
    db,
    engine: genesis.engine,
    chain: genesis.chain,
    instance: inst,
    reservedForLiquidations,
    fingerprint: genesis.fingerprint,
    maxBatchWaitMs,
    maxPriceOnlyWaitMs: maxBatchWaitMs,
    maxNormalQueue: 1000,
    clock: () => 1_000,
    log: pino({ level: "silent" }),
    ...extra,
  });
  return { db, seq, genesis };
}

/** Submits `tx` signed as the API would have it: by `key` (the account's owner, or the keeper). */
export function submitSigned(
  seq: Sequencer,
  lane: LaneName,
  tx: EngineTx,
  key: DevKey,
): Promise<ApplyResult> {
  const msg = signedMessageOf(tx);
  return seq.submit(lane, tx, msg === undefined ? undefined : signPoseidon(key.prv, msg));
}

/**
 * A submit that signs as the API would pass it on: a price by the keeper, anything else by the owner
 * of its account, where account i + 1 belongs to `traders[i]` (deposit i opened it).
 */
export function submitAsOwners(traders: readonly DevKey[]) {
  return (seq: Sequencer, lane: LaneName, tx: EngineTx) =>
    submitSigned(
      seq,
      lane,
      tx,
      tx.kind === "price" ? UNIT_KEEPER : traders[(tx as { accountId: number }).accountId - 1]!,
    );
}
