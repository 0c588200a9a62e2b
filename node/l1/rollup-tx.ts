import type { TransactionReceipt } from "viem";
import type { L1Clients } from "./clients.ts";
import { L1Error } from "./errors.ts";
import { decodeRollupRevert } from "./revert.ts";
import { rollupAbi } from "./rollup-abi.ts";

/**
 * Sends one Rollup call and waits for it: simulated first, so a refusal comes back as the Rollup's
 * custom error (a RollupRevertError naming it) before any gas is spent; a tx that still reverts when
 * mined is an L1Error `L1_TX_REVERTED`. For the one-shot callers (the exit and force commands, tests);
 * the submitter keeps its own loop, which must survive dropped and raced txs.
 */
export async function sendRollupTx(
  clients: L1Clients,
  rollup: `0x${string}`,
  functionName: string,
  args: readonly unknown[] = [],
): Promise<TransactionReceipt> {
  const { publicClient, walletClient, account } = clients;
  if (!walletClient || !account) throw new L1Error("L1_NO_SIGNER", `${functionName} needs an L1 key`);
  let request: unknown;
  try {
    ({ request } = await publicClient.simulateContract({
      account,
      address: rollup,
      abi: rollupAbi,
      functionName,
      args,
    } as never));
  } catch (err) {
    throw decodeRollupRevert(err) ?? err;
  }
  const hash = await walletClient.writeContract({ ...(request as object), chain: null } as never);
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success")
    throw new L1Error("L1_TX_REVERTED", `${functionName} reverted when mined`, { details: { hash } });
  return receipt;
}
