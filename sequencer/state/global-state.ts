import { poseidon } from "../crypto/poseidon.ts";
import { toField } from "./field.ts";
import { checkRange } from "./leaf.ts";

export interface MarketState {
  markPrice: bigint;
  fundingIndex: bigint;
  openInterest: bigint;
}

/** Market and fund state (SPEC.md "Global state"). */
export interface GlobalState {
  markets: MarketState[];
  insuranceFund: bigint;
  feePool: bigint;
}

/** The 3M + 2 field elements, in SPEC.md order, signed values encoded mod p. */
export function globalFields(g: GlobalState): bigint[] {
  const out: bigint[] = [];
  for (const m of g.markets) out.push(m.markPrice, m.fundingIndex, m.openInterest);
  out.push(g.insuranceFund, g.feePool);
  return out.map(toField);
}

export function globalRoot(g: GlobalState): bigint {
  return poseidon(globalFields(g));
}

export function stateRoot(accountsRoot: bigint, globalRootValue: bigint): bigint {
  return poseidon([accountsRoot, globalRootValue]);
}

export function emptyGlobal(M: number): GlobalState {
  return {
    markets: Array.from({ length: M }, () => ({ markPrice: 0n, fundingIndex: 0n, openInterest: 0n })),
    insuranceFund: 0n,
    feePool: 0n,
  };
}

/** Throws OutOfRangeError if the global state would fail the circuit's range checks. */
export function checkGlobalRanges(g: GlobalState): void {
  const p2 = (n: number) => 1n << BigInt(n);
  g.markets.forEach((m, i) => {
    checkRange(`markPrice[${i}]`, m.markPrice, [0n, p2(40) - 1n]);
    checkRange(`fundingIndex[${i}]`, m.fundingIndex, [-(p2(63) - 1n), p2(63) - 1n]);
    checkRange(`openInterest[${i}]`, m.openInterest, [0n, p2(48) - 1n]);
  });
  checkRange("insuranceFund", g.insuranceFund, [0n, p2(80) - 1n]);
  checkRange("feePool", g.feePool, [0n, p2(80) - 1n]);
}
