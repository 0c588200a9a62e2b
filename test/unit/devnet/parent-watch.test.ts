import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { PARENT_FD_ENV } from "../../../node/devnet/parent-pipe.ts";
import { startTsProcess } from "../../../node/devnet/processes.ts";

describe("parent-watch preload", () => {
  const dir = mkdtempSync(join(tmpdir(), "zk-perps-parent-watch-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the variable processes.ts sets", () => {
    const src = readFileSync(new URL("../../../node/devnet/parent-watch.mjs", import.meta.url), "utf8");
    assert.ok(src.includes(`const PARENT_FD_ENV = "${PARENT_FD_ENV}";`));
  });

  it("lets a devnet child's worker threads start (it is inherited through execArgv)", async () => {
    const log = join(dir, "worker.log");
    const c = startTsProcess("worker", "test/unit/devnet/fixtures/worker-child.ts", {}, log);
    assert.equal(await c.exited, 0, readFileSync(log, "utf8"));
    assert.match(readFileSync(log, "utf8"), /worker said ok/);
  });
});
