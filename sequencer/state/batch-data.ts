import { keccak_256 } from "@noble/hashes/sha3.js";
import { StateError } from "./errors.ts";
import { type AccountLeaf, leafFields } from "./leaf.ts";

/**
 * The bytes a batch publishes on L1 (its state diffs), enough to rebuild the account tree from L1 alone:
 *
 *   for each real (non-padding) update, in order:
 *     uint32 index (big-endian) || (4 + 3M) × 32-byte big-endian words: the new leaf fields (mod p)
 *   then a trailer of three uint32 big-endian counts: nUpdates || nDeposits || nWithdrawals
 *
 * The trailer comes last so a reader that knows M can check the length before parsing.
 * Deposits and withdrawals themselves are already on L1 (the queues), so only their counts are here.
 */
export function encodeBatchData(
  diffs: readonly { index: number; newLeaf: AccountLeaf }[],
  deposits: readonly unknown[],
  withdrawals: readonly unknown[],
): Uint8Array {
  const rows = diffs.map((d) => ({
    index: d.index,
    fields: leafFields(d.newLeaf, d.newLeaf.positions.length),
  }));
  const size = rows.reduce((n, r) => n + 4 + 32 * r.fields.length, 0) + 12;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let pos = 0;
  for (const r of rows) {
    view.setUint32(pos, r.index);
    pos += 4;
    for (const f of r.fields) {
      out.set(word(f), pos);
      pos += 32;
    }
  }
  view.setUint32(pos, rows.length);
  view.setUint32(pos + 4, deposits.length);
  view.setUint32(pos + 8, withdrawals.length);
  return out;
}

/** Parses encodeBatchData's output back into (index, new leaf fields) rows and the counts. */
export function decodeBatchData(
  bytes: Uint8Array,
  M: number,
): { updates: { index: number; fields: bigint[] }[]; deposits: number; withdrawals: number } {
  const L = 4 + 3 * M;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12) throw new StateError("STATE_BAD_BATCH_DATA", "batch data shorter than its trailer");
  const t = bytes.length - 12;
  const n = view.getUint32(t);
  if (t !== n * (4 + 32 * L)) {
    throw new StateError("STATE_BAD_BATCH_DATA", "batch data length does not match its update count", {
      details: { length: bytes.length, updates: n, M },
    });
  }
  const updates: { index: number; fields: bigint[] }[] = [];
  let pos = 0;
  for (let u = 0; u < n; u++) {
    const index = view.getUint32(pos);
    pos += 4;
    const fields: bigint[] = [];
    for (let j = 0; j < L; j++) {
      fields.push(BigInt(`0x${Buffer.from(bytes.subarray(pos, pos + 32)).toString("hex")}`));
      pos += 32;
    }
    updates.push({ index, fields });
  }
  return { updates, deposits: view.getUint32(t + 4), withdrawals: view.getUint32(t + 8) };
}

/** uint256(keccak256(bytes)) >> 8: fits the BN254 field, and Solidity computes the same with a shift. */
export function dataHash(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(keccak_256(bytes)).toString("hex")}`) >> 8n;
}

function word(x: bigint): Uint8Array {
  return Buffer.from(x.toString(16).padStart(64, "0"), "hex");
}
