// Prime fields of BN254 in Montgomery form: 4 little-endian 64-bit limbs, R = 2^256.
// Both moduli are below 2^254, so a + b never overflows 256 bits and the Montgomery product can
// keep its running sum in 4 words (the top limb of p is far below 2^63).
#pragma once
#include <cstdint>
#include <cstring>
#include <string>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#define ZK_INLINE __attribute__((always_inline)) inline

#if defined(__x86_64__) && defined(__BMI2__) && defined(__ADX__) && !defined(ZK_NO_ASM)
#define ZK_USE_ADX 1
#include "mont-asm.hpp"
#endif

namespace zk {

using u64 = uint64_t;
using u128 = unsigned __int128;

struct FqParams {
  static constexpr u64 P[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL,
                               0x30644e72e131a029ULL};
  static constexpr u64 ONE[4] = {0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL,
                                 0x0e0a77c19a07df2fULL};
  static constexpr u64 R2[4] = {0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL, 0x47ab1eff0a417ff6ULL,
                                0x06d89f71cab8351fULL};
  static constexpr u64 INV = 0x87d20782e4866389ULL;
};

struct FrParams {
  static constexpr u64 P[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL,
                               0x30644e72e131a029ULL};
  static constexpr u64 ONE[4] = {0xac96341c4ffffffbULL, 0x36fc76959f60cd29ULL, 0x666ea36f7879462eULL,
                                 0x0e0a77c19a07df2fULL};
  static constexpr u64 R2[4] = {0x1bb8e645ae216da7ULL, 0x53fe3ab1e35c59e3ULL, 0x8c49833d53bb8085ULL,
                                0x0216d0b17f4e44a5ULL};
  static constexpr u64 INV = 0xc2e1f593efffffffULL;
};

// a >= b on 4 limbs
inline bool geq4(const u64* a, const u64* b) {
  for (int i = 3; i >= 0; i--) {
    if (a[i] != b[i]) return a[i] > b[i];
  }
  return true;
}

// r = a - b, returns the borrow
ZK_INLINE u64 sub4(u64* r, const u64* a, const u64* b) {
#if defined(__x86_64__)
  unsigned long long o0, o1, o2, o3;
  unsigned char c = _subborrow_u64(0, a[0], b[0], &o0);
  c = _subborrow_u64(c, a[1], b[1], &o1);
  c = _subborrow_u64(c, a[2], b[2], &o2);
  c = _subborrow_u64(c, a[3], b[3], &o3);
  r[0] = o0, r[1] = o1, r[2] = o2, r[3] = o3;
  return c;
#else
  u64 borrow = 0;
  for (int i = 0; i < 4; i++) {
    u128 d = (u128)a[i] - b[i] - borrow;
    r[i] = (u64)d;
    borrow = (u64)(d >> 64) & 1;
  }
  return borrow;
#endif
}

ZK_INLINE u64 add4(u64* r, const u64* a, const u64* b) {
#if defined(__x86_64__)
  unsigned long long o0, o1, o2, o3;
  unsigned char c = _addcarry_u64(0, a[0], b[0], &o0);
  c = _addcarry_u64(c, a[1], b[1], &o1);
  c = _addcarry_u64(c, a[2], b[2], &o2);
  c = _addcarry_u64(c, a[3], b[3], &o3);
  r[0] = o0, r[1] = o1, r[2] = o2, r[3] = o3;
  return c;
#else
  u64 carry = 0;
  for (int i = 0; i < 4; i++) {
    u128 s = (u128)a[i] + b[i] + carry;
    r[i] = (u64)s;
    carry = (u64)(s >> 64);
  }
  return carry;
#endif
}

template <class P>
struct Fp {
  u64 v[4];

  static Fp zero() { return Fp{{0, 0, 0, 0}}; }
  static Fp one() { return Fp{{P::ONE[0], P::ONE[1], P::ONE[2], P::ONE[3]}}; }
  ZK_INLINE bool is_zero() const { return (v[0] | v[1] | v[2] | v[3]) == 0; }
  ZK_INLINE bool operator==(const Fp& o) const {
    return v[0] == o.v[0] && v[1] == o.v[1] && v[2] == o.v[2] && v[3] == o.v[3];
  }
  bool operator!=(const Fp& o) const { return !(*this == o); }

  static ZK_INLINE void reduce_once(u64* t) {
    u64 s[4];
    u64 borrow = sub4(s, t, P::P);
    u64 keep = 0 - borrow;  // all ones: t < p, keep t
    for (int i = 0; i < 4; i++) t[i] = (t[i] & keep) | (s[i] & ~keep);
  }

