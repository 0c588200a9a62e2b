import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { type CompiledBatch2, compiledBatch2 } from "../utils/batch2.ts";
import { witness } from "../utils/circuit.ts";
import { run } from "./batch2-story.ts";

let c: CompiledBatch2;
before(async () => {
  c = await compiledBatch2("tiny");
});

describe("Batch2: proven transactions (tiny instance)", () => {
  it("reports its constraint count", () => {
    console.log(`batch2 tiny: ${c.constraints} constraints`);
    assert.ok(c.constraints > 0);
  });

  it("accepts the honest story: deposits, signed fills and a withdrawal, a vault takeover with its penalty, ADL at the bankruptcy price and a fund cover", async () => {
    const { witnesses } = run(c);
    for (const w of witnesses) {
      const wires = await witness(w.input, c.wasmPath);
      assert.equal(wires[1], w.publicHash);
    }
  });
});
