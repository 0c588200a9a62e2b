import { bytesToHex, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";

/** Anvil's default mnemonic: the same funded accounts on every fresh devnet. */
export const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";

/** Derived, not pasted: a typo in a hard-coded key is a silent wrong account. */
export function devAccountKey(index: number): Hex {
  const key = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index }).getHdKey().privateKey;
  if (!key) throw new Error(`no key for dev account ${index}`);
  return bytesToHex(key);
}

/** Roles of the dev accounts: 0 deploys, 1 is the sequencer's operator key, 2.. are users. */
export const DEV_ROLES = { deployer: 0, operator: 1, firstUser: 2 } as const;
