/**
 * Restart time against history length (issue 11): a sequencer on the unit instance with a real
 * LevelDB, restarted by full WAL replay and from its latest snapshot plus the WAL tail. Not a test.
 *   npx tsx scripts/bench-restart.ts [--sizes 1000,10000,50000] [--every 100] [--seed 1]
 *
 * Per size: a seeded stream of deposits, orders (resting and crossing), cancels and keeper prices is
 * submitted live (group commits of 64) with snapshots off, so its WAL is the whole history. Copies of
 * that data dir are then restarted: one with snapshots off (replays every entry: the baseline), one
 * that first takes snapshots every `--every` batches (a one-off replay, not timed as a restart) and is
 * then restarted from the newest snapshot and its tail. Both must end on the same state root.
 * Signatures are placeholders: the sequencer stores them for the proofs but does not check them (the
 * API does), and signing 50k orders would time the signer instead.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Signature } from "../sequencer/crypto/eddsa.ts";
import { devKey } from "../sequencer/crypto/keys.ts";
import type { EngineTx } from "../sequencer/engine/types.ts";
import type { Sequencer } from "../sequencer/sequencer.ts";
import { SnapshotStore } from "../sequencer/snapshot/snapshot-store.ts";
import { WriteAheadLog } from "../sequencer/wal.ts";
import { openSequencer } from "../test/unit/sequencer/open-sequencer.ts";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] as string) : dflt;
};
const sizes = arg("sizes", "1000,10000,50000").split(",").map(Number);
const every = Number(arg("every", "100"));
const seed = Number(arg("seed", "1"));

const codes = new Map<string, number>();
const SIG: Signature = { R8: [1n, 2n], S: 3n };
const TRADERS = 8;

/** mulberry32: a seeded stream, so every size replays the same kind of history. */
function rng(s: number) {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function build(dir: string, txs: number): Promise<void> {
  // A real clock: a keeper price for a market the open price-only batch priced waits for its timer.
  const { db, seq } = await openSequencer(dir, 20, undefined, 1, {
    snapshotEveryBatches: 0,
    clock: Date.now,
  });
  await seq.start();
  for (let i = 0; i < TRADERS; i++) {
    const [x, y] = devKey(`restart bench ${i}`).pubKey;
    await seq.submitDeposit({ index: BigInt(i), pubKeyX: x, pubKeyY: y, amount: 10n ** 15n });
  }
  const rand = rng(seed);
  const nonces = new Array<bigint>(TRADERS + 1).fill(0n);
  let mid = 1_000_000n;
  let ts = 1n;
  let sent = TRADERS;
  const next = (): [lane: "normal" | "liquidation", tx: EngineTx] => {
    const r = rand();
    if (r < 0.02 || ts === 1n) {
      mid += BigInt(Math.round((rand() - 0.5) * 4)) * 1_000n;
      return ["liquidation", { kind: "price", marketId: 0, price: mid, timestampMs: ts++ }];
    }
    const accountId = 1 + Math.floor(rand() * TRADERS);
    const nonce = ++nonces[accountId]!;
    const mine = seq.engine.openOrders(accountId);
    if (r < 0.15 && mine.length > 0) {
      const o = mine[Math.floor(rand() * mine.length)]!;
      return ["normal", { kind: "cancel", accountId, nonce, marketId: 0, orderId: o.orderId }];
    }
    const side = rand() < 0.5 ? "buy" : "sell";
    // Mostly a few ticks off the mid, some through it: books of a few dozen levels, regular fills.
    const off = BigInt(Math.floor(rand() * 12) - 3) * 100n;
    const price = side === "buy" ? mid - off : mid + off;
    const size = BigInt(1 + Math.floor(rand() * 20));
    return [
      "normal",
      { kind: "order", accountId, nonce, marketId: 0, side, type: "limit", tif: "GTC", price, size },
    ];
  };
  while (sent < txs) {
    const group: Promise<unknown>[] = [];
    for (let k = 0; k < 64 && sent < txs; k++, sent++) {
      const [lane, tx] = next();
      group.push(
        seq.submit(lane, tx, SIG).catch((e) => {
          codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
        }),
      );
    }
    await Promise.all(group);
    // A refused tx (a cancel of an order that just filled) does not use its nonce: start again from the engine's.
    for (let i = 1; i <= TRADERS; i++) nonces[i] = seq.engine.account(i)!.nonce;
  }
  await seq.settled();
  await seq.stop();
  await db.close();
}

async function restart(dir: string, snapshotEveryBatches: number) {
  const { db, seq } = await openSequencer(dir, 60_000, undefined, 1, { snapshotEveryBatches });
  const t0 = performance.now();
  const r = await seq.follow();
  await seq.settled();
  const ms = performance.now() - t0;
  const out = { ms, ...r, root: seq.stateRoot, next: seq.nextSeq };
  await stop(seq, db);
  return out;
}

async function stop(seq: Sequencer, db: { close(): Promise<void> }) {
  await seq.stop();
  await db.close();
}

async function onDisk(dir: string) {
  const { Level } = await import("level");
  const db = new Level<string, Buffer>(dir, { valueEncoding: "buffer" });
  await db.open();
  const wal = await new WriteAheadLog(db).count();
  const snap = await new SnapshotStore(db).latest();
  await db.close();
  return { wal, snapBytes: snap ? snap.engine.byteLength + snap.chain.byteLength : 0 };
}

const rows: string[][] = [];
for (const n of sizes) {
  const base = mkdtempSync(join(tmpdir(), "bench-restart-"));
  const hist = join(base, "history");
  const tb = performance.now();
  await build(hist, n);
  const buildMs = performance.now() - tb;
  const full = join(base, "full");
  const snap = join(base, "snap");
  cpSync(hist, full, { recursive: true });
  cpSync(hist, snap, { recursive: true });
  // One-off: a replay that takes snapshots on the way and compacts the WAL (an upgraded node's first start).
  await restart(snap, every);
  const a = await restart(full, 0);
  const b = await restart(snap, every);
  if (a.root !== b.root || a.next !== b.next) throw new Error(`size ${n}: the restarts disagree`);
  const disk = await onDisk(snap);
  rows.push([
    String(n),
    String(a.next),
    String(a.batches),
    a.ms.toFixed(0),
    b.ms.toFixed(0),
    String(b.replayed),
    String(disk.wal),
    (disk.snapBytes / 1024).toFixed(0),
    (a.ms / b.ms).toFixed(1),
    (buildMs / 1000).toFixed(1),
  ]);
  rmSync(base, { recursive: true, force: true });
  console.error(`size ${n}: refused by code`, Object.fromEntries(codes));
  codes.clear();
}
const head = [
  "txs submitted",
  "WAL entries",
  "batches",
  "full replay ms",
  "snapshot+tail ms",
  "tail entries",
  "WAL after",
  "snapshot KiB",
  "speedup",
  "build s",
];
console.log(`unit instance, snapshot every ${every} batches, seed ${seed}`);
console.log(`| ${head.join(" | ")} |\n|${head.map(() => "---").join("|")}|`);
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
