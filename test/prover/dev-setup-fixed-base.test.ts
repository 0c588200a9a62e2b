import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { buildBn128 } from "ffjavascript";
import { R } from "../../prover/setup/field.ts";
import { AFFINE_SIZE, FixedBaseMultiplier, packScalars } from "../../prover/setup/fixed-base.ts";
import { lagrangeAt } from "../../prover/setup/lagrange.ts";

let curve: any;
let pool: FixedBaseMultiplier;
before(async () => {
  curve = await buildBn128();
  pool = await FixedBaseMultiplier.create(curve, 2);
});
after(async () => {
  await pool.terminate();
  await curve.terminate();
});

// Edge scalars: zero, small, window boundaries, r-1, and a spread of pseudo-random ones.
const scalars = [0n, 1n, 2n, 255n, 256n, 257n, (1n << 248n) + 1n, R - 1n, R - 2n];
let x = 0x9e3779b97f4a7c15n;
for (let i = 0; i < 40; i++) {
  x = (x * 6364136223846793005n + 1442695040888963407n) % R;
  scalars.push((x * x * x) % R);
}

for (const group of ["g1", "g2"] as const) {
  test(`windowed ${group} multiplication equals ffjavascript's timesScalar on the generator`, async () => {
    const G = group === "g1" ? curve.G1 : curve.G2;
    const size = AFFINE_SIZE[group];
    const got = await pool.mul(group, packScalars(scalars));
    scalars.forEach((k, i) => {
      const want = new Uint8Array(size);
      G.toRprLEM(want, 0, G.toAffine(G.timesScalar(G.g, k)));
      assert.deepEqual(got.slice(i * size, (i + 1) * size), want, `scalar #${i}`);
    });
  });
}

test("Lagrange values at tau match an inverse FFT of the powers of tau over ffjavascript's domain", async () => {
  const n = 16;
  const tau = 123456789n;
  const powers = new Uint8Array(n * 32);
  let p = 1n;
  for (let i = 0; i < n; i++) {
    powers.set(curve.Fr.e(p), i * 32);
    p = (p * tau) % R;
  }
  const coeffs = await curve.Fr.ifft(powers);
  const omega = curve.Fr.toObject(curve.Fr.w[4]) as bigint;
  const lag = lagrangeAt(tau, omega, n);
  for (let i = 0; i < n; i++) assert.equal(lag[i], curve.Fr.toObject(coeffs.slice(i * 32, (i + 1) * 32)));
});
