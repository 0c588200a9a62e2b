// Multi-scalar multiplication sum_i s_i * P_i by Pippenger's bucket method with signed windows.
// Scalars are 32-byte little-endian integers in normal form (< r < 2^254); points are affine in the
// zkey layout. Zero scalars and points at infinity are skipped; scalars equal to 1 are added
// directly; points with equal scalars are summed before the windows. Windows are shared between threads.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <utility>
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

// The MSM's terms after grouping: first ns points of the input, by index (list), then the side
// table of summed groups.
template <class F>
struct Entries {
  const uint8_t* points;
  const uint32_t* list;
  size_t ns;
  const Affine<F>* side;
  ZK_INLINE Affine<F> get(size_t k) const { return k < ns ? load_point<F>(points, list[k]) : side[k - ns]; }
  ZK_INLINE void prefetch(size_t k) const {
    if (k < ns) __builtin_prefetch(points + (size_t)list[k] * sizeof(Affine<F>));
  }
};

struct KeyIdx {
  u64 key;
  uint32_t idx;
  bool operator<(const KeyIdx& o) const { return key != o.key ? key < o.key : idx < o.idx; }
};

// A 64-bit mix of a scalar's limbs: equal scalars have equal keys.
inline u64 scalar_key(const u64* s) {
  u64 h = s[0] ^ (s[1] * 0x9e3779b97f4a7c15ULL) ^ (s[2] * 0xc2b2ae3d27d4eb4fULL) ^ (s[3] * 0x165667b19e3779f9ULL);
  return h ^ (h >> 29);
}

// Sorts by (key, index): one chunk per thread, then pairwise merges.
inline void sort_keys(std::vector<KeyIdx>& v, int threads) {
  const size_t n = v.size();
  int t = std::max(1, std::min(threads, (int)(n / 65536)));
  std::vector<size_t> cut(t + 1);
  for (int i = 0; i <= t; i++) cut[i] = n * i / t;
  parallel_for(t, t, [&](size_t b, size_t e, int) {
    for (size_t i = b; i < e; i++) std::sort(v.begin() + cut[i], v.begin() + cut[i + 1]);
  });
  for (int width = 1; width < t; width *= 2) {
    for (int i = 0; i + width < t; i += 2 * width) {
      int hi = std::min(t, i + 2 * width);
      std::inplace_merge(v.begin() + cut[i], v.begin() + cut[i + width], v.begin() + cut[hi]);
    }
  }
}

template <class F>
void batch_to_affine_jac(const Jac<F>* in, Affine<F>* out, size_t n) {
  F acc = F::one();
  std::vector<F> pref(n);
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

// Window size minimising the rounds of windows per thread * (points + 3 * buckets), in mixed
// additions: a bucket costs a mixed and a full addition in the running sum, and threads take whole
// windows, so 17 windows on 2 threads cost 9 rounds. (A 4.5 weight, closer to batch-affine costs,
// measured the same.) Digits are int16, so 16 bits is the widest (--msm-window 16); the automatic
// choice stops at 15: at 2^20 on 2 threads 16 bits (16 windows, 8 each) measured ~5% slower than 15
// (17 windows), the 2 MiB of G1 buckets per thread falling out of L2.
inline int choose_window(size_t m, int threads = 1) {
  int best = 2;
  double best_cost = 1e300;
  for (int c = 2; c <= 15; c++) {
    int nw = SCALAR_BITS / c + 1;
    double rounds = (nw + threads - 1) / threads;
    double cost = rounds * ((double)m + 3.0 * (double)(1u << (c - 1)));
    if (cost < best_cost) {
      best_cost = cost;
      best = c;
    }
  }
  return best;
}

// Signed digits of one scalar, -2^(c-1) <= d <= 2^(c-1), sum d_w 2^(c w) = s. At c = 16 the digits
// are -2^15 <= d < 2^15 (int16); the top window of a 254-bit scalar then holds 14 bits and the carry,
// below 2^15, so it never wraps.
inline void signed_digits(const u64* s, int c, int nw, int16_t* out, size_t stride) {
  int carry = 0;
  const int half = 1 << (c - 1);
  const int lim = c == 16 ? half - 1 : half;
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
    if (v > lim) {
      v -= (1 << c);
      carry = 1;
    } else {
      carry = 0;
    }
    out[(size_t)w * stride] = (int16_t)v;
  }
}

