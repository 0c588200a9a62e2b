import assert from "node:assert/strict";
import { test } from "node:test";
import { bn254 } from "@noble/curves/bn254.js";
import fc from "fast-check";
import { SKIP_NATIVE, selftest } from "./native-helpers.ts";

const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;
function pow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b = mod(b, m);
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}
const inv = (a: bigint, m: bigint) => pow(a, m - 2n, m);

/** Random field elements with the edges mixed in: 0, 1, 2, p−1, p−2, (p−1)/2, and 2^k just below p. */
const element = (p: bigint) =>
  fc.oneof(
    fc.constantFrom(
      0n,
      1n,
      2n,
      p - 1n,
      p - 2n,
      (p - 1n) / 2n,
      (1n << 253n) - 1n,
      1n << 253n,
      p - (1n << 64n),
    ),
    fc.bigInt({ min: 0n, max: p - 1n }),
    fc.bigInt({ min: p - (1n << 70n), max: p - 1n }),
  );

for (const [name, p] of [
  ["fq", Q],
  ["fr", R],
] as const) {
  test(`${name}: add, sub, mul, neg, inv match BigInt on random and edge values`, {
    skip: SKIP_NATIVE,
  }, () => {
    const cases = fc.sample(fc.tuple(element(p), element(p)), 400);
    const lines: string[] = [];
    const want: string[] = [];
    for (const [a, b] of cases) {
      lines.push(
        `${name} add ${a} ${b}`,
        `${name} sub ${a} ${b}`,
        `${name} mul ${a} ${b}`,
        `${name} neg ${a}`,
      );
      want.push(`${mod(a + b, p)}`, `${mod(a - b, p)}`, `${(a * b) % p}`, `${mod(-a, p)}`);
      if (a !== 0n) {
        lines.push(`${name} inv ${a}`);
        want.push(`${inv(a, p)}`);
      }
    }
    assert.deepEqual(selftest(lines), want);
  });

  test(`${name}: only values below p count as canonical (p, 2^255 and 2^256−1 do not)`, {
    skip: SKIP_NATIVE,
  }, () => {
    const values = [
      0n,
      p - 1n,
      p,
      p + 1n,
      (1n << 254n) - 1n,
      1n << 254n,
      (1n << 255n) - 1n,
      1n << 255n,
      (1n << 256n) - 1n,
    ];
    const more = fc.sample(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), 200);
    const all = [...values, ...more];
    assert.deepEqual(
      selftest(all.map((v) => `${name} canon ${v}`)),
      all.map((v) => (v < p ? "1" : "0")),
    );
    // Field ops refuse non-canonical input rather than computing on it.
    assert.match(selftest([`${name} mul ${p} 1`])[0]!, /^error/);
  });
}

const scalar = fc.oneof(fc.constantFrom(0n, 1n, 2n, R - 1n, R - 2n), fc.bigInt({ min: 0n, max: R - 1n }));

function g1(k: bigint): string {
  if (k === 0n) return "inf";
  const a = bn254.G1.Point.BASE.multiply(k).toAffine();
  return `${a.x} ${a.y}`;
}
function g2(k: bigint): string {
  if (k === 0n) return "inf";
  const a = bn254.G2.Point.BASE.multiply(k).toAffine();
  return `${a.x.c0} ${a.x.c1} ${a.y.c0} ${a.y.c1}`;
}

test("g1 and g2: k·G matches @noble/curves", { skip: SKIP_NATIVE }, () => {
  const ks = fc.sample(scalar, 40);
  assert.deepEqual(selftest(ks.map((k) => `g1 mul ${k}`)), ks.map(g1));
  assert.deepEqual(selftest(ks.map((k) => `g2 mul ${k}`)), ks.map(g2));
});

// Point multiples k_i and scalars s_i: many 0s and 1s (as in real witnesses), repeats (bucket
// doublings), and points at infinity (k = 0).
const msmTerms = (maxLen: number) =>
  fc.array(
    fc.tuple(
      fc.oneof(fc.constantFrom(0n, 1n, 2n, 3n), scalar),
      fc.oneof(fc.constantFrom(0n, 1n, 2n, R - 1n), scalar),
    ),
    { minLength: 1, maxLength: maxLen },
  );

for (const [name, gen] of [
  ["g1", g1],
  ["g2", g2],
] as const) {
  test(`${name}: Pippenger MSM (Jacobian and batch-affine buckets) equals the naive sum and (Σ k·s)·G`, {
    skip: SKIP_NATIVE,
  }, () => {
    const cases = fc.sample(msmTerms(name === "g1" ? 300 : 80), name === "g1" ? 25 : 12);
    cases.push(
      [[5n, 7n]],
      [[1n, 1n]],
      [
        [3n, R - 1n],
        [3n, 1n],
      ],
    ); // a sum that cancels to infinity
    const out = selftest(cases.map((terms) => `${name} msm ${terms.map(([k, s]) => `${k} ${s}`).join(" ")}`));
    cases.forEach((terms, i) => {
      const total = terms.reduce((acc, [k, s]) => (acc + k * s) % R, 0n);
      const want = gen(total);
      assert.equal(out[i], `${want} | ${want} | ${want}`, `case ${i} (${terms.length} terms)`);
    });
  });
}

