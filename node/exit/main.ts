/**
 * `npm run exit -- --key K [--activate] [--rpc URL --rollup ADDR] [--l1-key HEX] [--to ADDR]`: in desert
 * mode, rebuilds the last verified state from L1 alone and sends the key's exits (every account it
 * holds). `--activate` first starts desert mode if a priority request is past its deadline. Without
 * --rpc/--rollup/--l1-key it reads them from the devnet's devnet.json (`--devnet-dir`). Progress goes to
 * stderr; stdout gets one line per account and a last line `paid N for K accounts at batch B`.
 */
import { Command } from "commander";
import type { Address } from "viem";
import { BaseError } from "../../core/errors.ts";
import { createL1Clients } from "../l1/clients.ts";
import { RollupRevertError } from "../l1/errors.ts";
import { rollupAbi } from "../l1/rollup-abi.ts";
import { sendRollupTx } from "../l1/rollup-tx.ts";
import { l1Target, l2KeyOf } from "./cli-args.ts";
import { ExitError } from "./errors.ts";
import { exitFromL1 } from "./exit-from-l1.ts";

async function activate(t: ReturnType<typeof l1Target>): Promise<void> {
  const clients = createL1Clients({ rpcUrl: t.rpc, privateKey: t.l1Key });
  const on = await clients.publicClient.readContract({
    address: t.rollup,
    abi: rollupAbi,
    functionName: "desertMode",
  });
  if (on) return;
  try {
    const receipt = await sendRollupTx(clients, t.rollup, "activateDesertMode");
    process.stderr.write(`exit: desert mode started (tx ${receipt.transactionHash})\n`);
  } catch (err) {
    if (err instanceof RollupRevertError && err.errorName === "NoExpiredRequest")
      throw new ExitError(
        "EXIT_NOT_OVERDUE",
        "no priority request is past its deadline yet: file one (npm run force) and wait for its deadline",
        { cause: err },
      );
    throw err;
  }
}

async function main(argv: string[]): Promise<void> {
  const program = new Command("exit")
    .description("leave the rollup in desert mode: rebuild the state from L1 and withdraw the key's accounts")
    .requiredOption("--key <key>", "the account's L2 private key (0x…64 hex) or seed:NAME")
    .option("--activate", "start desert mode first if a priority request is overdue")
    .option("--rpc <url>", "L1 JSON-RPC URL (default: devnet.json's)")
    .option("--rollup <address>", "the Rollup's address (default: devnet.json's)")
    .option("--instance <name>", "Batch2 instance (default: devnet.json's, else default)")
    .option("--l1-key <hex>", "L1 key that sends the exits (default: the devnet's first user key)")
    .option("--to <address>", "L1 address paid (default: the sender)")
    .option("--devnet-dir <dir>", "where devnet.json is", ".devnet")
    .parse(argv);
  const o = program.opts<{
    key: string;
    activate?: boolean;
    rpc?: string;
    rollup?: string;
    instance?: string;
    l1Key?: string;
    to?: string;
    devnetDir: string;
  }>();
  if (o.to && !/^0x[0-9a-fA-F]{40}$/.test(o.to))
    throw new ExitError("EXIT_BAD_ARGS", "--to is not an address");
  const t = l1Target(o);
  const l2Key = l2KeyOf(o.key);
  if (o.activate) await activate(t);
  const r = await exitFromL1({
    rpcUrl: t.rpc,
    rollup: t.rollup,
    instance: t.instance,
    l2Key,
    l1Key: t.l1Key,
    ...(o.to ? { to: o.to as Address } : {}),
    onProgress: (p) => {
      if ("message" in p) process.stderr.write(`exit: ${p.message}\n`);
      else if (p.phase === "rebuild" && p.done === p.total)
        process.stderr.write(`exit: rebuilt ${p.total} batches from L1\n`);
    },
  });
  for (const id of r.already) process.stdout.write(`account ${id}: exited before\n`);
  for (const e of r.exits)
    process.stdout.write(
      `account ${e.accountId}: owed ${e.claim}, paid ${e.paid} (tx ${e.txHash}, ${e.gasUsed} gas)\n`,
    );
  const total = r.exits.reduce((s, e) => s + e.paid, 0n);
  process.stdout.write(`paid ${total} for ${r.exits.length} accounts at batch ${r.lastBatch}\n`);
}

main(process.argv).catch((err: unknown) => {
  if (err instanceof BaseError) {
    process.stderr.write(`exit: ${err.message}\n`);
    process.exitCode = 1;
  } else {
    console.error(err);
    process.exitCode = 2;
  }
});