  friend ZK_INLINE Fp operator+(const Fp& a, const Fp& b) {
    Fp r;
    add4(r.v, a.v, b.v);
    reduce_once(r.v);
    return r;
  }
  friend ZK_INLINE Fp operator-(const Fp& a, const Fp& b) {
    Fp r, t;
    u64 mask = 0 - sub4(r.v, a.v, b.v);  // all ones when a < b: add p back
    const u64 pm[4] = {P::P[0] & mask, P::P[1] & mask, P::P[2] & mask, P::P[3] & mask};
    add4(t.v, r.v, pm);
    return t;
  }
  Fp neg() const {
    if (is_zero()) return *this;
    Fp r;
    sub4(r.v, P::P, v);
    return r;
  }
  ZK_INLINE Fp dbl() const { return *this + *this; }

  // Montgomery product a*b/R mod p (CIOS, no extra carry word: valid since P[3] < 2^62).
  friend ZK_INLINE Fp operator*(const Fp& a, const Fp& b) {
#ifdef ZK_USE_ADX
    Fp r;
    mont_mul_adx(r.v, a.v, b.v, P::P, P::INV);
    return r;
#else
    u64 t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    for (int i = 0; i < 4; i++) {
      const u64 bi = b.v[i];
      u128 s = (u128)a.v[0] * bi + t0;
      u64 A = (u64)(s >> 64);
      t0 = (u64)s;
      const u64 m = t0 * P::INV;
      u128 u = (u128)m * P::P[0] + t0;
      u64 C = (u64)(u >> 64);

      s = (u128)a.v[1] * bi + t1 + A;
      A = (u64)(s >> 64);
      u = (u128)m * P::P[1] + (u64)s + C;
      C = (u64)(u >> 64);
      t0 = (u64)u;

      s = (u128)a.v[2] * bi + t2 + A;
      A = (u64)(s >> 64);
      u = (u128)m * P::P[2] + (u64)s + C;
      C = (u64)(u >> 64);
      t1 = (u64)u;

      s = (u128)a.v[3] * bi + t3 + A;
      A = (u64)(s >> 64);
      u = (u128)m * P::P[3] + (u64)s + C;
      C = (u64)(u >> 64);
      t2 = (u64)u;
      t3 = C + A;
    }
    Fp r{{t0, t1, t2, t3}};
    reduce_once(r.v);
    return r;
#endif
  }
  ZK_INLINE Fp sqr() const { return *this * *this; }
  Fp& operator+=(const Fp& o) { return *this = *this + o; }
  Fp& operator-=(const Fp& o) { return *this = *this - o; }
  Fp& operator*=(const Fp& o) { return *this = *this * o; }

  // From a canonical integer (normal form) to Montgomery form, and back.
  static Fp from_normal(const u64* x) {
    Fp a{{x[0], x[1], x[2], x[3]}};
    Fp r2{{P::R2[0], P::R2[1], P::R2[2], P::R2[3]}};
    return a * r2;
  }
  Fp to_normal() const {
    Fp one_raw{{1, 0, 0, 0}};
    return *this * one_raw;
  }
  static bool is_canonical(const u64* x) { return !geq4(x, P::P); }

  // x^e for e given as 4 little-endian limbs (normal integer).
  Fp pow(const u64* e) const {
    Fp r = one();
    for (int i = 255; i >= 0; i--) {
      r = r.sqr();
      if ((e[i / 64] >> (i % 64)) & 1) r = r * *this;
    }
    return r;
  }
  Fp inv() const {
    u64 e[4];
    std::memcpy(e, P::P, 32);
    e[0] -= 2;  // P[0] > 2 for both moduli
    return pow(e);
  }
};

using Fq = Fp<FqParams>;
using Fr = Fp<FrParams>;

// Decimal string of a 256-bit little-endian integer.
inline std::string to_decimal(const u64* x) {
  u64 t[4] = {x[0], x[1], x[2], x[3]};
  char buf[100];
  int pos = 99;
  buf[pos] = 0;
  const u64 base = 10000000000000000000ULL;  // 10^19
  bool any = true;
  std::string out;
  while (any) {
    u128 rem = 0;
    for (int i = 3; i >= 0; i--) {
      u128 cur = (rem << 64) | t[i];
      t[i] = (u64)(cur / base);
      rem = cur % base;
    }
    u64 r = (u64)rem;
    any = (t[0] | t[1] | t[2] | t[3]) != 0;
    for (int k = 0; k < 19; k++) {
      buf[--pos] = (char)('0' + r % 10);
      r /= 10;
      if (!any && r == 0) break;
    }
  }
  return std::string(buf + pos);
}

// Parses a decimal integer < 2^256; false on bad input or overflow.
inline bool from_decimal(const std::string& s, u64* x) {
  x[0] = x[1] = x[2] = x[3] = 0;
  if (s.empty()) return false;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return false;
    u128 carry = (u64)(ch - '0');
    for (int i = 0; i < 4; i++) {
      u128 cur = (u128)x[i] * 10 + carry;
      x[i] = (u64)cur;
      carry = cur >> 64;
    }
    if (carry) return false;
  }
  return true;
}

}  // namespace zk