test("g1 and g2: MSM with forced windows (2, 5, 15, 16 bits) equals the naive sum, with 0, 1, r−1 and repeated scalars", {
  skip: SKIP_NATIVE,
}, () => {
  // Near r−1 the top windows are full, so the 16-bit digits reach their int16 edge (−2^15).
  const edgeScalar = fc.oneof(
    fc.constantFrom(0n, 1n, 2n, R - 1n, R - 2n, (R - 1n) / 2n, 1n << 240n, (1n << 253n) + 12345n),
    fc.bigInt({ min: R - (1n << 40n), max: R - 1n }),
    scalar,
  );
  const terms = (maxLen: number) =>
    fc.array(fc.tuple(fc.bigInt({ min: 1n, max: 1000n }), edgeScalar), { minLength: 1, maxLength: maxLen });
  for (const [name, gen, len] of [
    ["g1", g1, 120],
    ["g2", g2, 40],
  ] as const) {
    const cases = fc.sample(terms(len), 4);
    cases.push([
      [7n, R - 1n],
      [9n, R - 1n],
      [11n, 1n],
    ]);
    const lines: string[] = [];
    const want: string[] = [];
    for (const w of [2, 5, 15, 16]) {
      for (const t of cases) {
        lines.push(`${name} msmw ${w} ${t.map(([k, s]) => `${k} ${s}`).join(" ")}`);
        const p = gen(t.reduce((acc, [k, s]) => (acc + k * s) % R, 0n));
        want.push(`${p} | ${p} | ${p}`);
      }
    }
    assert.deepEqual(selftest(lines), want);
  }
});

test("ntt: forward is the DFT at powers of 5^((r−1)/n), and the inverse undoes it", {
  skip: SKIP_NATIVE,
}, () => {
  for (const logn of [0, 1, 2, 3, 5]) {
    const n = 1 << logn;
    const vals = fc.sample(fc.bigInt({ min: 0n, max: R - 1n }), n);
    const w = pow(5n, (R - 1n) / BigInt(n), R);
    const dft = Array.from({ length: n }, (_, j) =>
      vals.reduce((acc, v, i) => (acc + v * pow(w, BigInt(i * j), R)) % R, 0n),
    );
    const [fwd] = selftest([`ntt ${logn} ${vals.join(" ")}`]);
    assert.equal(fwd, dft.join(" "), `n = ${n}`);
    const [back] = selftest([`intt ${logn} ${fwd}`]);
    assert.equal(back, vals.join(" "), `inverse, n = ${n}`);
  }
  // A larger size, inverse only (the naive DFT would be slow in BigInt).
  // 2^12 also takes the threaded path (the first stages in per-thread blocks).
  const big = fc.sample(fc.bigInt({ min: 0n, max: R - 1n }), 1 << 12);
  const [f] = selftest([`ntt 12 ${big.join(" ")}`]);
  assert.equal(selftest([`intt 12 ${f}`])[0], big.join(" "));
});

const bitrev = (xs: string[]): string[] => {
  const bits = Math.log2(xs.length);
  return xs.map((_, i) => {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    return xs[r]!;
  });
};

test("ntt: the prover's bit-reversed halves (DIF inverse, DIT forward) match the natural transforms and undo each other", {
  skip: SKIP_NATIVE,
}, () => {
  // 2^14 and 2^15 run both the in-block (2^12) stages and the streaming ones.
  for (const logn of [0, 1, 3, 12, 14, 15]) {
    const vals = fc.sample(fc.bigInt({ min: 0n, max: R - 1n }), 1 << logn).map(String);
    const [inv, invBr, fwd] = selftest([
      `intt ${logn} ${vals.join(" ")}`,
      `intt-br ${logn} ${vals.join(" ")}`,
      `ntt ${logn} ${vals.join(" ")}`,
    ]);
    assert.equal(invBr, bitrev(inv!.split(" ")).join(" "), `intt-br, n = 2^${logn}`);
    const [fwdBr, back] = selftest([`ntt-br ${logn} ${bitrev(vals).join(" ")}`, `ntt-br ${logn} ${invBr}`]);
    assert.equal(fwdBr, fwd, `ntt-br, n = 2^${logn}`);
    assert.equal(back, vals.join(" "), `ntt-br undoes intt-br, n = 2^${logn}`);
  }
});
