/**
 * The chaos faults, done to a devnet this process started (so it holds every child's handle): the
 * sequencers by role, a prover, the private Redis, Anvil, the L1 submission in flight and the log
 * cluster's stream leader. Everything is on 127.0.0.1.
 */
import { connect } from "nats";
import { BaseError } from "../../core/errors.ts";
import type { Devnet } from "../devnet/devnet.ts";
import { defaultLogName } from "../sequencer/replication.ts";
import { dropNextTxTo } from "./l1-faults.ts";
import type { FaultKind } from "./plan.ts";
import type { ChaosTarget } from "./run.ts";

export class ChaosTargetError extends BaseError {
  override name = "ChaosTargetError";
}

/** How long partition-log keeps the stream leader stopped (longer than a Raft election). */
const PARTITION_MS = 10_000;

async function roleOf(url: string): Promise<string | undefined> {
  const res = await fetch(`${url}/state`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
  return res?.ok ? ((await res.json()) as { role?: string }).role : undefined;
}

export function devnetTarget(d: Devnet): ChaosTarget {
  const kill = (pid: number | undefined, what: string) => {
    if (pid === undefined) throw new ChaosTargetError("CHAOS_NO_PROCESS", `${what} has no live process`);
    process.kill(pid, "SIGKILL");
    return `SIGKILL ${what} (pid ${pid})`;
  };
  const byRole = async (role: "leader" | "follower") => {
    for (const s of d.sequencers) if ((await roleOf(s.apiUrl)) === role) return s;
    throw new ChaosTargetError("CHAOS_NO_PROCESS", `no sequencer answers as ${role}`);
  };
  return {
    apiUrls: d.sequencers.map((s) => s.apiUrl),
    l1RpcUrl: d.info.l1RpcUrl,
    rollup: d.info.rollupAddress,
    async inject(kind: FaultKind): Promise<string> {
      switch (kind) {
        case "kill-leader": {
          const s = await byRole("leader");
          return kill(s.child().pid, `leader ${s.name}`);
        }
        case "kill-standby": {
          const s = await byRole("follower");
          return kill(s.child().pid, `standby ${s.name}`);
        }
        case "kill-prover":
          return kill(d.provers[0]?.pid, "prover-1");
        case "restart-redis": {
          if (!d.redis.restart)
            throw new ChaosTargetError(
              "CHAOS_SHARED_REDIS",
              "the devnet uses a shared Redis; start it with a private one",
            );
          await d.redis.restart();
          return `Redis killed and started empty on ${d.redis.url}`;
        }
        case "restart-anvil": {
          // SIGTERM: Anvil writes its state file on the way out, as a restart (not a disk loss) would.
          const pid = d.anvil().pid;
          if (pid === undefined) throw new ChaosTargetError("CHAOS_NO_PROCESS", "anvil has no live process");
          process.kill(pid, "SIGTERM");
          return `Anvil (pid ${pid}) stopped; the supervisor restarts it on its state file`;
        }
        case "drop-l1-tx": {
          const hash = await dropNextTxTo(d.info.l1RpcUrl, d.info.rollupAddress, 60_000);
          return `dropped submitBatch tx ${hash.slice(0, 12)}… from Anvil's pool`;
        }
        case "partition-log": {
          const cluster = d.nats;
          if (!cluster) throw new ChaosTargetError("CHAOS_NO_LOG", "the devnet runs without --standby");
          const leader = await streamLeader(
            cluster.clientUrls,
            `ZKLOG_${defaultLogName(d.info.rollupAddress)}`,
          );
          const i = Math.max(0, leader ? cluster.indexOf(leader) : 0);
          const member = cluster.members[i]!;
          cluster.pause(i);
          setTimeout(() => cluster.resume(i), PARTITION_MS).unref();
          return `SIGSTOP log member ${member.serverName} (the stream's leader) for ${PARTITION_MS / 1000} s`;
        }
      }
    },
  };
}

/** The server name of the stream's Raft leader, as JetStream reports it. */
async function streamLeader(urls: string[], stream: string): Promise<string | undefined> {
  const nc = await connect({ servers: urls, timeout: 1_000 });
  try {
    const info = await (await nc.jetstreamManager({ timeout: 2_000 })).streams.info(stream);
    return info.cluster?.leader;
  } finally {
    await nc.close();
  }
}
