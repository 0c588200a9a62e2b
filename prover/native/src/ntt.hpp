// Radix-2 number-theoretic transform over Fr (Montgomery form), in place.
// The 2^k-th root of unity is 5^((r-1)/2^k), the same one ffjavascript's Fr.w[k] holds, so the
// evaluations land on the same points as snarkjs' and the zkey's H section.
#pragma once
#include <algorithm>
#include <vector>

#include "field.hpp"
#include "parallel.hpp"

namespace zk {

constexpr int FR_TWO_ADICITY = 28;

// A primitive 2^k-th root of unity (k <= 28), Montgomery form.
inline Fr root_of_unity(int k) {
  u64 e[4];
  u64 rm1[4];
  std::memcpy(rm1, FrParams::P, 32);
  rm1[0] -= 1;
  // e = (r - 1) >> k: r - 1 is divisible by 2^28.
  for (int i = 0; i < 4; i++) {
    u64 lo = rm1[i] >> k;
    u64 hi = (k > 0 && i + 1 < 4) ? (rm1[i + 1] << (64 - k)) : 0;
    e[i] = lo | hi;
  }
  u64 five[4] = {5, 0, 0, 0};
  return Fr::from_normal(five).pow(e);
}

inline size_t bit_reverse(size_t x, int bits) {
  size_t r = 0;
  for (int i = 0; i < bits; i++) {
    r = (r << 1) | (x & 1);
    x >>= 1;
  }
  return r;
}

// Powers w^0 .. w^(count-1).
inline std::vector<Fr> powers(const Fr& w, size_t count, int threads) {
  std::vector<Fr> out(count);
  parallel_for(count, threads, [&](size_t b, size_t e, int) {
    u64 bb[4] = {b, 0, 0, 0};
    Fr x = w.pow(bb);
    for (size_t i = b; i < e; i++) {
      out[i] = x;
      x = x * w;
    }
  });
  return out;
}

// Stages of half-block m < 2^NTT_BLOCK_LOG run inside contiguous blocks of 2^NTT_BLOCK_LOG elements
// (128 KiB, in L2), each block all its small stages at once; only the larger stages stream the whole
// array, one pass each. Their twiddles come from a compact table: stage m's w_{2m}^j at [m + j].
constexpr int NTT_BLOCK_LOG = 12;

// One radix-2 decimation-in-time stage s (half-block m = 2^(s-1)) over butterflies [b, e).
inline void dit_stage(Fr* a, int s, size_t stride, const Fr* tw, size_t b, size_t e) {
  const size_t m = (size_t)1 << (s - 1);
  for (size_t t = b; t < e; t++) {
    size_t blk = t >> (s - 1), j = t & (m - 1);
    size_t i1 = blk * 2 * m + j, i2 = i1 + m;
    Fr x = a[i2] * tw[j * stride];
    Fr u = a[i1];
    a[i1] = u + x;
    a[i2] = u - x;
  }
}

// One decimation-in-frequency stage: (u, v) -> (u + v, (u - v) w^j).
inline void dif_stage(Fr* a, int s, size_t stride, const Fr* tw, size_t b, size_t e) {
  const size_t m = (size_t)1 << (s - 1);
  for (size_t t = b; t < e; t++) {
    size_t blk = t >> (s - 1), j = t & (m - 1);
    size_t i1 = blk * 2 * m + j, i2 = i1 + m;
    Fr u = a[i1], v = a[i2];
    a[i1] = u + v;
    a[i2] = (u - v) * tw[j * stride];
  }
}

// w_{2m}^j at [m + j] for m < 2^L, from tw = w^0 .. w^(n/2 - 1) (w of order n = 2^logn).
inline std::vector<Fr> stage_twiddles(const std::vector<Fr>& tw, int logn) {
  const int L = std::min(logn, NTT_BLOCK_LOG);
  std::vector<Fr> out((size_t)1 << L);
  for (int s = 1; s <= L; s++) {
    const size_t m = (size_t)1 << (s - 1), stride = ((size_t)1 << logn) >> s;
    for (size_t j = 0; j < m; j++) out[m + j] = tw[j * stride];
  }
  return out;
}

// Bit-reversed input to natural output: a_j <- sum_i a_bitrev(i) w^(i j).
inline void dit_from_bitrev(Fr* a, int logn, const std::vector<Fr>& tw, const std::vector<Fr>& stw, int threads) {
  const size_t n = (size_t)1 << logn;
  if (n == 1) return;
  const int L = std::min(logn, NTT_BLOCK_LOG);
  const size_t bsize = (size_t)1 << L;
  parallel_for(n / bsize, threads, [&](size_t b, size_t e, int) {
    for (size_t blk = b; blk < e; blk++) {
      Fr* base = a + blk * bsize;
      for (int s = 1; s <= L; s++) dit_stage(base, s, 1, stw.data() + ((size_t)1 << (s - 1)), 0, bsize / 2);
    }
  });
  for (int s = L + 1; s <= logn; s++) {
    parallel_for(n / 2, threads, [&](size_t b, size_t e, int) { dit_stage(a, s, n >> s, tw.data(), b, e); });
  }
}

// Natural input to bit-reversed output, the same transform (Gentleman-Sande).
inline void dif_to_bitrev(Fr* a, int logn, const std::vector<Fr>& tw, const std::vector<Fr>& stw, int threads) {
  const size_t n = (size_t)1 << logn;
  if (n == 1) return;
  const int L = std::min(logn, NTT_BLOCK_LOG);
  const size_t bsize = (size_t)1 << L;
  for (int s = logn; s > L; s--) {
    parallel_for(n / 2, threads, [&](size_t b, size_t e, int) { dif_stage(a, s, n >> s, tw.data(), b, e); });
  }
  parallel_for(n / bsize, threads, [&](size_t b, size_t e, int) {
    for (size_t blk = b; blk < e; blk++) {
      Fr* base = a + blk * bsize;
      for (int s = L; s >= 1; s--) dif_stage(base, s, 1, stw.data() + ((size_t)1 << (s - 1)), 0, bsize / 2);
    }
  });
}

inline void bit_reverse_permute(Fr* a, int logn, int threads) {
  const size_t n = (size_t)1 << logn;
  parallel_for(n, threads, [&](size_t b, size_t e, int) {
    for (size_t i = b; i < e; i++) {
      size_t j = bit_reverse(i, logn);
      if (i < j) std::swap(a[i], a[j]);
    }
  });
}

// A domain of size 2^logn with forward and inverse twiddles. The prover pairs the bit-reversed
// forms (inverse by DIF to bit-reversed coefficients, forward by DIT back to natural order), so it
// never permutes; forward() and inverse() are the natural-order transforms.
struct Domain {
  int logn;
  size_t n;
  std::vector<Fr> tw, itw, stw, sitw;
  Fr inv_n;
  Domain(int logn_, int threads) : logn(logn_), n((size_t)1 << logn_) {
    Fr w = root_of_unity(logn);
    size_t h = n / 2 ? n / 2 : 1;
    tw = powers(w, h, threads);
    itw = powers(w.inv(), h, threads);
    stw = stage_twiddles(tw, logn);
    sitw = stage_twiddles(itw, logn);
    u64 nn[4] = {n, 0, 0, 0};
    inv_n = Fr::from_normal(nn).inv();
  }
  void forward(Fr* a, int threads) const {
    bit_reverse_permute(a, logn, threads);
    dit_from_bitrev(a, logn, tw, stw, threads);
  }
  // Forward transform of coefficients given in bit-reversed order; evaluations in natural order.
  void forward_from_bitrev(Fr* a, int threads) const { dit_from_bitrev(a, logn, tw, stw, threads); }
  // Inverse transform without the 1/n factor, coefficients in bit-reversed order.
  void inverse_to_bitrev_unscaled(Fr* a, int threads) const { dif_to_bitrev(a, logn, itw, sitw, threads); }
  // Inverse transform including the 1/n factor, natural order.
  void inverse(Fr* a, int threads) const {
    dif_to_bitrev(a, logn, itw, sitw, threads);
    bit_reverse_permute(a, logn, threads);
    parallel_for(n, threads, [&](size_t b, size_t e, int) {
      for (size_t i = b; i < e; i++) a[i] = a[i] * inv_n;
    });
  }
};

}  // namespace zk
