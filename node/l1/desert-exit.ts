/**
 * What an account is owed when it leaves in desert mode, the TS twin of DesertExit.payout
 * (contracts/src/DesertExit.sol): collateral + Σ (size·index − entryNotional) + Σ size·(F − snapshot),
 * or 0 when negative. The funding term is the settlement L2 would have made (collateral +=
 * size·(F − snapshot)), so an exit is paid as if every position were settled and closed at the index.
 */
import { fromFieldSigned } from "../../sequencer/state/field.ts";
import { L1Error } from "./errors.ts";

const HEAD = 5;
const PER_POSITION = 3;
const COLLATERAL = 3;

/** The payout of v2 leaf fields (mod p, as hashed) at the given index prices and funding indexes. */
export function desertPayout(
  leafFields: readonly bigint[],
  indexPrices: readonly bigint[],
  fundingIndexes: readonly bigint[],
): bigint {
  const M = indexPrices.length;
  if (fundingIndexes.length !== M || leafFields.length !== HEAD + PER_POSITION * M) {
    throw new L1Error("L1_BAD_EXIT_SHAPE", "the leaf, prices and funding indexes disagree on M", {
      details: { leaf: leafFields.length, prices: M, funding: fundingIndexes.length },
    });
  }
  const at = (i: number) => fromFieldSigned(leafFields[i] as bigint);
  let equity = at(COLLATERAL);
  for (let m = 0; m < M; m++) {
    const o = HEAD + PER_POSITION * m;
    const size = at(o);
    const index = fromFieldSigned(indexPrices[m] as bigint);
    const funding = fromFieldSigned(fundingIndexes[m] as bigint);
    equity += size * index - at(o + 1) + size * (funding - at(o + 2));
  }
  return equity > 0n ? equity : 0n;
}
