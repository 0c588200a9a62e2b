import { buildBn128 } from "ffjavascript";
import { insecureBanner } from "./banner.ts";
import { FixedBaseMultiplier, type Group, packScalars } from "./fixed-base.ts";
import { NativeFixedBase } from "./fixed-base-native.ts";
import { type OnSetupProgress, progressBars } from "./progress.ts";
import { readR1cs } from "./r1cs-reader.ts";
import { computeScalars } from "./scalars.ts";
import { toxicWasteFromSeed } from "./toxic-waste.ts";
import { writeZkey } from "./zkey-writer.ts";

export interface DevSetupOptions {
  /** Public seed of the toxic waste. Same seed and r1cs → byte-identical zkey. */
  seed: string;
  /** Progress per step; when omitted, cli-progress bars on stderr. */
  onProgress?: OnSetupProgress;
  /** Where the INSECURE banner goes (default: stderr). Pass `() => {}` only in tests that assert it elsewhere. */
  warn?: (msg: string) => void;
  /** Worker threads for the group multiplications (default: one per core). */
  threads?: number;
  /**
   * The native prover binary (prover/native/build/zkprove) to do the group multiplications with, about
   * 4x faster than the wasm workers; same bytes. Omitted: the wasm workers.
   */
  nativeBin?: string;
}

export interface DevSetupResult {
  nVars: number;
  nPublic: number;
  nConstraints: number;
  power: number;
  domainSize: number;
  /** blake2b-512 of the key's points, hex. */
  circuitHash: string;
  timingsMs: { scalars: number; points: number; write: number; total: number };
}

/**
 * INSECURE Groth16 setup for development: samples τ, α, β, γ, δ from `seed` and writes a snarkjs 0.7
 * groth16 zkey directly. With τ known, each Lagrange value L_i(τ) is a field element, so each section is
 * a batch of fixed-base multiplications of the generators — no powers-of-tau file and no FFT over
 * group elements (gnark's groth16.Setup works the same way).
 */
export async function devSetup(
  r1csPath: string,
  zkeyPath: string,
  opts: DevSetupOptions,
): Promise<DevSetupResult> {
  (opts.warn ?? ((m: string) => process.stderr.write(`${m}\n`)))(insecureBanner(opts.seed));
  const bars = opts.onProgress ? undefined : progressBars();
  const onProgress = opts.onProgress ?? bars?.onProgress ?? (() => {});
  const t0 = performance.now();
  const curve = await buildBn128();
  let pool: FixedBaseMultiplier | NativeFixedBase | undefined;
  try {
    const r1cs = await readR1cs(r1csPath);
    const roots: bigint[] = curve.Fr.w.map((w: Uint8Array) => curve.Fr.toObject(w) as bigint);
    onProgress({ step: "scalars", done: 0, total: 1 });
    const waste = toxicWasteFromSeed(opts.seed);
    const s = computeScalars(r1cs, waste, roots);
    onProgress({ step: "scalars", done: 1, total: 1 });
    const t1 = performance.now();

    pool = opts.nativeBin
      ? new NativeFixedBase(opts.nativeBin, opts.threads)
      : await FixedBaseMultiplier.create(curve, opts.threads);
    const engine = pool;
    const mul = (step: string, group: Group, values: readonly bigint[]) =>
      engine.mul(group, packScalars(values), (done) => onProgress({ step, done, total: values.length }));
    const g1Head = await mul("header", "g1", [waste.alpha, waste.beta, waste.delta]);
    const g2Head = await mul("header", "g2", [waste.beta, waste.gamma, waste.delta]);
    const ic = await mul("IC", "g1", s.ic);
    const h = await mul("H", "g1", s.h);
    const c = await mul("C", "g1", s.c);
    const a = await mul("A", "g1", s.a);
    const b1 = await mul("B1", "g1", s.b);
    const b2 = await mul("B2", "g2", s.b);
    const t2 = performance.now();

    const csHash = await writeZkey(zkeyPath, {
      nVars: s.nVars,
      nPublic: s.nPublic,
      domainSize: s.domainSize,
      alpha1: g1Head.slice(0, 64),
      beta1: g1Head.slice(64, 128),
      delta1: g1Head.slice(128, 192),
      beta2: g2Head.slice(0, 128),
      gamma2: g2Head.slice(128, 256),
      delta2: g2Head.slice(256, 384),
      coeffs: s.coeffSection,
      ic,
      a,
      b1,
      b2,
      c,
      h,
    });
    const t3 = performance.now();
    return {
      nVars: s.nVars,
      nPublic: s.nPublic,
      nConstraints: r1cs.nConstraints,
      power: s.power,
      domainSize: s.domainSize,
      circuitHash: Buffer.from(csHash).toString("hex"),
      timingsMs: { scalars: t1 - t0, points: t2 - t1, write: t3 - t2, total: t3 - t0 },
    };
  } finally {
    bars?.stop();
    await pool?.terminate();
    await curve.terminate();
  }
}
