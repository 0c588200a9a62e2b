/** The chaos load's traders: fresh L2 keys, funded through the L1 deposit path like any user. */
import { devKey } from "../../sequencer/crypto/keys.ts";
import { ApiClient, Trader } from "../client/api-client.ts";
import { devnetUser } from "../client/l1-user.ts";
import type { DevnetInfo } from "../devnet/devnet.ts";
import { waitFor } from "../devnet/processes.ts";
import type { LoadTrader } from "./load.ts";

const DEPOSIT = 100_000n * 1_000_000n;

export async function fundTraders(info: DevnetInfo, n: number, seed: string): Promise<LoadTrader[]> {
  const keys = Array.from({ length: n }, (_, k) => devKey(`chaos:${seed}:trader:${k}`));
  const funder = devnetUser(info, 4);
  for (const k of keys) await funder.deposit(k.pubKey, DEPOSIT);
  const api = new ApiClient(info.apiUrl);
  const out: LoadTrader[] = [];
  for (const k of keys) {
    const t = await waitFor("a funded chaos trader", () => Trader.attach(api, k.prv, k.pubKey), 120_000, 250);
    out.push({ prv: k.prv, accountId: t.accountId });
  }
  return out;
}
