import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { connect, type NatsConnection } from "nats";
import { NatsCluster } from "../../node/devnet/nats-cluster.ts";
import type { LogRecord } from "../../sequencer/log/group.ts";
import { LeaderLease, type LeaseLostReason } from "../../sequencer/log/lease.ts";
import { type AppendResult, type LogTail, ReplicatedLog } from "../../sequencer/log/replicated-log.ts";
import { becomeLeader } from "../../sequencer/log/takeover.ts";
import type { WalEntry } from "../../sequencer/wal.ts";
import { walEntries } from "../utils/wal-entries.ts";

let cluster: NatsCluster;
let dir: string;
const conns: NatsConnection[] = [];
let logCount = 0;

/**
 * Short pings so a client notices a paused server in about a second, not the default two minutes, and
 * a short connect timeout: a paused server accepts the TCP connection (the kernel does) but never
 * sends INFO, and the default 20 s wait on it would stall a reconnect that long.
 */
async function client(servers = cluster.clientUrls): Promise<NatsConnection> {
  const nc = await connect({
    servers,
    timeout: 1000,
    pingInterval: 500,
    maxPingOut: 2,
    reconnectTimeWait: 100,
    maxReconnectAttempts: -1,
  });
  conns.push(nc);
  return nc;
}

const logName = () => `t${process.pid}_${++logCount}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readAll(log: ReplicatedLog, from = 1): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for await (const r of log.read(from)) out.push(r);
  return out;
}

const entriesOf = (records: LogRecord[]): WalEntry[] =>
  records.flatMap((r) => (r.kind === "entries" ? [...r.entries] : []));

/** Retries the same group while the outcome is unknown, as a sequencer must; rethrows anything else. */
async function appendUntilDefinite(
  log: ReplicatedLog,
  entries: WalEntry[],
  epoch: number,
  budgetMs: number,
): Promise<AppendResult> {
  const deadline = Date.now() + budgetMs;
  for (;;) {
    try {
      return await log.append(entries, epoch);
    } catch (err) {
      if ((err as { code?: string }).code !== "LOG_UNAVAILABLE" || Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

/** The tail as answered by a stream leader other than `not` (an election may still be settling). */
async function tailFromLeader(log: ReplicatedLog, not: string): Promise<LogTail> {
  for (let i = 0; ; i++) {
    try {
      const t = await log.tail();
      if ((t.leader !== undefined && t.leader !== not) || i >= 50) return t;
    } catch (err) {
      if (i >= 50) throw err;
    }
    await sleep(100);
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "zk-replog-"));
  cluster = await NatsCluster.start({ dir, size: 3, name: `replog${process.pid}` });
});

after(async () => {
  for (const nc of conns) await nc.close().catch(() => {});
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("replicated log on a 3-member JetStream cluster", () => {
  it("reads back exactly what was appended, and follow delivers live appends in order", async () => {
    const nc = await client();
    const log = await ReplicatedLog.open(nc, { name: logName() });
    await log.startEpoch({ epoch: 1, leaderId: "a", url: "http://a", afterSeq: 0 });
    const groups = [walEntries(0n, 1), walEntries(1n, 256), walEntries(257n, 5)];
    for (const g of groups) await log.append(g, 1);

    const records = await readAll(log);
    assert.deepEqual(
      records.map((r) => [r.streamSeq, r.kind, r.epoch]),
      [
        [1, "epoch-start", 1],
        [2, "entries", 1],
        [3, "entries", 1],
        [4, "entries", 1],
      ],
    );
    assert.deepEqual(entriesOf(records), groups.flat());
    assert.equal(typeof entriesOf(records)[0]?.seq, "bigint");

    const seen: LogRecord[] = [];
    const follower = log.follow(1, (r) => {
      seen.push(r);
    });
    const live = [walEntries(262n, 3), walEntries(265n, 2)];
    for (const g of live) await log.append(g, 1);
    const deadline = Date.now() + 5000;
    while (seen.length < 6 && Date.now() < deadline) await sleep(20);
    await follower.stop();
    assert.deepEqual(
      seen.map((r) => r.streamSeq),
      [1, 2, 3, 4, 5, 6],
    );
    assert.deepEqual(entriesOf(seen), [...groups.flat(), ...live.flat()]);
    assert.equal((await log.tail()).lastSeq, 6);
  });

  it("acks only with a quorum: refuses with 2 of 3 down, keeps every ack across their restart", async () => {
    const nc = await client();
    const log = await ReplicatedLog.open(nc, { name: logName(), appendTimeoutMs: 1500 });
    await log.startEpoch({ epoch: 1, leaderId: "a", url: "http://a", afterSeq: 0 });
    const acked = [walEntries(0n, 10), walEntries(10n, 10)];
    for (const g of acked) await log.append(g, 1);

    const leader = cluster.indexOf((await log.tail()).leader ?? "");
    const others = [0, 1, 2].filter((i) => i !== leader);
    assert.equal(others.length, 2);

    try {
      // One follower down: the leader and the other follower are still a quorum. If it was this
      // client's server, the first attempt may go unanswered while the client reconnects; the retry of
      // the same group settles it (deduplicated if the first one landed).
      await cluster.kill(others[0]!);
      const oneDown = walEntries(20n, 10);
      await appendUntilDefinite(log, oneDown, 1, 5000);
      acked.push(oneDown);

      await cluster.kill(others[1]!);
      const noQuorum = walEntries(30n, 10);
      await assert.rejects(log.append(noQuorum, 1), { code: "LOG_UNAVAILABLE" });
      await assert.rejects(log.append(noQuorum, 1), { code: "LOG_UNAVAILABLE" });
      // The outcome is unknown, so a different group must not go ahead of it.
      await assert.rejects(log.append(walEntries(40n, 1), 1), { code: "LOG_WRITER_STATE" });

      await cluster.restart(others[0]!);
      await cluster.restart(others[1]!);
      await appendUntilDefinite(log, noQuorum, 1, 20_000);
      acked.push(noQuorum);
    } finally {
      // Later tests need all three members whatever happened here.
      for (const i of others) if (cluster.members[i]?.pid === undefined) await cluster.restart(i);
    }

    const records = await readAll(log);
    assert.deepEqual(entriesOf(records), acked.flat(), "every acked group once, in order");
  });

  it("fences a superseded leader: its append after the new epoch's marker is refused", async () => {
    const name = logName();
    const [ncA, ncB] = [await client(), await client()];
    const [logA, logB] = [await ReplicatedLog.open(ncA, { name }), await ReplicatedLog.open(ncB, { name })];
    const leaseA = await LeaderLease.open(ncA, { name, ttlMs: 1000 });
    const leaseB = await LeaderLease.open(ncB, { name, ttlMs: 1000 });

    const epochA = await leaseA.tryAcquire("a", "http://a");
    assert.ok(epochA !== undefined);
    assert.equal(await leaseB.tryAcquire("b", "http://b"), undefined, "the lease is taken");
    await logA.startEpoch({ epoch: epochA, leaderId: "a", url: "http://a", afterSeq: 0 });
    await logA.append(walEntries(0n, 5), epochA);

    // A is cut off: it stops renewing but still believes it leads (nothing has told it otherwise).
    leaseA.abandon();
    const epochB = await leaseB.acquire("b", "http://b", { pollMs: 50 });
    assert.ok(epochB > epochA, `epoch ${epochB} > ${epochA}`);

    // B read the tail, then A slipped one more group in: B's marker is refused, B reads on and retries.
    const tailB = (await logB.tail()).lastSeq;
    await logA.append(walEntries(5n, 5), epochA);
    await assert.rejects(
      logB.startEpoch({ epoch: epochB, leaderId: "b", url: "http://b", afterSeq: tailB }),
      { code: "LOG_FENCED" },
    );
    const caughtUp = await readAll(logB, tailB + 1);
    assert.deepEqual(entriesOf(caughtUp), walEntries(5n, 5));
    await logB.startEpoch({
      epoch: epochB,
      leaderId: "b",
      url: "http://b",
      afterSeq: caughtUp.at(-1)!.streamSeq,
    });

    await assert.rejects(
      logA.append(walEntries(10n, 5), epochA),
      (err: { code?: string; details?: object }) => {
        assert.equal(err.code, "LOG_FENCED");
        assert.deepEqual(err.details, {
          epoch: epochA,
          expectedLastSeq: 3,
          reason: "wrong last sequence: 4",
        });
        return true;
      },
    );
    assert.equal(logA.writer, undefined, "a fenced log stops being a writer");
    await assert.rejects(logA.append(walEntries(10n, 5), epochA), { code: "LOG_WRITER_STATE" });

    await logB.append(walEntries(10n, 5), epochB);
    const all = await readAll(logB);
    assert.deepEqual(
      all.map((r) => [r.kind, r.epoch]),
      [
        ["epoch-start", epochA],
        ["entries", epochA],
        ["entries", epochA],
        ["epoch-start", epochB],
        ["entries", epochB],
      ],
    );
    assert.equal((await leaseB.current())?.epoch, epochB);
    await assert.rejects(logA.startEpoch({ epoch: epochA, leaderId: "a", url: "http://a", afterSeq: 5 }), {
      code: "LOG_EPOCH_REGRESSION",
    });
    await leaseB.release();
  });

  it("hands the lease over within 3 s of the holder going silent, at a higher epoch", async () => {
    const name = logName();
    const ncA = await connect({ servers: cluster.clientUrls });
    const ncB = await client();
    const lost: LeaseLostReason[] = [];
    const leaseA = await LeaderLease.open(ncA, {
      name,
      ttlMs: 1500,
      renewEveryMs: 500,
      onLost: (reason) => lost.push(reason),
    });
    const leaseB = await LeaderLease.open(ncB, { name, ttlMs: 1500 });

    const epochA = await leaseA.tryAcquire("a", "http://a");
    assert.ok(epochA !== undefined);
    // Renewals keep it: well past one TTL, B still cannot take it and A's epoch is unchanged.
    await sleep(2500);
    assert.equal(await leaseB.tryAcquire("b", "http://b"), undefined);
    assert.equal(leaseA.epoch, epochA);
    const holder = await leaseB.current();
    assert.equal(holder?.leaderId, "a");
    assert.equal(holder?.epoch, epochA);

    // A dies without releasing: its connection goes, its renewals fail.
    const t0 = performance.now();
    await ncA.close();
    const epochB = await leaseB.acquire("b", "http://b", { pollMs: 50 });
    const takeoverMs = performance.now() - t0;
    assert.ok(takeoverMs <= 3000, `took over in ${takeoverMs.toFixed(0)} ms`);
    assert.ok(epochB > epochA);
    assert.deepEqual(lost, ["expired"], "A learnt it lost the lease");
    assert.equal(leaseA.epoch, undefined);
    console.log(`# lease takeover after the holder went silent: ${takeoverMs.toFixed(0)} ms`);
    await leaseB.release();
  });

  it("tells a holder at its next renewal that its lease was taken from under it", async () => {
    const name = logName();
    const [ncA, ncB] = [await client(), await client()];
    const lost: LeaseLostReason[] = [];
    const leaseA = await LeaderLease.open(ncA, { name, onLost: (reason) => lost.push(reason) });
    const leaseB = await LeaderLease.open(ncB, { name });
    const epochA = await leaseA.tryAcquire("a", "http://a");
    assert.ok(epochA !== undefined);
    // An operator deletes the key by hand (no CAS) and B takes the free lease at once.
    const kv = await ncB.jetstream().views.kv(leaseB.bucket);
    await kv.delete("leader");
    const epochB = await leaseB.tryAcquire("b", "http://b");
    assert.ok(epochB !== undefined && epochB > epochA);
    const deadline = Date.now() + 2000;
    while (lost.length === 0 && Date.now() < deadline) await sleep(20);
    assert.deepEqual(lost, ["superseded"]);
    assert.equal(leaseA.epoch, undefined);
    assert.equal((await leaseA.current())?.leaderId, "b");
    await leaseB.release();
  });

  it("lets a following standby take over a dead leader's log within 3 s, with every acked entry", async () => {
    const name = logName();
    const ncA = await connect({ servers: cluster.clientUrls });
    const ncB = await client();
    const logA = await ReplicatedLog.open(ncA, { name });
    const leaseA = await LeaderLease.open(ncA, { name });
    const logB = await ReplicatedLog.open(ncB, { name });
    const leaseB = await LeaderLease.open(ncB, { name });

    const a = await becomeLeader({
      log: logA,
      lease: leaseA,
      nodeId: "a",
      url: "http://a",
      appliedSeq: 0,
      apply() {},
    });
    const applied: WalEntry[] = [];
    const onGroup = (r: LogRecord) => {
      if (r.kind === "entries") applied.push(...r.entries);
    };
    const follower = logB.follow(1, onGroup);
    const acked: WalEntry[] = [];
    for (let i = 0; i < 20; i++) {
      const g = walEntries(BigInt(i * 10), 10);
      await logA.append(g, a.epoch);
      acked.push(...g);
    }

    // A dies mid-stream: no release, no goodbye.
    leaseA.abandon();
    await ncA.close();
    const t0 = performance.now();
    await follower.stop();
    const b = await becomeLeader({
      log: logB,
      lease: leaseB,
      nodeId: "b",
      url: "http://b",
      appliedSeq: follower.position,
      apply: onGroup,
      pollMs: 50,
    });
    const takeoverMs = performance.now() - t0;
    console.log(`# standby took over the log (lease + tail + marker): ${takeoverMs.toFixed(0)} ms`);
    assert.ok(takeoverMs <= 3000, `took over in ${takeoverMs.toFixed(0)} ms`);
    assert.ok(b.epoch > a.epoch);
    assert.deepEqual(applied, acked, "the standby holds every entry the old leader acked");
    const next = walEntries(200n, 3);
    assert.equal((await logB.append(next, b.epoch)).streamSeq, b.markerSeq + 1);
    await leaseB.release();
  });

  it("never lets a SIGSTOPped leader process ack after its successor's marker", async () => {
    const name = logName();
    const writer = fileURLToPath(new URL("./replog-writer.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", writer, cluster.clientUrls.join(","), name], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on("line", (l) => lines.push(l));
    const acks = () => lines.filter((l) => l.startsWith("ack ")).map((l) => l.split(" ").map(Number));
    try {
      const deadline = Date.now() + 15_000;
      while (acks().length < 20 && Date.now() < deadline) await sleep(20);
      assert.ok(acks().length >= 20, `the child leader acks (${lines.join("; ")})`);

      child.kill("SIGSTOP");
      const ncB = await client();
      const logB = await ReplicatedLog.open(ncB, { name });
      const leaseB = await LeaderLease.open(ncB, { name });
      const applied: WalEntry[] = [];
      const b = await becomeLeader({
        log: logB,
        lease: leaseB,
        nodeId: "b",
        url: "http://b",
        appliedSeq: 0,
        apply: (r) => {
          if (r.kind === "entries") applied.push(...r.entries);
        },
        pollMs: 50,
      });
      await logB.append(walEntries(1_000_000n, 1), b.epoch);
      child.kill("SIGCONT");
      await Promise.race([exited, sleep(10_000)]);
      assert.notEqual(child.exitCode, null, "the old leader stopped");

      const last = lines.at(-1) ?? "";
      assert.ok(
        /^(error LOG_FENCED|lost (expired|superseded))$/.test(last),
        `it stopped on a fence: ${last}`,
      );
      // Every ack the old leader printed, even one that arrived after SIGCONT, is before the marker
      // and is in the new leader's history.
      for (const [, seq, streamSeq] of acks()) {
        assert.ok(streamSeq! < b.markerSeq, `ack of ${seq} at ${streamSeq} precedes marker ${b.markerSeq}`);
        assert.ok(applied.some((e) => e.seq === BigInt(seq!)));
      }
      await leaseB.release();
    } finally {
      child.kill("SIGCONT");
      child.kill("SIGKILL");
    }
  });

  it("keeps appending through a SIGSTOP of the stream leader, and one position takes one writer", async () => {
    const name = logName();
    // Clients know all three members and notice a silent one within about a second (short pings).
    const [ncA, ncB] = [await client(), await client()];
    const logA = await ReplicatedLog.open(ncA, { name, appendTimeoutMs: 2000 });
    const logB = await ReplicatedLog.open(ncB, { name, appendTimeoutMs: 2000 });
    await logA.startEpoch({ epoch: 1, leaderId: "a", url: "http://a", afterSeq: 0 });
    await logA.append(walEntries(0n, 5), 1);
    // The leader that just stored a group, asked twice: a fresh stream's first answer can still move.
    let leaderName = "";
    for (let i = 0; i < 50 && leaderName === ""; i++) {
      const [x, y] = [(await logA.tail()).leader, (await logA.tail()).leader];
      if (x !== undefined && x === y) leaderName = x;
      else await sleep(100);
    }
    const paused = cluster.indexOf(leaderName);
    assert.ok(paused >= 0, `stream leader ${leaderName} is a member`);

    cluster.pause(paused);
    try {
      const t0 = performance.now();
      await appendUntilDefinite(logA, walEntries(5n, 5), 1, 30_000);
      const resumedMs = performance.now() - t0;
      console.log(`# appends resumed ${resumedMs.toFixed(0)} ms after pausing the stream leader`);
      const tail = await tailFromLeader(logA, leaderName);
      assert.notEqual(tail.leader, leaderName, "a new stream leader was elected");

      // Two writers race for the same position: A's next group against B's epoch-start marker.
      const results = await Promise.allSettled([
        appendUntilDefinite(logA, walEntries(10n, 5), 1, 20_000),
        (async () => {
          const deadline = Date.now() + 20_000;
          for (;;) {
            try {
              return await logB.startEpoch({
                epoch: 2,
                leaderId: "b",
                url: "http://b",
                afterSeq: tail.lastSeq,
              });
            } catch (err) {
              if ((err as { code?: string }).code !== "LOG_UNAVAILABLE" || Date.now() > deadline) throw err;
            }
          }
        })(),
      ]);
      const won = results.filter((r) => r.status === "fulfilled");
      const lostRace = results.filter((r) => r.status === "rejected");
      assert.equal(won.length, 1, "exactly one writer got the position");
      const winnerKind = results[0].status === "fulfilled" ? "entries" : "epoch-start";
      assert.equal((lostRace[0] as PromiseRejectedResult).reason.code, "LOG_FENCED");
      assert.equal((won[0] as PromiseFulfilledResult<AppendResult>).value.streamSeq, tail.lastSeq + 1);
      const all = await readAll(logA);
      assert.deepEqual(
        all.map((r) => [r.streamSeq, r.kind]),
        [
          [1, "epoch-start"],
          [2, "entries"],
          [3, "entries"],
          [4, winnerKind],
        ],
      );
      assert.deepEqual(entriesOf(all.slice(0, 3)), walEntries(0n, 10));
    } finally {
      cluster.resume(paused);
    }
    // Once back, the paused member catches up; it does not roll the log back to what it had.
    const deadline = Date.now() + 15_000;
    let lastSeq = 0;
    while (Date.now() < deadline) {
      lastSeq = (await logA.tail().catch(() => ({ lastSeq: 0 }))).lastSeq;
      if (lastSeq === 4) break;
      await sleep(200);
    }
    assert.equal(lastSeq, 4);
  });
});
