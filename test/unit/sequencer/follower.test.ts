import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { LogReplica, Sequencer } from "../../../sequencer/sequencer.ts";
import type { WalEntry } from "../../../sequencer/wal.ts";
import { gtcOrder, openSequencer, submitAsOwners, tempDirs, UNIT_TRADERS } from "./open-sequencer.ts";

// The follower half of a standby: the replicated log itself is tested against a real NATS cluster in
// test/e2e; here the leader's group commits reach the follower through an in-process relay, so what is
// checked is that the follower's state tracks the leader's at every group and that it can take over.
const tmp = tempDirs(after);

const traders = UNIT_TRADERS;
const submit = submitAsOwners(traders);
const order = gtcOrder;

function view(seq: Sequencer) {
  const e = seq.engine;
  return {
    accounts: Array.from({ length: e.accountCount() }, (_, i) => e.account(i)),
    book: e.book(0, 10),
    global: e.global(),
    open: seq.openBatchNumber,
    next: seq.nextSeq,
  };
}

/** A relay that records each group and hands it to `onGroup` before the leader may ack it. */
function relay(onGroup: (g: readonly WalEntry[]) => Promise<void>): LogReplica & { groups: WalEntry[][] } {
  const groups: WalEntry[][] = [];
  return {
    groups,
    async append(entries) {
      groups.push([...entries]);
      await onGroup(entries);
    },
  };
}

describe("follower sequencer", () => {
  it("applies the leader's log group by group, refuses writes with NOT_LEADER, then takes over", async () => {
    const f = await openSequencer(tmp("seq-follow-"));
    await f.seq.follow();
    const views: [ReturnType<typeof view>, ReturnType<typeof view>][] = [];
    let leader: Sequencer | undefined;
    const replica = relay(async (g) => {
      await f.seq.applyLogged(g);
      // The leader's engine already holds the group (it applied before logging).
      if (leader) views.push([view(leader), view(f.seq)]);
    });
    const l = await openSequencer(tmp("seq-lead-"), 60_000, undefined, 1, { replica });
    leader = l.seq;
    await l.seq.start();
    assert.equal(l.seq.role, "leader");
    assert.equal(f.seq.role, "follower");

    for (let i = 0; i < 3; i++) {
      const [x, y] = traders[i]!.pubKey;
      await l.seq.submitDeposit({ index: BigInt(i), pubKeyX: x, pubKeyY: y, amount: 1_000_000_000n });
    }
    await submit(l.seq, "liquidation", { kind: "price", marketId: 0, price: 1_000_000n, timestampMs: 1n });
    await submit(l.seq, "normal", order(1, 1n, "sell", 1_000_000n, 50n));
    await submit(l.seq, "normal", order(2, 1n, "buy", 1_000_000n, 20n));
    await submit(l.seq, "normal", order(3, 1n, "buy", 990_000n, 10n));
    await l.seq.settled();
    await f.seq.settled();

    assert.ok(views.length >= 5, "every group commit reached the follower");
    for (const [a, b] of views) assert.deepEqual(b, a);
    assert.equal(f.seq.stateRoot, l.seq.stateRoot, "same sealed root");
    assert.ok(l.seq.stateRoot !== 0n);

    // A write to the follower changes nothing and says who to ask.
    const before = view(f.seq);
    await assert.rejects(submit(f.seq, "normal", order(3, 2n, "buy", 990_000n, 1n)), { code: "NOT_LEADER" });
    assert.deepEqual(view(f.seq), before);

    // A re-delivered group (a reconnect re-reading the log) is skipped; a gap is refused.
    assert.equal(await f.seq.applyLogged(replica.groups.at(-1)!), 0);
    const gap: WalEntry = { kind: "seal", seq: f.seq.nextSeq + 5n, batchNumber: 99n, reason: "timer", at: 1 };
    await assert.rejects(f.seq.applyLogged([gap]), { code: "LOG_GAP" });

    // The leader dies; the follower takes over under a higher epoch and keeps the open batch going.
    await l.seq.stop();
    await l.db.close();
    await f.seq.lead(2);
    assert.equal(f.seq.role, "leader");
    assert.equal(f.seq.epoch, 2);
    await submit(f.seq, "normal", order(3, 2n, "buy", 990_000n, 1n));
    assert.equal(f.seq.openBatchNumber, before.open, "the open batch the old leader left keeps filling");
    await assert.rejects(f.seq.applyLogged([]), { code: "NOT_FOLLOWING" });
    await f.seq.stop();
    await f.db.close();
  });

  it("acknowledges nothing the replicated log refused, and keeps it out of the local WAL", async () => {
    let refuse = false;
    const replica: LogReplica = {
      async append() {
        if (refuse) throw Object.assign(new Error("fenced"), { code: "LOG_FENCED" });
      },
    };
    const dir = tmp("seq-fenced-");
    const l = await openSequencer(dir, 60_000, undefined, 1, { replica });
    await l.seq.start();
    const [x, y] = traders[0]!.pubKey;
    await l.seq.submitDeposit({ index: 0n, pubKeyX: x, pubKeyY: y, amount: 1_000_000_000n });
    const logged = l.seq.nextSeq;
    refuse = true;
    const fatal = new Promise((r) => l.seq.once("fatal", r));
    const [x1, y1] = traders[1]!.pubKey;
    await assert.rejects(l.seq.submitDeposit({ index: 1n, pubKeyX: x1, pubKeyY: y1, amount: 1n }), {
      code: "LOG_FENCED",
    });
    await fatal;
    await l.seq.stop();
    await l.db.close();

    // Reopened, the local WAL holds only what the log took.
    const again = await openSequencer(dir);
    await again.seq.follow();
    assert.equal(again.seq.nextSeq, logged);
    assert.equal(again.seq.depositsSeen, 1n);
    await again.db.close();
  });
});
