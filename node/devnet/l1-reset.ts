import type { Address } from "viem";
import { createL1Clients } from "../l1/clients.ts";
import { rollupAbi } from "../l1/rollup-abi.ts";
import { DevnetError } from "./errors.ts";

/**
 * The L1 the devnet talks to is not the one it deployed to: Anvil came back empty (no state file, or a
 * fresh one), or with an older chain than the sequencer has seen. The sequencer's log and L1 now disagree
 * for good, and carrying on would only show later as reverting batches or a rollup with no code.
 */
export class L1ResetError extends DevnetError {
  override name = "L1ResetError";
}

/** What the devnet last saw of its rollup on L1; L1 must never go behind it. */
export interface L1Watermark {
  lastVerifiedBatch: bigint;
  stateRoot: bigint;
  /** A deposit the sequencer credited and L1 forgot would be cash on L2 that L1 does not hold. */
  depositCount: bigint;
}

export interface CheckL1NotResetParameters {
  rpcUrl: string;
  rollupAddress: Address;
  /** The genesis root devnet.json recorded for this deployment. */
  genesisRoot: bigint;
  /** The last state seen; omitted, only code and genesis are checked. */
  watermark?: L1Watermark;
  /** What the user should do, e.g. "delete .devnet or run the devnet with --fresh". */
  remedy: string;
}

/** Throws `L1_RESET` unless the rollup is still deployed with this genesis and not behind `watermark`. */
export async function checkL1NotReset(p: CheckL1NotResetParameters): Promise<L1Watermark> {
  const { publicClient } = createL1Clients({ rpcUrl: p.rpcUrl });
  const fail = (why: string, details: Record<string, unknown>): never => {
    throw new L1ResetError("L1_RESET", `L1 was reset: ${why}. To start over, ${p.remedy}.`, {
      details: { rpcUrl: p.rpcUrl, rollupAddress: p.rollupAddress, ...details },
    });
  };
  const code = await publicClient.getCode({ address: p.rollupAddress });
  if (code === undefined || code === "0x") fail(`no contract at the rollup address ${p.rollupAddress}`, {});

  const genesisRoot = await publicClient.readContract({
    address: p.rollupAddress,
    abi: rollupAbi,
    functionName: "genesisStateRoot",
  });
  if (genesisRoot !== p.genesisRoot) {
    fail("the contract at the rollup address has another genesis", {
      onL1: hex(genesisRoot),
      recorded: hex(p.genesisRoot),
    });
  }
  const now = await readL1Watermark(p.rpcUrl, p.rollupAddress);
  const { lastVerifiedBatch, stateRoot } = now;
  const w = p.watermark;
  if (w && lastVerifiedBatch < w.lastVerifiedBatch) {
    fail(`the rollup went back from verified batch ${w.lastVerifiedBatch} to ${lastVerifiedBatch}`, {
      seen: w.lastVerifiedBatch.toString(),
      onL1: lastVerifiedBatch.toString(),
    });
  }
  if (w && lastVerifiedBatch === w.lastVerifiedBatch && stateRoot !== w.stateRoot) {
    fail(`the state root of verified batch ${lastVerifiedBatch} changed`, {
      seen: hex(w.stateRoot),
      onL1: hex(stateRoot),
    });
  }
  if (w && now.depositCount < w.depositCount) {
    fail(`the rollup forgot deposits (${w.depositCount} seen, ${now.depositCount} now)`, {
      seen: w.depositCount.toString(),
      onL1: now.depositCount.toString(),
    });
  }
  return now;
}

/** Reads the rollup's current watermark; for the devnet to remember between checks. */
export async function readL1Watermark(rpcUrl: string, rollupAddress: Address): Promise<L1Watermark> {
  const { publicClient } = createL1Clients({ rpcUrl });
  const read = (functionName: "lastVerifiedBatch" | "stateRoot" | "depositCount") =>
    publicClient.readContract({ address: rollupAddress, abi: rollupAbi, functionName });
  const [lastVerifiedBatch, stateRoot, depositCount] = await Promise.all([
    read("lastVerifiedBatch"),
    read("stateRoot"),
    read("depositCount"),
  ]);
  return { lastVerifiedBatch, stateRoot, depositCount };
}

/** Whether `now` is where L1 can be after `seen`: only forward, and the same root at the same batch. */
export function notBehind(now: L1Watermark, seen: L1Watermark): boolean {
  return (
    now.lastVerifiedBatch >= seen.lastVerifiedBatch &&
    now.depositCount >= seen.depositCount &&
    (now.lastVerifiedBatch > seen.lastVerifiedBatch || now.stateRoot === seen.stateRoot)
  );
}

const hex = (x: bigint) => `0x${x.toString(16)}`;
