/**
 * `npm run exit -- --key K [--rpc URL --rollup ADDR] [--l1-key HEX] [--to ADDR]`: in desert mode,
 * rebuilds the last verified state from L1 alone and sends the key's exits (every account it holds).
 * Without --rpc/--rollup/--l1-key it reads them from the devnet's devnet.json (`--devnet-dir`). The key
 * is a 32-byte hex private key, or `seed:NAME` for a dev key (sequencer/crypto/keys.ts devKey).
 * Progress goes to stderr; stdout gets one line per exit and a last line `paid N to 0x… for K accounts`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import type { Address, Hex } from "viem";
import { z } from "zod";
import { BaseError } from "../../core/errors.ts";
import { devKey } from "../../sequencer/crypto/keys.ts";
import type { DevnetInfo } from "../devnet/devnet.ts";
import { ExitError } from "./errors.ts";
import { exitFromL1 } from "./exit-from-l1.ts";

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a 32-byte hex key (0x + 64 hex digits)");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "a 20-byte hex address");

function l2KeyOf(k: string): Uint8Array {
  if (k.startsWith("seed:")) return devKey(k.slice(5)).prv;
  const parsed = hex32.safeParse(k);
  if (!parsed.success)
    throw new ExitError("EXIT_BAD_KEY", "--key must be 0x + 64 hex digits, or seed:NAME for a dev key");
  return Uint8Array.from(Buffer.from(k.slice(2), "hex"));
}

function devnetInfo(dir: string): Partial<DevnetInfo> {
  const file = join(dir, "devnet.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as DevnetInfo) : {};
}

async function main(argv: string[]): Promise<void> {
  const program = new Command("exit")
    .description("leave the rollup in desert mode: rebuild the state from L1 and withdraw the key's accounts")
    .requiredOption("--key <key>", "the account's L2 private key (0x…64 hex) or seed:NAME")
    .option("--rpc <url>", "L1 JSON-RPC URL (default: devnet.json's)")
    .option("--rollup <address>", "the Rollup's address (default: devnet.json's)")
    .option("--instance <name>", "Batch2 instance (default: devnet.json's, else default)")
    .option("--l1-key <hex>", "L1 key that sends the exits (default: the devnet's first user key)")
    .option("--to <address>", "L1 address paid (default: the sender)")
    .option("--devnet-dir <dir>", "where devnet.json is", ".devnet")
    .parse(argv);
  const o = program.opts<{
    key: string;
    rpc?: string;
    rollup?: string;
    instance?: string;
    l1Key?: string;
    to?: string;
    devnetDir: string;
  }>();
  const info = devnetInfo(o.devnetDir);
  const rpc = o.rpc ?? info.l1RpcUrl;
  const rollup = o.rollup ?? info.rollupAddress;
  const l1Key = o.l1Key ?? info.userKeys?.[0];
  if (!rpc || !rollup || !l1Key)
    throw new ExitError(
      "EXIT_BAD_ARGS",
      "give --rpc, --rollup and --l1-key, or run where a devnet's devnet.json is (--devnet-dir)",
    );
  if (!address.safeParse(rollup).success) throw new ExitError("EXIT_BAD_ARGS", "--rollup is not an address");
  if (o.to && !address.safeParse(o.to).success)
    throw new ExitError("EXIT_BAD_ARGS", "--to is not an address");
  if (!hex32.safeParse(l1Key).success)
    throw new ExitError("EXIT_BAD_ARGS", "--l1-key is not a 32-byte hex key");
  const r = await exitFromL1({
    rpcUrl: rpc,
    rollup: rollup as Address,
    instance: o.instance ?? info.instance ?? "default",
    l2Key: l2KeyOf(o.key),
    l1Key: l1Key as Hex,
    ...(o.to ? { to: o.to as Address } : {}),
    onProgress: (p) =>
      process.stderr.write(
        `exit: ${"message" in p ? p.message : `${p.phase} ${JSON.stringify(p, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`}\n`,
      ),
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
