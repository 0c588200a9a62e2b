/**
 * Replicated log appends: group commits of 1 and 256 WAL entries, one group in flight at a time (as the
 * sequencer's group-commit loop does), to an R3 JetStream stream on a local 3-member cluster, against
 * the local LevelDB WAL as the baseline measured in the same run, and an R1 stream to show what the
 * quorum round costs. Also times a lease takeover after the holder goes silent. Not a test.
 *   npx tsx scripts/bench-replog.ts [--seconds 3] [--sizes 1,256]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { Level } from "level";
import { connect } from "nats";
import { NatsCluster } from "../node/devnet/nats-cluster.ts";
import { LeaderLease } from "../sequencer/log/lease.ts";
import { ReplicatedLog } from "../sequencer/log/replicated-log.ts";
import { type WalEntry, WriteAheadLog } from "../sequencer/wal.ts";
import { walEntries } from "../test/utils/wal-entries.ts";

const o = new Command()
  .option("--seconds <s>", "how long each case appends for", "3")
  .option("--sizes <list>", "entries per group", "1,256")
  .parse()
  .opts<{ seconds: string; sizes: string }>();
const seconds = Number(o.seconds);
const sizes = o.sizes.split(",").map(Number);

interface Figures {
  groups: number;
  perSec: number;
  entriesPerSec: number;
  p50: number;
  p99: number;
}

async function measure(size: number, append: (g: WalEntry[]) => Promise<unknown>): Promise<Figures> {
  // Entries are built before the clock starts; seqs keep rising across groups like a real run.
  const pool = walEntries(0n, size * 64);
  const lat: number[] = [];
  const end = performance.now() + seconds * 1000;
  let seq = 0n;
  while (performance.now() < end) {
    const g = pool.slice(0, size).map((e, i) => ({ ...e, seq: seq + BigInt(i) }));
    seq += BigInt(size);
    const t = performance.now();
    await append(g);
    lat.push(performance.now() - t);
  }
  lat.sort((a, b) => a - b);
  const total = lat.reduce((a, b) => a + b, 0) / 1000;
  return {
    groups: lat.length,
    perSec: lat.length / total,
    entriesPerSec: (lat.length * size) / total,
    p50: lat[Math.floor(lat.length * 0.5)] ?? 0,
    p99: lat[Math.floor(lat.length * 0.99)] ?? 0,
  };
}

const fmt = (f: Figures, base?: Figures) =>
  `${f.perSec.toFixed(0).padStart(7)} groups/s ${f.entriesPerSec.toFixed(0).padStart(8)} entries/s  p50 ${f.p50.toFixed(2)} ms  p99 ${f.p99.toFixed(2)} ms${base ? `  (${(f.perSec / base.perSec).toFixed(2)}x LevelDB)` : ""}`;

const dir = mkdtempSync(join(tmpdir(), "zk-bench-replog-"));
const cluster = await NatsCluster.start({ dir: join(dir, "nats"), onProgress: (m) => console.log(`  ${m}`) });
const nc = await connect({ servers: cluster.clientUrls });
try {
  let run = 0;
  for (const size of sizes) {
    const db = new Level<string, Buffer>(join(dir, `level-${size}`), { valueEncoding: "buffer" });
    const wal = new WriteAheadLog(db);
    const base = await measure(size, (g) => wal.append(g));
    await db.close();
    console.log(`group of ${size}:`);
    console.log(`  LevelDB WAL (local)  ${fmt(base)}`);
    for (const replicas of [1, 3]) {
      const log = await ReplicatedLog.open(nc, { name: `bench${process.pid}_${++run}`, replicas });
      await log.startEpoch({ epoch: 1, leaderId: "bench", url: "", afterSeq: 0 });
      const f = await measure(size, (g) => log.append(g, 1));
      console.log(`  JetStream R${replicas}         ${fmt(f, base)}`);
    }
  }

  // Takeover: the holder stops renewing (as if SIGKILLed), a standby polls every 50 ms.
  const takeovers: number[] = [];
  for (let i = 0; i < 3; i++) {
    const ncA = await connect({ servers: cluster.clientUrls });
    const a = await LeaderLease.open(ncA, { name: `bench${process.pid}_${i}` });
    const b = await LeaderLease.open(nc, { name: `bench${process.pid}_${i}` });
    await a.tryAcquire("a", "");
    await new Promise((r) => setTimeout(r, 700));
    a.abandon();
    await ncA.close();
    const t0 = performance.now();
    await b.acquire("b", "", { pollMs: 50 });
    takeovers.push(performance.now() - t0);
    await b.release();
  }
  console.log(
    `lease takeover (TTL 1500 ms, renew 500 ms, poll 50 ms): ${takeovers.map((t) => t.toFixed(0)).join(", ")} ms`,
  );
} finally {
  await nc.close();
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
