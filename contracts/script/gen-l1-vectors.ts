// Writes test/vectors/l1-exit.json, the desert-mode vectors of EdDSAPoseidon.t.sol and DesertExit.t.sol
// (built by test/utils/l1-exit-vectors.ts from the TS signer, ProofChain and payout). The file is
// committed like the other vectors; test/unit/l1/l1-exit-vectors.test.ts fails when it is stale.
// Run: npx tsx contracts/script/gen-l1-vectors.ts
import { writeFileSync } from "node:fs";
import { l1ExitVectorsJson } from "../../test/utils/l1-exit-vectors.ts";

const file = new URL("../../test/vectors/l1-exit.json", import.meta.url);
writeFileSync(file, l1ExitVectorsJson());
console.log(`wrote ${file.pathname}`);
