import { createHash } from "node:crypto";

/**
 * A seeded random source (SHA-256 in counter mode). Anything random in the system takes one of these,
 * so a run can be replayed exactly from its seed.
 */
export class SeededRandom {
  #counter = 0n;
  constructor(readonly seed: string) {}

  /** Uniform in [0, 1). */
  next(): number {
    const h = createHash("sha256")
      .update(`${this.seed}:${this.#counter++}`)
      .digest();
    return h.readUIntBE(0, 6) / 2 ** 48;
  }
}
