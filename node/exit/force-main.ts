/**
 * `npm run force -- --key K --account N (--withdraw AMOUNT | --cancel-all) [--to ADDR]`: files a
 * priority request on L1, signed by the account's L2 key, that the operator must serve within the
 * Rollup's deadline (docs/SPEC.md "Priority requests"); past it, `npm run exit -- --activate` stops
 * the rollup and pays everyone out. Defaults (--rpc, --rollup, --l1-key) come from devnet.json.
 */
import { Command } from "commander";
import { parseEventLogs } from "viem";
import { BaseError } from "../../core/errors.ts";
import { prv2pub } from "../../sequencer/crypto/eddsa.ts";
import { createL1Clients } from "../l1/clients.ts";
import { RollupRevertError } from "../l1/errors.ts";
import { signForcedCancelAll, signForcedWithdrawal } from "../l1/l1-messages.ts";
import { rollupAbi } from "../l1/rollup-abi.ts";
import { sendRollupTx } from "../l1/rollup-tx.ts";
import { l1Target, l2KeyOf } from "./cli-args.ts";
import { ExitError } from "./errors.ts";

async function main(argv: string[]): Promise<void> {
  const program = new Command("force")
    .description("file a forced withdrawal or cancel-all on L1 that the operator must serve")
    .requiredOption("--key <key>", "the account's L2 private key (0x…64 hex) or seed:NAME")
    .requiredOption("--account <id>", "the L2 account id")
    .option("--withdraw <amount>", "withdraw up to this much free collateral (micro-USDC)")
    .option("--cancel-all", "cancel every resting order of the account")
    .option("--to <address>", "L1 address a withdrawal pays (default: the sender)")
    .option("--rpc <url>", "L1 JSON-RPC URL (default: devnet.json's)")
    .option("--rollup <address>", "the Rollup's address (default: devnet.json's)")
    .option("--l1-key <hex>", "L1 key that sends the request (default: the devnet's first user key)")
    .option("--devnet-dir <dir>", "where devnet.json is", ".devnet")
    .parse(argv);
  const o = program.opts<{
    key: string;
    account: string;
    withdraw?: string;
    cancelAll?: boolean;
    to?: string;
    rpc?: string;
    rollup?: string;
    l1Key?: string;
    devnetDir: string;
  }>();
  if ((o.withdraw === undefined) === (o.cancelAll !== true))
    throw new ExitError("EXIT_BAD_ARGS", "give exactly one of --withdraw AMOUNT and --cancel-all");
  if (!/^\d+$/.test(o.account)) throw new ExitError("EXIT_BAD_ARGS", "--account must be a decimal id");
  if (o.withdraw !== undefined && !/^\d+$/.test(o.withdraw))
    throw new ExitError("EXIT_BAD_ARGS", "--withdraw must be a decimal amount in micro-USDC");
  const t = l1Target(o);
  const prv = l2KeyOf(o.key);
  const [x, y] = prv2pub(prv);
  const clients = createL1Clients({ rpcUrl: t.rpc, privateKey: t.l1Key });
  const { publicClient, account } = clients;
  const id = BigInt(o.account);
  const nonce = (await publicClient.readContract({
    address: t.rollup,
    abi: rollupAbi,
    functionName: "forcedNonce",
    args: [id],
  })) as bigint;
  const to = (o.to ?? account!.address) as `0x${string}`;
  const call =
    o.withdraw !== undefined
      ? (() => {
          const s = signForcedWithdrawal(prv, t.rollup, id, nonce, BigInt(o.withdraw), to);
          return {
            functionName: "requestWithdrawal" as const,
            args: [id, x, y, BigInt(o.withdraw), to, [s.r8x, s.r8y, s.s]] as const,
          };
        })()
      : (() => {
          const s = signForcedCancelAll(prv, t.rollup, id, nonce);
          return {
            functionName: "requestCancelAll" as const,
            args: [id, x, y, [s.r8x, s.r8y, s.s]] as const,
          };
        })();
  try {
    const receipt = await sendRollupTx(clients, t.rollup, call.functionName, call.args);
    const hash = receipt.transactionHash;
    const [ev] = parseEventLogs({ abi: rollupAbi, logs: receipt.logs, eventName: "PriorityRequest" });
    if (!ev) throw new ExitError("EXIT_NO_EVENT", "the request emitted no PriorityRequest event");
    process.stdout.write(
      `request ${ev.args.index} filed (tx ${hash}, ${receipt.gasUsed} gas): must be served by block ${ev.args.deadlineBlock} and time ${ev.args.deadlineTime}\n`,
    );
  } catch (err) {
    if (err instanceof RollupRevertError)
      throw new ExitError("EXIT_REFUSED", `${call.functionName} refused: ${err.errorName}`, { cause: err });
    throw err;
  }
}

main(process.argv).catch((err: unknown) => {
  if (err instanceof BaseError) {
    process.stderr.write(`force: ${err.message}\n`);
    process.exitCode = 1;
  } else {
    console.error(err);
    process.exitCode = 2;
  }
});
