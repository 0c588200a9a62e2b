// Fixed-base multiplication k·G for many scalars k (the dev setup's job): 8-bit windows over a
// precomputed table T[j][d] = d·2^(8j)·G in affine form, so each scalar costs at most 32 mixed
// additions; results are normalised to affine with one shared inversion per chunk.
#pragma once
#include <vector>

#include "curve.hpp"
#include "parallel.hpp"

namespace zk {

template <class F>
void batch_to_affine(const Jac<F>* in, Affine<F>* out, size_t n) {
  std::vector<F> pref(n);
  F acc = F::one();
  for (size_t i = 0; i < n; i++) {
    pref[i] = acc;
    if (!in[i].is_inf()) acc = acc * in[i].Z;
  }
  F inv = acc.inv();
  for (size_t i = n; i-- > 0;) {
    if (in[i].is_inf()) {
      out[i] = Affine<F>{F::zero(), F::zero()};
      continue;
    }
    F zi = inv * pref[i];
    inv = inv * in[i].Z;
    F zi2 = zi.sqr();
    out[i] = Affine<F>{in[i].X * zi2, in[i].Y * zi2 * zi};
  }
}

template <class F>
class FixedBase {
 public:
  static constexpr int W = 8, NW = 32, ND = (1 << W) - 1;

  FixedBase(const Affine<F>& g, int threads) : table_((size_t)NW * ND) {
    std::vector<Jac<F>> jt((size_t)NW * ND);
    std::vector<Jac<F>> base(NW);
    base[0] = Jac<F>::from(g);
    for (int j = 1; j < NW; j++) {
      Jac<F> b = base[j - 1];
      for (int k = 0; k < W; k++) b = b.dbl();
      base[j] = b;
    }
    parallel_for(NW, threads, [&](size_t lo, size_t hi, int) {
      for (size_t j = lo; j < hi; j++) {
        Jac<F> acc = base[j];
        jt[j * ND] = acc;
        for (int d = 2; d <= ND; d++) {
          acc = acc.add(base[j]);
          jt[j * ND + d - 1] = acc;
        }
      }
    });
    batch_to_affine(jt.data(), table_.data(), jt.size());
  }

  Jac<F> mul(const u64* k) const {
    Jac<F> acc = Jac<F>::inf();
    for (int j = 0; j < NW; j++) {
      unsigned d = (unsigned)((k[j / 8] >> ((j % 8) * 8)) & 0xff);
      if (d) acc = acc.madd(table_[(size_t)j * ND + d - 1]);
    }
    return acc;
  }

  // k_i·G for n scalars (32-byte LE normal form) into affine points.
  void mul_many(const uint8_t* scalars, size_t n, Affine<F>* out, int threads) const {
    parallel_for(n, threads, [&](size_t lo, size_t hi, int) {
      const size_t CH = 1024;
      std::vector<Jac<F>> tmp(CH);
      for (size_t b = lo; b < hi; b += CH) {
        size_t e = std::min(hi, b + CH);
        for (size_t i = b; i < e; i++) {
          u64 k[4];
          std::memcpy(k, scalars + i * 32, 32);
          tmp[i - b] = mul(k);
        }
        batch_to_affine(tmp.data(), out + b, e - b);
      }
    });
  }

 private:
  std::vector<Affine<F>> table_;
};

}  // namespace zk
