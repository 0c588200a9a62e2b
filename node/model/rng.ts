/**
 * Randomness behind an injected source, so a run is reproducible from its seed and a test can hand in
 * its own. The generator is sfc32 seeded from a string hash (cyrb128): small, fast and good enough for
 * resampling measured distributions; nothing here is cryptographic.
 */
export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
}

export function seededRandom(seed: string): RandomSource {
  let [a, b, c, d] = cyrb128(seed);
  return {
    next() {
      a >>>= 0;
      b >>>= 0;
      c >>>= 0;
      d >>>= 0;
      let t = (a + b) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      d = (d + 1) | 0;
      t = (t + d) | 0;
      c = (c + t) | 0;
      return (t >>> 0) / 4294967296;
    },
  };
}

function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}

/** Draws from a measured sample (resampling with replacement): the empirical distribution itself. */
export class Empirical {
  readonly #xs: readonly number[];
  constructor(
    xs: readonly number[],
    private readonly rng: RandomSource,
  ) {
    if (xs.length === 0) throw new RangeError("an empirical distribution needs at least one sample");
    this.#xs = xs;
  }
  draw(): number {
    return this.#xs[Math.floor(this.rng.next() * this.#xs.length)]!;
  }
}
