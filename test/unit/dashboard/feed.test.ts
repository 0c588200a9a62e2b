import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DashboardFeed } from "../../../sequencer/api/dashboard/feed.ts";
import type { DashboardSnapshot } from "../../../sequencer/api/dashboard/types.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("dashboard feed", () => {
  it("builds one snapshot per tick for all listeners, and runs only while someone listens", async () => {
    let builds = 0;
    const feed = new DashboardFeed({
      build: async () => ({ at: ++builds }) as unknown as DashboardSnapshot,
      everyMs: 30,
    });
    assert.equal(feed.running, false);
    const a: number[] = [];
    const b: number[] = [];
    const offA = feed.subscribe((j) => a.push(JSON.parse(j).at));
    const offB = feed.subscribe((j) => b.push(JSON.parse(j).at));
    assert.equal(feed.running, true);
    await sleep(200);
    offA();
    assert.equal(feed.running, true, "b still listens");
    offB();
    assert.equal(feed.running, false);
    const ticks = a.length + b.length;
    // Each listener got its own first snapshot on subscribe, then the shared ones.
    assert.ok(a.length >= 4 && b.length >= 4, `${a.length} and ${b.length} snapshots`);
    assert.ok(builds < ticks, `${builds} builds served ${ticks} deliveries`);
    assert.ok(a.filter((x) => b.includes(x)).length >= 3, `shared ticks: ${a} / ${b}`);
    const after = builds;
    await sleep(100);
    assert.equal(builds, after, "nothing built with nobody listening");
  });

  it("skips a tick whose build failed, reports it, and goes on", async () => {
    let n = 0;
    const errors: unknown[] = [];
    const feed = new DashboardFeed({
      build: async () => {
        n++;
        if (n === 2) throw new Error("redis hiccup");
        return { at: n } as unknown as DashboardSnapshot;
      },
      everyMs: 20,
      onError: (e) => errors.push(e),
    });
    const got: number[] = [];
    const off = feed.subscribe((j) => got.push(JSON.parse(j).at));
    await sleep(150);
    off();
    assert.equal(errors.length, 1);
    assert.ok(!got.includes(2));
    assert.ok(got.includes(1) && got.includes(3));
  });
});
