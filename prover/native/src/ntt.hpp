// Radix-2 number-theoretic transform over Fr (Montgomery form), in place, natural order in and out.
// The 2^k-th root of unity is 5^((r-1)/2^k), the same one ffjavascript's Fr.w[k] holds, so the
// evaluations land on the same points as snarkjs' and the zkey's H section.
#pragma once
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

// One radix-2 stage s (half-block m = 2^(s-1)) over butterflies [b, e) of the array a.
inline void ntt_stage(Fr* a, int s, size_t stride, const std::vector<Fr>& tw, size_t b, size_t e) {
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

// Forward transform with root w of order n = 2^logn: a_j <- sum_i a_i w^(i j).
// tw must hold w^0 .. w^(n/2 - 1). After the bit reversal, the first logn - k stages stay inside
// 2^k contiguous blocks, so each thread runs them on its own block with no synchronisation; only the
// last k stages are split across threads stage by stage.
inline void ntt(Fr* a, int logn, const std::vector<Fr>& tw, int threads) {
  const size_t n = (size_t)1 << logn;
  if (n == 1) return;
  parallel_for(n, threads, [&](size_t b, size_t e, int) {
    for (size_t i = b; i < e; i++) {
      size_t j = bit_reverse(i, logn);
      if (i < j) std::swap(a[i], a[j]);
    }
  });
  int k = 0;
  while ((1 << (k + 1)) <= threads && k + 1 < logn && logn - (k + 1) >= 10) k++;
  const size_t blocks = (size_t)1 << k, bsize = n >> k;
  parallel_for(blocks, (int)blocks, [&](size_t b, size_t e, int) {
    for (size_t blk = b; blk < e; blk++) {
      Fr* base = a + blk * bsize;
      for (int s = 1; s <= logn - k; s++) ntt_stage(base, s, n >> s, tw, 0, bsize / 2);
    }
  });
  const size_t half = n / 2;
  for (int s = logn - k + 1; s <= logn; s++) {
    parallel_for(half, threads, [&](size_t b, size_t e, int) { ntt_stage(a, s, n >> s, tw, b, e); });
  }
}

// A domain of size 2^logn with forward and inverse twiddles.
struct Domain {
  int logn;
  size_t n;
  std::vector<Fr> tw, itw;
  Fr inv_n;
  Domain(int logn_, int threads) : logn(logn_), n((size_t)1 << logn_) {
    Fr w = root_of_unity(logn);
    size_t h = n / 2 ? n / 2 : 1;
    tw = powers(w, h, threads);
    itw = powers(w.inv(), h, threads);
    u64 nn[4] = {n, 0, 0, 0};
    inv_n = Fr::from_normal(nn).inv();
  }
  void forward(Fr* a, int threads) const { ntt(a, logn, tw, threads); }
  // Inverse transform without the 1/n factor (the caller folds it into its next pass).
  void inverse_unscaled(Fr* a, int threads) const { ntt(a, logn, itw, threads); }
  // Inverse transform including the 1/n factor.
  void inverse(Fr* a, int threads) const {
    ntt(a, logn, itw, threads);
    parallel_for(n, threads, [&](size_t b, size_t e, int) {
      for (size_t i = b; i < e; i++) a[i] = a[i] * inv_n;
    });
  }
};

}  // namespace zk
