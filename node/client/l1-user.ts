import type { Hex } from "viem";
import { pollUntil } from "../../core/poll.ts";
import type { DevnetInfo } from "../devnet/devnet.ts";
import { createL1Clients } from "../l1/clients.ts";
import { mockUsdcAbi, rollupAbi } from "../l1/rollup-abi.ts";

/** An L1 account on the devnet: faucet, deposit into the rollup, claim withdrawals. */
export function l1User(o: { rpcUrl: string; privateKey: Hex; rollup: `0x${string}`; token: `0x${string}` }) {
  const { publicClient, walletClient, account } = createL1Clients({
    rpcUrl: o.rpcUrl,
    privateKey: o.privateKey,
  });
  const wallet = walletClient!;
  const send = async (hash: Hex) => {
    const r = await publicClient.waitForTransactionReceipt({ hash });
    if (r.status !== "success") throw new Error(`L1 tx ${hash} reverted`);
    return r;
  };
  const lastVerifiedBatch = () =>
    publicClient.readContract({ address: o.rollup, abi: rollupAbi, functionName: "lastVerifiedBatch" });
  return {
    address: account!.address,
    publicClient,
    /** Mints devnet USDC (the MockUSDC faucet) and deposits it for the L2 key. */
    async deposit(pubKey: readonly [bigint, bigint], amount: bigint) {
      await send(
        await wallet.writeContract({
          chain: null,
          address: o.token,
          abi: mockUsdcAbi,
          functionName: "mint",
          args: [account!.address, amount],
        }),
      );
      await send(
        await wallet.writeContract({
          chain: null,
          address: o.token,
          abi: mockUsdcAbi,
          functionName: "approve",
          args: [o.rollup, amount],
        }),
      );
      return send(
        await wallet.writeContract({
          chain: null,
          address: o.rollup,
          abi: rollupAbi,
          functionName: "deposit",
          args: [pubKey[0], pubKey[1], amount],
        }),
      );
    },
    async claim() {
      return send(
        await wallet.writeContract({
          chain: null,
          address: o.rollup,
          abi: rollupAbi,
          functionName: "claim",
          args: [],
        }),
      );
    },
    withdrawable: () =>
      publicClient.readContract({
        address: o.rollup,
        abi: rollupAbi,
        functionName: "withdrawable",
        args: [account!.address],
      }),
    balance: () =>
      publicClient.readContract({
        address: o.token,
        abi: mockUsdcAbi,
        functionName: "balanceOf",
        args: [account!.address],
      }),
    stateRoot: () =>
      publicClient.readContract({ address: o.rollup, abi: rollupAbi, functionName: "stateRoot" }),
    /** Resolves once L1 has verified batch `n` (the sequencer's API may lag it by a moment). */
    async untilVerified(n: bigint, timeoutMs: number, everyMs = 250): Promise<void> {
      await pollUntil(`batch ${n} verified on L1`, async () => (await lastVerifiedBatch()) >= n, {
        timeoutMs,
        everyMs,
      });
    },
    lastVerifiedBatch,
  };
}

/** User `index` of a running devnet (`devnet.json`'s userKeys), on its rollup and token. */
export function devnetUser(
  info: Pick<DevnetInfo, "l1RpcUrl" | "userKeys" | "rollupAddress" | "tokenAddress">,
  index: number,
) {
  const privateKey = info.userKeys[index];
  if (!privateKey) throw new RangeError(`the devnet has ${info.userKeys.length} user keys, not ${index + 1}`);
  return l1User({
    rpcUrl: info.l1RpcUrl,
    privateKey: privateKey as Hex,
    rollup: info.rollupAddress,
    token: info.tokenAddress,
  });
}
