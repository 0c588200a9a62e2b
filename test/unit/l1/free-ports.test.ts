import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { freePorts } from "../../../node/l1/anvil.ts";

describe("freePorts", () => {
  it("gives distinct ports, each free again once it returns", async () => {
    const ports = await freePorts(40);
    assert.equal(ports.length, 40);
    assert.equal(new Set(ports).size, 40, "a port handed out twice would leave a cluster member unbound");
    for (const p of ports) assert.ok(Number.isInteger(p) && p > 0 && p < 65536);
    // Released: a second call can bind them (it does not hold the first call's listeners open).
    const again = await freePorts(2);
    assert.equal(again.length, 2);
  });
});
