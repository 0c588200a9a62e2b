import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { startTsProcess, waitFor } from "../../../node/devnet/processes.ts";

/** Gone, or a zombie nobody has reaped yet (a container's pid 1 may never reap). */
function running(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  return readFileSync(stat, "utf8").split(") ")[1]?.[0] !== "Z";
}

describe("startTsProcess", () => {
  const dir = mkdtempSync(join(tmpdir(), "zk-perps-processes-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("takes a crashed child's process group with it (what it forked does not outlive it)", async () => {
    const log = join(dir, "child.log");
    const c = startTsProcess("child", "test/unit/devnet/fixtures/watched-child.ts", {}, log);
    const grandchild = await waitFor(
      "the grandchild's pid",
      async () => {
        const line =
          existsSync(log) &&
          readFileSync(log, "utf8")
            .split("\n")
            .find((l) => l.includes("grandchild"));
        return line ? (JSON.parse(line) as { grandchild: number }).grandchild : undefined;
      },
      20_000,
      50,
    );
    assert.ok(running(grandchild));
    assert.ok(c.pid !== undefined);
    process.kill(c.pid, "SIGKILL"); // the leader only, as a crash would
    assert.equal(await c.exited, "SIGKILL");
    await waitFor("the grandchild gone", async () => !running(grandchild) || undefined, 2000, 25);
  });
});
