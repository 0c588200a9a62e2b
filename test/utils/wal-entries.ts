import type { WalEntry } from "../../sequencer/wal.ts";

/**
 * Deterministic WAL entries shaped like a busy sequencer's: signed orders with 254-bit field elements,
 * a seal every 64th entry. `seq` runs from `fromSeq`, so groups of a run chain.
 */
export function walEntries(fromSeq: bigint, count: number): WalEntry[] {
  const out: WalEntry[] = [];
  for (let i = 0; i < count; i++) {
    const seq = fromSeq + BigInt(i);
    if (seq % 64n === 63n) {
      out.push({
        kind: "seal",
        seq,
        batchNumber: seq / 64n,
        reason: "full",
        at: 1_700_000_000_000 + Number(seq),
      });
      continue;
    }
    const big = (1n << 253n) + seq * 0x9e3779b97f4a7c15n;
    out.push({
      kind: "tx",
      seq,
      lane: "normal",
      receivedAt: 1_700_000_000_000 + Number(seq),
      tx: {
        kind: "order",
        accountId: Number(seq % 1000n),
        nonce: seq,
        marketId: Number(seq % 4n),
        side: seq % 2n === 0n ? "buy" : "sell",
        type: "limit",
        tif: "GTC",
        price: 30_000_000_000n + seq,
        size: 1_000_000n,
        expiryMs: (1n << 48n) - 1n,
      },
      signature: { R8: [big, big + 1n], S: big + 2n },
    });
  }
  return out;
}
