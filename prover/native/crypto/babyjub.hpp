// BabyJubjub (circomlib: a·x² + y² = 1 + d·x²·y², a = 168700, d = 168696 over BN254's scalar field).
// Points are validated on that curve, then mapped by (x, y) -> (s·x, y) with s² = -a onto the
// isomorphic curve -u² + y² = 1 + d'·u²·y², d' = -d/a, where the a = -1 formulas are cheaper (Hisil,
// Wong, Carter, Dawson 2008: 8 multiplications per addition, 7 with an affine operand, no
// multiplication by a in a doubling). The map is a group isomorphism that keeps y, so every equation
// between points holds on one curve exactly when it holds on the other. -1 is a square and d' is not,
// so the addition law is complete: no case needs special handling.
// Extended coordinates: (X:Y:Z:T) with u = X/Z, y = Y/Z, u·y = T/Z.
#pragma once
#include <cstring>
#include <mutex>
#include <vector>

#include "../src/field.hpp"

namespace zkc {

using zk::Fr;
using zk::u64;

inline Fr fr_u64(u64 x) {
  const u64 v[4] = {x, 0, 0, 0};
  return Fr::from_normal(v);
}

struct CurveConsts {
  Fr a, d;  // circomlib's curve, for the on-curve check
  Fr s;     // √(-a): u = s·x
  Fr k;     // 2·d' = -2d/a
  CurveConsts() : a(fr_u64(168700)), d(fr_u64(168696)) {
    const u64 sv[4] = {0x6c7be2c1d8b2d768ULL, 0x74a5f6ca321ea117ULL, 0x2c7ac0ce84e61177ULL, 0x0e0ff35005d6e54bULL};
    const u64 kv[4] = {0x5d099f85f9afd71bULL, 0xdf026a6b5db6203eULL, 0xc3909ff8b278cb9aULL, 0x0578d36fdd1172a8ULL};
    s = Fr::from_normal(sv);
    k = Fr::from_normal(kv);
  }
};
inline const CurveConsts& cc() {
  static const CurveConsts c;
  return c;
}

struct Ext {
  Fr X, Y, Z, T;
  static Ext identity() { return Ext{Fr::zero(), Fr::one(), Fr::one(), Fr::zero()}; }
};

// A point ready to be added: (Y - X, Y + X, 2Z, k·T). Its negation (-X, Y, Z, -T) swaps the first two.
struct Cached {
  Fr YmX, YpX, Z2, kT;
  Cached neg() const { return Cached{YpX, YmX, Z2, kT.neg()}; }
};

// An affine point ready to be added: (y - u, y + u, k·u·y), Z = 1.
struct Pre {
  Fr ymx, ypx, kt;
  Pre neg() const { return Pre{ypx, ymx, kt.neg()}; }
};

// A point of circomlib's curve (x, y), given on it, as an extended point of the a = -1 model.
ZK_INLINE Ext from_circom(const Fr& x, const Fr& y) {
  const Fr u = x * cc().s;
  return Ext{u, y, Fr::one(), u * y};
}

ZK_INLINE Cached to_cached(const Ext& p) { return Cached{p.Y - p.X, p.Y + p.X, p.Z.dbl(), p.T * cc().k}; }
ZK_INLINE Pre to_pre(const Fr& u, const Fr& y) { return Pre{y - u, y + u, u * y * cc().k}; }

ZK_INLINE Ext finish(const Fr& a, const Fr& b, const Fr& c, const Fr& d) {
  const Fr e = b - a, f = d - c, g = d + c, h = b + a;
  return Ext{e * f, g * h, f * g, e * h};
}

// p + q, q cached (8 multiplications).
ZK_INLINE Ext add(const Ext& p, const Cached& q) {
  const Fr a = (p.Y - p.X) * q.YmX, b = (p.Y + p.X) * q.YpX, c = p.T * q.kT, d = p.Z * q.Z2;
  return finish(a, b, c, d);
}

// p + q, q affine (7 multiplications).
ZK_INLINE Ext add(const Ext& p, const Pre& q) {
  const Fr a = (p.Y - p.X) * q.ymx, b = (p.Y + p.X) * q.ypx, c = p.T * q.kt;
  return finish(a, b, c, p.Z.dbl());
}

// 2p (4 squarings, 4 multiplications, or 3 when T is not needed: the next step is another doubling).
ZK_INLINE Ext dbl(const Ext& p, bool wantT = true) {
  const Fr a = p.X.sqr(), b = p.Y.sqr(), c = p.Z.sqr().dbl();
  const Fr e = (p.X + p.Y).sqr() - a - b;
  const Fr g = b - a, f = g - c, h = Fr::zero() - a - b;  // d = -a: g = d + b, h = d - b
  Ext r;
  r.X = e * f;
  r.Y = g * h;
  r.Z = f * g;
  r.T = wantT ? e * h : Fr::zero();
  return r;
}

// On circomlib's curve (the inputs' coordinates, before the map).
inline bool on_curve(const Fr& x, const Fr& y) {
  const Fr x2 = x.sqr(), y2 = y.sqr();
  return cc().a * x2 + y2 == Fr::one() + cc().d * x2 * y2;
}

inline bool same_point(const Ext& p, const Ext& q) {
  return p.X * q.Z == q.X * p.Z && p.Y * q.Z == q.Y * p.Z;
}

// Normalises points to affine with one inversion (Montgomery's trick).
inline void normalize(const std::vector<Ext>& in, std::vector<Pre>& out) {
  const size_t n = in.size();
  out.resize(n);
  std::vector<Fr> prefix(n);
  Fr acc = Fr::one();
  for (size_t i = 0; i < n; i++) {
    prefix[i] = acc;
    acc = acc * in[i].Z;
  }
  Fr inv = acc.inv();
  for (size_t i = n; i-- > 0;) {
    const Fr zi = inv * prefix[i];
    inv = inv * in[i].Z;
    out[i] = to_pre(in[i].X * zi, in[i].Y * zi);
  }
}

// Fixed-window table of a point: entry (w, k) = k·2^(bits·w)·P for k in 1..2^bits - 1, affine.
struct WindowTable {
  int bits = 0, windows = 0;
  std::vector<Pre> pts;

