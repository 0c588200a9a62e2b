/**
 * `npm run bench -- da`: what checked data availability costs at the default instance, on engine
 * traces of generated crash tapes batched as the sequencer batches them (test/utils/batch2-trace.ts):
 * calldata bytes per fill (every data word, the non-zero words, and the packed payload), the gas the
 * data adds to a batch under the chosen binding (packed public inputs, zero words skipped) against
 * the alternative measured on chain (a Poseidon chain recomputed by the contract), and the time to
 * rebuild 1,000 batches from their words (node/reconstruct) against building their witnesses, in the
 * same run.
 */
import { Command } from "commander";
import { loadBatch2Instance } from "../circuits/batch2-instance.ts";
import { warmUpCrypto } from "../sequencer/crypto/keys.ts";
import { dataLayout, decodeBatchData, WORD_BYTES } from "../sequencer/proof/batch-data.ts";
import { generateTape } from "../sequencer/sim/gen.ts";
import { depositsOf, traceTape } from "../test/utils/l1-rebuild.ts";

// Measured by contracts/test/DataBinding.t.sol (forge, optimizer runs 200): one non-zero public input's
// ecMul + ecAdd, and a Poseidon T3 chain over 44 words (per word).
const GAS_PER_INPUT = 7_343;
const GAS_POSEIDON_T3_PER_WORD = Math.round(1_325_780 / 44);

const o = new Command()
  .option("--instance <name>", "Batch2 instance", "default")
  .option("--seeds <list>", "tape seeds", "21,22")
  .option("--minutes <n>", "tape length", "10")
  .parse()
  .opts<{ instance: string; seeds: string; minutes: string }>();

warmUpCrypto();
const inst = loadBatch2Instance(o.instance);
const layout = dataLayout(inst);

let batches = 0;
let fills = 0;
let nonZeroWords = 0;
let payloadBytes = 0;
let witnessMs = 0;
let rebuildMs = 0;
for (const seed of o.seeds.split(",")) {
  const tape = generateTape({
    shape: "crash",
    seed,
    minutes: Number(o.minutes),
    severity: "extreme",
    orderMultiplier: 1,
  });
  const t0 = performance.now();
  const { batcher, genesis } = await traceTape(inst, tape, "simple", "bench-da trader");
  witnessMs += performance.now() - t0;
  const t1 = performance.now();
  batcher.witnesses.forEach((w, i) => {
    genesis.applyBatch(i + 1, decodeBatchData(layout, w.data), depositsOf(w), w.newStateRoot);
  });
  rebuildMs += performance.now() - t1;
  for (const w of batcher.witnesses) {
    batches++;
    fills += (w.input.opKind as string[][]).filter((k) => k[3] === "1" || k[4] === "1").length;
    nonZeroWords += w.data.filter((x) => x !== 0n).length;
    const accounts = w.records.accounts.filter((a) => a !== null).length;
    const orders = w.records.orders.filter((x) => x !== null).length;
    payloadBytes +=
      layout.globalWidths.reduce((s, x) => s + x, 0) +
      accounts * layout.accountWidths.reduce((s, x) => s + x, 0) +
      (orders * layout.orderWidths.reduce((s, x) => s + x, 0)) / inst.S;
  }
}

const perFill = (bytes: number) => (fills ? bytes / fills : 0).toFixed(1);
const allBytes = batches * 32 * layout.words;
const zeroWords = batches * layout.words - nonZeroWords;
// Calldata gas: 16 per non-zero byte; a non-zero word has one zero byte (the 32nd), a zero word 32.
const calldataGas = nonZeroWords * (31 * 16 + 4) + zeroWords * 32 * 4;
const inputGas = nonZeroWords * GAS_PER_INPUT;
const poseidonGas = batches * layout.words * GAS_POSEIDON_T3_PER_WORD;
console.log(`instance ${inst.name}: ${layout.words} data words per batch (${WORD_BYTES} payload bytes each)`);
console.log(
  `${batches} batches, ${fills} fills (on-book fills and liquidation fills), ${(fills / batches).toFixed(2)} per batch`,
);
console.log(
  `calldata bytes per fill: ${perFill(allBytes)} (all words), ${perFill(nonZeroWords * 32)} (non-zero words), ${perFill(payloadBytes)} (packed payload)`,
);
console.log(
  `data gas per batch: ${Math.round((calldataGas + inputGas) / batches)} (calldata ${Math.round(calldataGas / batches)} + verifier inputs ${Math.round(inputGas / batches)}) ` +
    `vs a Poseidon T3 chain on chain ${Math.round(poseidonGas / batches)}: ${(poseidonGas / (calldataGas + inputGas)).toFixed(1)}x`,
);
console.log(
  `rebuild from words: ${((rebuildMs / batches) * 1000).toFixed(0)} ms per 1,000 batches; ` +
    `engine + witness of the same batches: ${((witnessMs / batches) * 1000).toFixed(0)} ms per 1,000 (${(witnessMs / rebuildMs).toFixed(1)}x the rebuild)`,
);
