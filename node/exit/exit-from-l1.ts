/**
 * A user's way out in desert mode, from L1 alone: rebuild the last verified state from calldata
 * (node/reconstruct), prove its global fields once if nobody has, then send one exit per account the
 * key holds (its parent and any isolated sub-accounts), each with its leaf, Merkle path and the key's
 * signature over the exit message. No sequencer, no Redis.
 */
import { type Address, type Hex, type PublicClient, parseEventLogs } from "viem";
import { prv2pub } from "../../sequencer/crypto/eddsa.ts";
import { createL1Clients } from "../l1/clients.ts";
import { RollupRevertError } from "../l1/errors.ts";
import { signExit } from "../l1/l1-messages.ts";
import { rollupAbi } from "../l1/rollup-abi.ts";
import { sendRollupTx } from "../l1/rollup-tx.ts";
import { type ReconstructProgress, reconstructFromL1 } from "../reconstruct/reconstruct-from-l1.ts";
import { ExitError } from "./errors.ts";

export interface ExitParameters {
  rpcUrl: string;
  rollup: Address;
  instance: string;
  /** The account's L2 private key (32 bytes). */
  l2Key: Uint8Array;
  /** The L1 key that sends (and pays gas for) the transactions. */
  l1Key: Hex;
  /** Paid to; the sender's address by default. */
  to?: Address;
  onProgress?: (p: ReconstructProgress | { phase: "exit"; message: string }) => void;
}

export interface ExitedAccount {
  accountId: number;
  /** What the account was owed at the last proven prices, and what the contract paid. */
  claim: bigint;
  paid: bigint;
  txHash: Hex;
  gasUsed: bigint;
}

export interface ExitResult {
  lastBatch: number;
  root: bigint;
  exits: ExitedAccount[];
  /** Accounts of the key that had exited before. */
  already: number[];
}

export async function exitFromL1(p: ExitParameters): Promise<ExitResult> {
  const clients = createL1Clients({ rpcUrl: p.rpcUrl, privateKey: p.l1Key });
  const { account } = clients;
  if (!clients.walletClient || !account)
    throw new ExitError("EXIT_NO_L1_KEY", "an L1 key is needed to send the exit");
  const client = clients.publicClient as PublicClient;
  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    client.readContract({ address: p.rollup, abi: rollupAbi, functionName, args } as never) as Promise<T>;
  if (!(await read<boolean>("desertMode")))
    throw new ExitError(
      "EXIT_NOT_DESERT",
      "the rollup is not in desert mode: exits open once activateDesertMode() ran",
      {
        details: { rollup: p.rollup },
      },
    );

  const r = await reconstructFromL1({
    rpcUrl: p.rpcUrl,
    rollup: p.rollup,
    instance: p.instance,
    client,
    ...(p.onProgress ? { onProgress: p.onProgress } : {}),
  });
  const [x, y] = prv2pub(p.l2Key);
  const mine = r.state.accounts().filter((a) => a.pubKeyX === x && a.pubKeyY === y);
  if (mine.length === 0)
    throw new ExitError("EXIT_NO_ACCOUNT", "no account in the last verified state holds this key", {
      details: { pubKeyX: x.toString(), lastBatch: r.lastBatch },
    });

  const send = async (functionName: string, args: readonly unknown[]) => {
    try {
      return await sendRollupTx(clients, p.rollup, functionName, args);
    } catch (err) {
      if (err instanceof RollupRevertError)
        throw new ExitError("EXIT_REFUSED", `${functionName} refused: ${err.errorName}`, {
          details: { error: err.errorName, args: err.args.map(String) },
          cause: err,
        });
      throw err;
    }
  };

  if (!(await read<boolean>("exitStateProven"))) {
    p.onProgress?.({ phase: "exit", message: "proving the last verified state's global fields" });
    await send("proveExitState", [r.state.accountsRoot(), r.state.globalFields()]);
  }
  const to = p.to ?? account.address;
  const exits: ExitedAccount[] = [];
  const already: number[] = [];
  for (const a of mine) {
    if (await read<boolean>("exited", [BigInt(a.id)])) {
      already.push(a.id);
      continue;
    }
    p.onProgress?.({ phase: "exit", message: `exiting account ${a.id}` });
    const sig = signExit(p.l2Key, p.rollup, BigInt(a.id), to);
    const receipt = await send("exit", [
      BigInt(a.id),
      r.state.leafFields(a.id),
      r.state.accountPath(a.id),
      to,
      [sig.r8x, sig.r8y, sig.s],
    ]);
    const [ev] = parseEventLogs({ abi: rollupAbi, logs: receipt.logs, eventName: "Exit" });
    if (!ev) throw new ExitError("EXIT_NO_EVENT", `the exit of account ${a.id} emitted no Exit event`);
    exits.push({
      accountId: a.id,
      claim: ev.args.claim,
      paid: ev.args.paid,
      txHash: receipt.transactionHash,
      gasUsed: receipt.gasUsed,
    });
  }
  return { lastBatch: r.lastBatch, root: r.root, exits, already };
}
