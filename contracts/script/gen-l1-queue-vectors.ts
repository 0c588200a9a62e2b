// Writes test/vectors/l1-queue.json, the priority-queue and exit vectors of RollupDesert.t.sol (built by
// test/utils/l1-queue-vectors.ts from the TS signer, priorityItem and test/vectors/l1-exit.json). Run it
// after gen-fixtures.ts and gen-l1-vectors.ts, whose outputs it reads; test/unit/l1/l1-queue-vectors.test.ts
// fails when the committed file is stale.
// Run: npx tsx contracts/script/gen-l1-queue-vectors.ts
import { writeFileSync } from "node:fs";
import { l1QueueVectorsJson } from "../../test/utils/l1-queue-vectors.ts";

const file = new URL("../../test/vectors/l1-queue.json", import.meta.url);
writeFileSync(file, l1QueueVectorsJson());
console.log(`wrote ${file.pathname}`);
