import {
  type Account,
  type Chain,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

export type L1ClientsParameters = {
  rpcUrl: string;
  /** Signs transactions locally; omit for read-only use. */
  privateKey?: Hex;
  /** viem's own retries per request; loops that retry themselves keep this low. Default 1. */
  retryCount?: number;
  /** Per-request timeout, default 10 s. */
  timeoutMs?: number;
  /** Receipt/block polling interval, default 250 ms (a local chain is fast). */
  pollingIntervalMs?: number;
};

export type L1Clients = {
  publicClient: PublicClient<Transport, Chain | undefined>;
  walletClient: WalletClient<Transport, Chain | undefined, Account> | undefined;
  account: Account | undefined;
};

/**
 * viem clients for an L1 we know only by URL. No chain object: writes pass `chain: null`, so viem asks the
 * node for its chain id when signing (an Anvil restarted with another id is then still usable).
 */
export function createL1Clients(params: L1ClientsParameters): L1Clients {
  const transport = http(params.rpcUrl, {
    retryCount: params.retryCount ?? 1,
    timeout: params.timeoutMs ?? 10_000,
  });
  const pollingInterval = params.pollingIntervalMs ?? 250;
  const publicClient = createPublicClient({ transport, pollingInterval });
  if (!params.privateKey) return { publicClient, walletClient: undefined, account: undefined };
  const account = privateKeyToAccount(params.privateKey);
  const walletClient = createWalletClient({ account, transport, pollingInterval });
  return { publicClient, walletClient, account };
}
