/**
 * The bytes a Batch2 batch publishes on L1 (`batchData`, bound into the public input by its hash):
 *
 *   for each account slot the batch used, in slot order:
 *     uint32 index (big-endian) || L = 5 + 3M 32-byte big-endian words: the account's new v2 leaf
 *   then the G = 6M + 4 new global fields, 32 bytes each,
 *   then a trailer of three uint32 big-endian counts: nAccounts || nDeposits || nWithdrawals.
 *
 * NOTE: the circuit binds the hash of these bytes but does not yet check them against the state
 * change (issue 12, checked data availability); an honest operator publishes exactly this.
 */
import { StateError } from "../state/errors.ts";
import { toField } from "../state/field.ts";

export interface PublishedAccount {
  index: number;
  fields: readonly bigint[];
}

export function encodeBatch2Data(
  accounts: readonly PublishedAccount[],
  global: readonly bigint[],
  deposits: number,
  withdrawals: number,
): Uint8Array {
  const size = accounts.reduce((n, a) => n + 4 + 32 * a.fields.length, 0) + 32 * global.length + 12;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let pos = 0;
  const word = (x: bigint) => {
    out.set(Buffer.from(toField(x).toString(16).padStart(64, "0"), "hex"), pos);
    pos += 32;
  };
  for (const a of accounts) {
    view.setUint32(pos, a.index);
    pos += 4;
    for (const f of a.fields) word(f);
  }
  for (const f of global) word(f);
  view.setUint32(pos, accounts.length);
  view.setUint32(pos + 4, deposits);
  view.setUint32(pos + 8, withdrawals);
  return out;
}

/** Parses encodeBatch2Data's output for an instance with M markets. */
export function decodeBatch2Data(
  bytes: Uint8Array,
  M: number,
): { accounts: PublishedAccount[]; global: bigint[]; deposits: number; withdrawals: number } {
  const L = 5 + 3 * M;
  const G = 6 * M + 4;
  if (bytes.length < 12) throw new StateError("STATE_BAD_BATCH_DATA", "batch data shorter than its trailer");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const t = bytes.length - 12;
  const n = view.getUint32(t);
  if (t !== n * (4 + 32 * L) + 32 * G)
    throw new StateError("STATE_BAD_BATCH_DATA", "batch data length does not match its account count", {
      details: { length: bytes.length, accounts: n, M },
    });
  let pos = 0;
  const word = () => {
    const x = BigInt(`0x${Buffer.from(bytes.subarray(pos, pos + 32)).toString("hex")}`);
    pos += 32;
    return x;
  };
  const accounts: PublishedAccount[] = [];
  for (let i = 0; i < n; i++) {
    const index = view.getUint32(pos);
    pos += 4;
    accounts.push({ index, fields: Array.from({ length: L }, word) });
  }
  const global = Array.from({ length: G }, word);
  return { accounts, global, deposits: view.getUint32(t + 4), withdrawals: view.getUint32(t + 8) };
}
