import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { l1QueueVectorsJson } from "../../utils/l1-queue-vectors.ts";

const FILE = new URL("../../vectors/l1-queue.json", import.meta.url);

describe("priority-queue vectors (test/vectors/l1-queue.json)", () => {
  it("the committed file is what the builder makes (rerun contracts/script/gen-l1-queue-vectors.ts)", () => {
    assert.equal(readFileSync(FILE, "utf8"), l1QueueVectorsJson());
  });
});
