// Multi-scalar multiplication sum_i s_i * P_i by Pippenger's bucket method with signed windows.
// Scalars are 32-byte little-endian integers in normal form (< r < 2^254); points are affine in the
// zkey layout. Zero scalars and points at infinity are skipped; scalars equal to 1 are added
// directly. Windows are shared between threads.
#pragma once
#include <atomic>
#include <cstring>
#include <vector>

#include "curve.hpp"
#include "parallel.hpp"

namespace zk {

constexpr int SCALAR_BITS = 254;

template <class F>
inline Affine<F> load_point(const uint8_t* base, size_t i) {
  Affine<F> p;
  std::memcpy(&p, base + i * sizeof(Affine<F>), sizeof(Affine<F>));
  return p;
}

inline void load_scalar(const uint8_t* base, size_t i, u64* s) { std::memcpy(s, base + i * 32, 32); }

// Window size minimising (windows) * (points + 2 * buckets): the bucket sum costs two adds a bucket.
inline int choose_window(size_t m) {
  int best = 2;
  double best_cost = 1e300;
  for (int c = 2; c <= 15; c++) {
    double windows = SCALAR_BITS / c + 1;
    double cost = windows * ((double)m + 3.0 * (double)(1u << (c - 1)));
    if (cost < best_cost) {
      best_cost = cost;
      best = c;
    }
  }
  return best;
}

// Signed digits of one scalar, |d| <= 2^(c-1), sum d_w 2^(c w) = s.
inline void signed_digits(const u64* s, int c, int nw, int16_t* out, size_t stride) {
  int carry = 0;
  const int half = 1 << (c - 1);
  for (int w = 0; w < nw; w++) {
    int bit = w * c;
    int v = 0;
    if (bit < 256) {
      int limb = bit / 64, off = bit % 64;
      u64 x = s[limb] >> off;
      if (off + c > 64 && limb + 1 < 4) x |= s[limb + 1] << (64 - off);
      v = (int)(x & ((1ULL << c) - 1));
    }
    v += carry;
    if (v > half) {
      v -= (1 << c);
      carry = 1;
    } else {
      carry = 0;
    }
    out[(size_t)w * stride] = (int16_t)v;
  }
}

template <class F>
Jac<F> msm(const uint8_t* points, const uint8_t* scalars, size_t n, int threads) {
  using J = Jac<F>;
  using A = Affine<F>;
  // 1. Classify: skip 0 and infinity, add scalar-1 points now, keep the rest.
  std::vector<std::vector<uint32_t>> idx(threads);
  std::vector<J> ones(threads, J::inf());
  parallel_for(n, threads, [&](size_t b, size_t e, int t) {
    auto& mine = idx[t];
    J acc = J::inf();
    for (size_t i = b; i < e; i++) {
      u64 s[4];
      load_scalar(scalars, i, s);
      if ((s[0] | s[1] | s[2] | s[3]) == 0) continue;
      A p = load_point<F>(points, i);
      if (p.is_inf()) continue;
      if (s[0] == 1 && (s[1] | s[2] | s[3]) == 0) {
        acc = acc.madd(p);
        continue;
      }
      mine.push_back((uint32_t)i);
    }
    ones[t] = acc;
  });
  J result = J::inf();
  for (auto& o : ones) result = result.add(o);
  std::vector<uint32_t> list;
  for (auto& v : idx) list.insert(list.end(), v.begin(), v.end());
  const size_t m = list.size();
  if (m == 0) return result;

  // 2. Signed digits, window-major.
  const int c = choose_window(m);
  const int nw = SCALAR_BITS / c + 1;
  std::vector<int16_t> digits((size_t)nw * m);
  parallel_for(m, threads, [&](size_t b, size_t e, int) {
    for (size_t k = b; k < e; k++) {
      u64 s[4];
      load_scalar(scalars, list[k], s);
      signed_digits(s, c, nw, digits.data() + k, m);
    }
  });

  // 3. One bucket pass per window; threads take windows in turn.
  const int nb = 1 << (c - 1);
  std::vector<J> wsum(nw, J::inf());
  std::atomic<int> next{0};
  auto work = [&]() {
    std::vector<J> buckets(nb);
    for (;;) {
      int w = next.fetch_add(1);
      if (w >= nw) break;
      for (auto& bk : buckets) bk = J::inf();
      const int16_t* d = digits.data() + (size_t)w * m;
      for (size_t k = 0; k < m; k++) {
        int v = d[k];
        if (v == 0) continue;
        A p = load_point<F>(points, list[k]);
        if (v > 0) {
          buckets[v - 1] = buckets[v - 1].madd(p);
        } else {
          buckets[-v - 1] = buckets[-v - 1].madd(p.neg());
        }
      }
      J run = J::inf(), sum = J::inf();
      for (int b = nb - 1; b >= 0; b--) {
        run = run.add(buckets[b]);
        sum = sum.add(run);
      }
      wsum[w] = sum;
    }
  };
  int nt = std::min(threads, nw);
  std::vector<std::thread> pool;
  for (int t = 1; t < nt; t++) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();

  // 4. Horner over the windows.
  J acc = J::inf();
  for (int w = nw - 1; w >= 0; w--) {
    for (int k = 0; k < c; k++) acc = acc.dbl();
    acc = acc.add(wsum[w]);
  }
  return result.add(acc);
}

// Reference: sum of k_i P_i by double-and-add, for tests.
template <class F>
Jac<F> msm_naive(const uint8_t* points, const uint8_t* scalars, size_t n) {
  Jac<F> acc = Jac<F>::inf();
  for (size_t i = 0; i < n; i++) {
    u64 s[4];
    load_scalar(scalars, i, s);
    acc = acc.add(Jac<F>::from(load_point<F>(points, i)).mul(s));
  }
  return acc;
}

}  // namespace zk