// How bucket sums are accumulated. Batch-affine adds ~6 multiplications per point (one shared
// inversion per batch by Montgomery's trick) against ~11 for mixed Jacobian additions.
struct MsmOptions {
  enum Mode { Auto, Jacobian, BatchAffine } mode = Auto;
  size_t batch = 0;  // pending additions per shared inversion; 0 = from the bucket count
  int window = 0;    // window bits; 0 = choose_window
};

// Bucket sums of one window with mixed Jacobian additions.
template <class F>
Jac<F> window_jacobian(const Entries<F>& ent, const int16_t* d, size_t m, int nb, std::vector<Jac<F>>& buckets) {
  using J = Jac<F>;
  buckets.assign(nb, J::inf());
  for (size_t k = 0; k < m; k++) {
    int v = d[k];
    if (v == 0) continue;
    Affine<F> p = ent.get(k);
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
  return sum;
}

// Bucket sums of one window with affine buckets and batched affine additions. A bucket that already
// has an addition pending in the current batch defers the point to the next batch; if deferrals pile
// up (many equal digits), they go to per-bucket Jacobian sums instead.
template <class F>
struct BatchAffineWindow {
  using A = Affine<F>;
  using J = Jac<F>;
  int nb;
  size_t batch;
  std::vector<A> bucket;
  std::vector<uint8_t> full;
  std::vector<uint32_t> busy;
  uint32_t epoch = 1;
  std::vector<uint32_t> pb;
  std::vector<A> pp;
  std::vector<F> den, pref;
  std::vector<std::pair<uint32_t, A>> deferred, retry;
  std::vector<J> extra;
  bool hasExtra = false;

  BatchAffineWindow(int nb_, size_t batch_) : nb(nb_), batch(batch_) {
    bucket.resize(nb);
    full.resize(nb);
    busy.resize(nb);
  }

  bool try_add(uint32_t b, const A& p) {
    if (!full[b]) {
      bucket[b] = p;
      full[b] = 1;
      return true;
    }
    if (busy[b] == epoch) return false;
    busy[b] = epoch;
    pb.push_back(b);
    pp.push_back(p);
    return true;
  }

  void flush() {
    const size_t k = pb.size();
    if (k == 0) return;
    den.resize(k);
    pref.resize(k);
    F acc = F::one();
    // Buckets are touched in random order (1 MiB of them at 15-bit windows): fetch a few ahead.
    constexpr size_t AHEAD = 8;
    for (size_t i = 0; i < k; i++) {
      if (i + AHEAD < k) __builtin_prefetch(&bucket[pb[i + AHEAD]], 1);
      const A& b = bucket[pb[i]];
      const A& p = pp[i];
      F dn;
      if (b.x == p.x) {
        dn = (b.y == p.y) ? b.y.dbl() : F::one();  // doubling, or P + (-P) (no division)
      } else {
        dn = p.x - b.x;
      }
      den[i] = dn;
      pref[i] = acc;
      acc = acc * dn;
    }
    F inv = acc.inv();
    for (size_t i = k; i-- > 0;) {
      if (i >= AHEAD) __builtin_prefetch(&bucket[pb[i - AHEAD]], 1);
      F di = inv * pref[i];
      inv = inv * den[i];
      A& b = bucket[pb[i]];
      const A& p = pp[i];
      F lam;
      if (b.x == p.x) {
        if (!(b.y == p.y)) {
          full[pb[i]] = 0;
          continue;
        }
        F xx = b.x.sqr();
        lam = (xx.dbl() + xx) * di;
      } else {
        lam = (p.y - b.y) * di;
      }
      F x3 = lam.sqr() - b.x - p.x;
      b.y = lam * (b.x - x3) - b.y;
      b.x = x3;
    }
    pb.clear();
    pp.clear();
    epoch++;
  }

  void spill_deferred() {
    if (!hasExtra) {
      extra.assign(nb, J::inf());
      hasExtra = true;
    }
    for (auto& [b, p] : deferred) extra[b] = extra[b].madd(p);
    deferred.clear();
  }

  void retry_deferred() {
    retry.swap(deferred);
    deferred.clear();
    for (auto& [b, p] : retry) {
      if (!try_add(b, p)) deferred.emplace_back(b, p);
    }
    retry.clear();
  }

  J run(const Entries<F>& ent, const int16_t* d, size_t m) {
    std::fill(full.begin(), full.end(), 0);
    hasExtra = false;
    for (size_t k = 0; k < m; k++) {
      int v = d[k];
      if (v == 0) continue;
      ent.prefetch(k + 8);
      A p = ent.get(k);
      uint32_t b;
      if (v > 0) {
        b = (uint32_t)(v - 1);
      } else {
        b = (uint32_t)(-v - 1);
        p = p.neg();
      }
      if (!try_add(b, p)) deferred.emplace_back(b, p);
      if (pb.size() >= batch) {
        flush();
        if (deferred.size() > 4 * batch) spill_deferred();
        retry_deferred();
      }
    }
    while (!pb.empty() || !deferred.empty()) {
      flush();
      retry_deferred();
      if (pb.size() < 32 && !deferred.empty()) {
        flush();
        spill_deferred();
      }
    }
    J run = J::inf(), sum = J::inf();
    for (int b = nb - 1; b >= 0; b--) {
      if (full[b]) run = run.madd(bucket[b]);
      if (hasExtra) run = run.add(extra[b]);
      sum = sum.add(run);
    }
    return sum;
  }
};

template <class F>
Jac<F> msm(const uint8_t* points, const uint8_t* scalars, size_t n, int threads, MsmOptions opt = {}) {
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
  if (list.empty()) return result;

  // 2. Equal scalars share one window pass: sum their points first (witnesses repeat values a lot,
  // e.g. the hashes of empty subtrees). Scalars are grouped by a 64-bit hash, sorted with the index,
  // so a run of equal keys holds the candidates; equality is then checked on all 32 bytes. Points of
  // a lone scalar stay where they are (the zkey section, read in index order); only the sums of
  // groups go to a small side table.
  const size_t nl = list.size();
  std::vector<KeyIdx> keys(nl);
  parallel_for(nl, threads, [&](size_t b, size_t e, int) {
    for (size_t k = b; k < e; k++) {
      u64 sc[4];
      load_scalar(scalars, list[k], sc);
      keys[k] = KeyIdx{scalar_key(sc), list[k]};
    }
  });
  sort_keys(keys, threads);
  std::vector<uint8_t> grouped;                   // 1 for the members of a group of >= 2 points
  std::vector<uint32_t> gmem, gstart;             // group members, and each group's start in gmem
  {
    auto eq = [&](uint32_t x, uint32_t y) { return std::memcmp(scalars + (size_t)x * 32, scalars + (size_t)y * 32, 32) == 0; };
    std::vector<uint32_t> run;
    for (size_t k = 0; k < nl;) {
      size_t e = k + 1;
      while (e < nl && keys[e].key == keys[k].key) e++;
      if (e - k > 1) {
        run.clear();
        for (size_t j = k; j < e; j++) run.push_back(keys[j].idx);
        // Hash collisions are all but impossible; a run that mixes values is split exactly.
        std::sort(run.begin(), run.end(), [&](uint32_t x, uint32_t y) {
          int c = std::memcmp(scalars + (size_t)x * 32, scalars + (size_t)y * 32, 32);
          return c != 0 ? c < 0 : x < y;
        });
        for (size_t a = 0; a < run.size();) {
          size_t bnd = a + 1;
          while (bnd < run.size() && eq(run[a], run[bnd])) bnd++;
          if (bnd - a > 1) {
            if (grouped.empty()) grouped.assign(n, 0);
            gstart.push_back((uint32_t)gmem.size());
            for (size_t j = a; j < bnd; j++) {
              gmem.push_back(run[j]);
              grouped[run[j]] = 1;
            }
          }
          a = bnd;
        }
      }
      k = e;
    }
    const size_t ng = gstart.size();
    gstart.push_back((uint32_t)gmem.size());
    std::vector<KeyIdx>().swap(keys);
    if (ng) {
      size_t w = 0;
      for (size_t k = 0; k < nl; k++) {
        if (!grouped[list[k]]) list[w++] = list[k];
      }
      list.resize(w);
    }
  }
  const size_t ngroups = gstart.size() - 1;
  std::vector<A> side(ngroups);
  std::vector<u64> sideScalar(ngroups * 4);
  {
    std::vector<J> sums(ngroups);
    parallel_for(ngroups, threads, [&](size_t b, size_t e, int) {
      for (size_t g = b; g < e; g++) {
        J acc = J::inf();
        for (uint32_t k = gstart[g]; k < gstart[g + 1]; k++) acc = acc.madd(load_point<F>(points, gmem[k]));
        sums[g] = acc;
        std::memcpy(&sideScalar[g * 4], scalars + (size_t)gmem[gstart[g]] * 32, 32);
      }
    });
    batch_to_affine_jac(sums.data(), side.data(), ngroups);
    // A group whose points sum to infinity drops out.
    size_t w = 0;
    for (size_t g = 0; g < ngroups; g++) {
      if (side[g].is_inf()) continue;
      side[w] = side[g];
      std::memcpy(&sideScalar[w * 4], &sideScalar[g * 4], 32);
      w++;
    }
    side.resize(w);
  }
  std::vector<uint32_t>().swap(gmem);
  std::vector<uint8_t>().swap(grouped);
  const size_t ns = list.size();
  const size_t m = ns + side.size();
  if (m == 0) return result;
  const Entries<F> ent{points, list.data(), ns, side.data()};

  // 3. Signed digits, window-major.
  const int c = opt.window ? opt.window : choose_window(m, threads);
  const int nw = SCALAR_BITS / c + 1;
  std::vector<int16_t> digits((size_t)nw * m);
  parallel_for(m, threads, [&](size_t b, size_t e, int) {
    for (size_t k = b; k < e; k++) {
      u64 s[4];
      if (k < ns) {
        load_scalar(scalars, list[k], s);
      } else {
        std::memcpy(s, &sideScalar[(k - ns) * 4], 32);
      }
      signed_digits(s, c, nw, digits.data() + k, m);
    }
  });

  // 4. One bucket pass per window; threads take windows in turn.
  const int nb = 1 << (c - 1);
  bool affine = opt.mode == MsmOptions::BatchAffine || (opt.mode == MsmOptions::Auto && m >= 4096);
  size_t batch = opt.batch ? opt.batch : std::max<size_t>(64, std::min<size_t>(2048, (size_t)nb / 4));
  std::vector<J> wsum(nw, J::inf());
  std::atomic<int> next{0};
  auto work = [&]() {
    std::vector<J> jb;
    std::unique_ptr<BatchAffineWindow<F>> ba;
    if (affine) ba.reset(new BatchAffineWindow<F>(nb, batch));
    for (;;) {
      int w = next.fetch_add(1);
      if (w >= nw) break;
      const int16_t* d = digits.data() + (size_t)w * m;
      // The top windows hold only a few bits (or just the carry): with so few buckets a batch would
      // be mostly deferrals, so they use Jacobian buckets.
      const int lo = w * c;
      const int used = lo >= SCALAR_BITS ? 1 : 1 << std::min(c - 1, SCALAR_BITS - lo);
      const bool few = opt.mode == MsmOptions::Auto && (size_t)used < 4 * batch;
      wsum[w] = affine && !few ? ba->run(ent, d, m) : window_jacobian<F>(ent, d, m, few ? used : nb, jb);
    }
  };
  int nt = std::min(threads, nw);
  std::vector<std::thread> pool;
  for (int t = 1; t < nt; t++) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();

  // 5. Horner over the windows.
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
