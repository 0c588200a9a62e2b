import { poseidon } from "../crypto/poseidon.ts";
import { OutOfRangeError } from "./errors.ts";
import { toField } from "./field.ts";

export interface Position {
  size: bigint;
  entryNotional: bigint;
  fundingSnapshot: bigint;
}

/** One account (SPEC.md "Account leaf"); signed values are plain bigints here, mod p only when hashed. */
export interface AccountLeaf {
  pubKeyX: bigint;
  pubKeyY: bigint;
  nonce: bigint;
  collateral: bigint;
  positions: Position[];
}

/** The 4 + 3M field elements of a leaf, in SPEC.md order, signed values encoded mod p. */
export function leafFields(leaf: AccountLeaf, M: number): bigint[] {
  if (leaf.positions.length !== M) {
    throw new OutOfRangeError(
      "STATE_BAD_LEAF_SHAPE",
      `leaf has ${leaf.positions.length} positions, expected ${M}`,
      {
        details: { positions: leaf.positions.length, M },
      },
    );
  }
  const out = [leaf.pubKeyX, leaf.pubKeyY, leaf.nonce, leaf.collateral];
  for (const p of leaf.positions) out.push(p.size, p.entryNotional, p.fundingSnapshot);
  return out.map(toField);
}

/** Poseidon over the leaf fields; M is the leaf's own position count. */
export function leafHash(leaf: AccountLeaf): bigint {
  return poseidon(leafFields(leaf, leaf.positions.length));
}

export function emptyLeaf(M: number): AccountLeaf {
  return {
    pubKeyX: 0n,
    pubKeyY: 0n,
    nonce: 0n,
    collateral: 0n,
    positions: Array.from({ length: M }, () => ({ size: 0n, entryNotional: 0n, fundingSnapshot: 0n })),
  };
}

/** The account's share of the conserved cash Q (SPEC.md "The conserved quantity"). */
export function conservedQ(leaf: AccountLeaf): bigint {
  let q = leaf.collateral;
  for (const p of leaf.positions) q -= p.entryNotional + p.size * p.fundingSnapshot;
  return q;
}

const pow2 = (n: number) => 1n << BigInt(n);

/** [min, max] inclusive bounds of every leaf field the circuit range checks. */
export const LEAF_RANGES = {
  nonce: [0n, pow2(32) - 1n],
  collateral: [0n, pow2(80) - 1n],
  size: [-(pow2(47) - 1n), pow2(47) - 1n],
  entryNotional: [-(pow2(95) - 1n), pow2(95) - 1n],
  fundingSnapshot: [-(pow2(63) - 1n), pow2(63) - 1n],
} as const;

export function checkRange(name: string, value: bigint, [min, max]: readonly [bigint, bigint]): void {
  if (value < min || value > max) {
    throw new OutOfRangeError("STATE_OUT_OF_RANGE", `${name} = ${value} is outside [${min}, ${max}]`, {
      details: { field: name, value: value.toString(), min: min.toString(), max: max.toString() },
    });
  }
}

/** Throws OutOfRangeError if the leaf would fail the circuit's range checks. */
export function checkLeafRanges(leaf: AccountLeaf): void {
  checkRange("nonce", leaf.nonce, LEAF_RANGES.nonce);
  checkRange("collateral", leaf.collateral, LEAF_RANGES.collateral);
  leaf.positions.forEach((p, m) => {
    checkRange(`size[${m}]`, p.size, LEAF_RANGES.size);
    checkRange(`entryNotional[${m}]`, p.entryNotional, LEAF_RANGES.entryNotional);
    checkRange(`fundingSnapshot[${m}]`, p.fundingSnapshot, LEAF_RANGES.fundingSnapshot);
    // A flat position must carry no entry notional: the circuit refuses it (LeafRange, SPEC.md).
    if (p.size === 0n && p.entryNotional !== 0n) {
      throw new OutOfRangeError(
        "STATE_OUT_OF_RANGE",
        `entryNotional[${m}] = ${p.entryNotional} on a flat position`,
        {
          details: { field: `entryNotional[${m}]`, value: p.entryNotional.toString(), size: "0" },
        },
      );
    }
  });
}
