/**
 * The engine's only randomness: SplitMix64 seeded by (params.risk.rngSeed, the tx's seq). The seq is in
 * the WAL with the tx, so a replay draws the same numbers; no draw depends on wall time or on how many
 * draws earlier txs made.
 */
const MASK = (1n << 64n) - 1n;
const GOLDEN = 0x9e3779b97f4a7c15n;

export function txRng(seed: bigint, seq: bigint): () => number {
  let x = ((seed & MASK) * GOLDEN) ^ (seq & MASK);
  x &= MASK;
  return () => {
    x = (x + GOLDEN) & MASK;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
    z ^= z >> 31n;
    return Number(z >> 11n) / 2 ** 53;
  };
}
