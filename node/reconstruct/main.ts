/**
 * `npm run reconstruct -- --rpc URL --rollup ADDR [--out DIR] [--instance default]`: rebuilds the
 * rollup's state from L1 alone and prints, as its last line, `root 0x… at batch N`. Progress goes to
 * stderr, so stdout is that line only. Expected failures (a bad URL, no Rollup, a root mismatch)
 * print their message and exit 1; anything else is a bug and keeps its stack.
 */
import { Command } from "commander";
import type { Address } from "viem";
import { BaseError } from "../../core/errors.ts";
import { parseReconstructConfig } from "./config.ts";
import { type ReconstructProgress, reconstructFromL1, rootHex } from "./reconstruct-from-l1.ts";

function progressLine(p: ReconstructProgress): string {
  if (p.phase === "logs")
    return `reconstruct: logs to block ${p.block}/${p.toBlock}: ${p.deposits} deposits, ${p.batches} batches`;
  if (p.phase === "calldata") return `reconstruct: calldata of ${p.done}/${p.total} batches`;
  return `reconstruct: rebuilt ${p.done}/${p.total} batches`;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command("reconstruct")
    .description("rebuild the rollup's state from L1 calldata and events alone")
    .requiredOption("--rpc <url>", "L1 JSON-RPC URL")
    .requiredOption("--rollup <address>", "the Rollup contract's address")
    .option(
      "--instance <name>",
      "Batch2 instance the Rollup was deployed for (circuits/batch2.json)",
      "default",
    )
    .option("--out <dir>", "write <dir>/state.json")
    .option("--from-block <n>", "first block to scan (the Rollup's deployment block or earlier)", "0")
    .option("--chunk-blocks <n>", "blocks per getLogs request", "5000")
    .parse(argv);
  const cfg = parseReconstructConfig(program.opts());
  const r = await reconstructFromL1({
    rpcUrl: cfg.rpc,
    rollup: cfg.rollup as Address,
    instance: cfg.instance,
    fromBlock: cfg.fromBlock,
    chunkBlocks: cfg.chunkBlocks,
    ...(cfg.out ? { out: cfg.out } : {}),
    onProgress: (p) => process.stderr.write(`${progressLine(p)}\n`),
  });
  if (cfg.out) process.stderr.write(`reconstruct: wrote ${cfg.out}/state.json\n`);
  process.stdout.write(`root ${rootHex(r.root)} at batch ${r.lastBatch}\n`);
}

main(process.argv).catch((err: unknown) => {
  if (err instanceof BaseError) {
    process.stderr.write(`reconstruct: ${err.message}\n`);
    process.exitCode = 1;
  } else {
    console.error(err);
    process.exitCode = 2;
  }
});