  void build(Ext base, int bits_, int windows_) {
    bits = bits_;
    windows = windows_;
    const int per = (1 << bits) - 1;
    std::vector<Ext> ext((size_t)per * windows);
    for (int w = 0; w < windows; w++) {
      Ext* row = &ext[(size_t)w * per];
      row[0] = base;
      const Cached cb = to_cached(base);
      for (int k = 1; k < per; k++) row[k] = add(row[k - 1], cb);
      base = add(row[per - 1], cb);  // 2^bits · base
    }
    normalize(ext, pts);
  }

  // k·P for k < 2^(bits·windows), k as 4 little-endian limbs.
  Ext mul(const u64* k) const {
    const int per = (1 << bits) - 1;
    Ext acc = Ext::identity();
    for (int w = 0; w < windows; w++) {
      const int bit = w * bits;
      u64 digit = k[bit / 64] >> (bit % 64);
      if (bit % 64 + bits > 64 && bit / 64 + 1 < 4) digit |= k[bit / 64 + 1] << (64 - bit % 64);
      digit &= (u64)per;
      if (digit) acc = add(acc, pts[(size_t)w * per + digit - 1]);
    }
    return acc;
  }
};

// The generator B8 of the prime-order subgroup (circomlibjs Base8), on circomlib's curve.
constexpr u64 BASE8_X[4] = {0x2893f3f6bb957051ULL, 0x2ab8d8010534e0b6ULL, 0x4eacb2e09d6277c1ULL, 0x0bb77a6ad63e739bULL};
constexpr u64 BASE8_Y[4] = {0x4b3c257a872d7d8bULL, 0xfce0051fb9e13377ULL, 0x25572e1cd16bf9edULL, 0x25797203f7a0b249ULL};

// B8's 8-bit window table.
inline const WindowTable& base8_table() {
  static const WindowTable t = [] {
    const u64* bx = BASE8_X;
    const u64* by = BASE8_Y;
    WindowTable w;
    w.build(from_circom(Fr::from_normal(bx), Fr::from_normal(by)), 8, 32);
    return w;
  }();
  return t;
}

// Width-w NAF of k < 2^253: digits odd in (-2^(w-1), 2^(w-1)) or 0; returns the length.
inline int wnaf(const u64* k_in, int w, int8_t* out) {
  u64 k[4] = {k_in[0], k_in[1], k_in[2], k_in[3]};
  const u64 mask = (1ULL << w) - 1;
  const int64_t half = 1LL << (w - 1);
  int len = 0;
  while (k[0] | k[1] | k[2] | k[3]) {
    int8_t d = 0;
    if (k[0] & 1) {
      int64_t v = (int64_t)(k[0] & mask);
      if (v >= half) v -= (int64_t)1 << w;
      d = (int8_t)v;
      // k -= v
      if (v > 0) {
        u64 sub[4] = {(u64)v, 0, 0, 0};
        zk::sub4(k, k, sub);
      } else {
        u64 ad[4] = {(u64)(-v), 0, 0, 0};
        zk::add4(k, k, ad);
      }
    }
    out[len++] = d;
    k[0] = (k[0] >> 1) | (k[1] << 63);
    k[1] = (k[1] >> 1) | (k[2] << 63);
    k[2] = (k[2] >> 1) | (k[3] << 63);
    k[3] >>= 1;
  }
  return len;
}

// k·Q for any point Q, k < 2^253, by a width-5 NAF (about 252 doublings and 42 additions).
inline Ext mul_var(const Ext& q, const u64* k) {
  constexpr int W = 5;
  Cached odd[1 << (W - 2)];  // Q, 3Q, ..., 15Q
  const Ext q2 = dbl(q);
  const Cached c2 = to_cached(q2);
  Ext cur = q;
  odd[0] = to_cached(cur);
  for (int i = 1; i < (1 << (W - 2)); i++) {
    cur = add(cur, c2);
    odd[i] = to_cached(cur);
  }
  int8_t naf[260];
  const int len = wnaf(k, W, naf);
  Ext acc = Ext::identity();
  for (int i = len - 1; i >= 0; i--) {
    const int d = naf[i];
    if (d > 0) acc = add(acc, odd[d >> 1]);
    else if (d < 0) acc = add(acc, odd[(-d) >> 1].neg());
    if (i > 0) acc = dbl(acc, i == 1 || naf[i - 1] != 0);  // the result keeps its T
  }
  return acc;
}

}  // namespace zkc
