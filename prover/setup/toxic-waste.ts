import { sha256 } from "@noble/hashes/sha2.js";
import { R, readLE32 } from "./field.ts";

/**
 * The secret scalars of a Groth16 setup. Whoever knows them can forge proofs: in the dev setup they are
 * derived from a public seed, which is exactly why that setup is insecure.
 */
export interface ToxicWaste {
  tau: bigint;
  alpha: bigint;
  beta: bigint;
  gamma: bigint;
  delta: bigint;
}

/** Hash-to-field with a counter, so every label gets an independent non-zero scalar. */
function scalarFromSeed(seed: string, label: string): bigint {
  for (let ctr = 0; ; ctr++) {
    const digest = sha256(new TextEncoder().encode(`zk-perps/dev-setup/v1/${label}/${ctr}/${seed}`));
    const v = readLE32(new DataView(digest.buffer, digest.byteOffset, 32), 0) % R;
    if (v !== 0n) return v;
  }
}

export function toxicWasteFromSeed(seed: string): ToxicWaste {
  return {
    tau: scalarFromSeed(seed, "tau"),
    alpha: scalarFromSeed(seed, "alpha"),
    beta: scalarFromSeed(seed, "beta"),
    gamma: scalarFromSeed(seed, "gamma"),
    delta: scalarFromSeed(seed, "delta"),
  };
}
