/**
 * A leader in its own process, for the SIGSTOP test: takes the lease, then appends one-entry groups
 * as fast as acks come and prints each ack. It deliberately does not check its lease before appending,
 * the worst case of a leader that has not noticed it was paused: only the log's fencing stops it.
 *   node --import tsx test/e2e/replog-writer.ts <servers,comma,separated> <log name>
 */
import { connect } from "nats";
import { LeaderLease } from "../../sequencer/log/lease.ts";
import { ReplicatedLog } from "../../sequencer/log/replicated-log.ts";
import { becomeLeader } from "../../sequencer/log/takeover.ts";
import { walEntries } from "../utils/wal-entries.ts";

const [servers = "", name = ""] = process.argv.slice(2);
const nc = await connect({ servers: servers.split(","), pingInterval: 500, maxPingOut: 2 });
const log = await ReplicatedLog.open(nc, { name });
const lease = await LeaderLease.open(nc, {
  name,
  onLost: (reason) => process.stdout.write(`lost ${reason}\n`),
});
const { epoch, markerSeq } = await becomeLeader({
  log,
  lease,
  nodeId: "child",
  url: "",
  appliedSeq: 0,
  apply() {},
});
process.stdout.write(`leader ${epoch} ${markerSeq}\n`);
for (let seq = 0n; ; seq++) {
  try {
    const { streamSeq } = await log.append(walEntries(seq, 1), epoch);
    process.stdout.write(`ack ${seq} ${streamSeq}\n`);
  } catch (err) {
    process.stdout.write(`error ${(err as { code?: string }).code}\n`);
    break;
  }
  await new Promise((r) => setTimeout(r, 10));
}
lease.abandon();
await nc.close();
