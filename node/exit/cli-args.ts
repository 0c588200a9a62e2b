/** What the exit and force commands share: the L2 key flag and the L1 target, defaulting to a devnet's. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Address, Hex } from "viem";
import { z } from "zod";
import { devKey } from "../../sequencer/crypto/keys.ts";
import type { DevnetInfo } from "../devnet/devnet.ts";
import { ExitError } from "./errors.ts";

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);

/** A 32-byte hex private key, or `seed:NAME` for a dev key (sequencer/crypto/keys.ts devKey). */
export function l2KeyOf(k: string): Uint8Array {
  if (k.startsWith("seed:")) return devKey(k.slice(5)).prv;
  if (!hex32.safeParse(k).success)
    throw new ExitError("EXIT_BAD_KEY", "--key must be 0x + 64 hex digits, or seed:NAME for a dev key");
  return Uint8Array.from(Buffer.from(k.slice(2), "hex"));
}

export interface L1Target {
  rpc: string;
  rollup: Address;
  l1Key: Hex;
  instance: string;
}

/** --rpc, --rollup, --l1-key, --instance, each falling back to `devnetDir`/devnet.json's. */
export function l1Target(o: {
  rpc?: string;
  rollup?: string;
  l1Key?: string;
  instance?: string;
  devnetDir: string;
}): L1Target {
  const file = join(o.devnetDir, "devnet.json");
  const info: Partial<DevnetInfo> = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as DevnetInfo)
    : {};
  const rpc = o.rpc ?? info.l1RpcUrl;
  const rollup = o.rollup ?? info.rollupAddress;
  const l1Key = o.l1Key ?? info.userKeys?.[0];
  if (!rpc || !rollup || !l1Key)
    throw new ExitError(
      "EXIT_BAD_ARGS",
      "give --rpc, --rollup and --l1-key, or run where a devnet's devnet.json is (--devnet-dir)",
    );
  if (!address.safeParse(rollup).success) throw new ExitError("EXIT_BAD_ARGS", "--rollup is not an address");
  if (!hex32.safeParse(l1Key).success)
    throw new ExitError("EXIT_BAD_ARGS", "--l1-key is not a 32-byte hex key");
  return {
    rpc,
    rollup: rollup as Address,
    l1Key: l1Key as Hex,
    instance: o.instance ?? info.instance ?? "default",
  };
}
