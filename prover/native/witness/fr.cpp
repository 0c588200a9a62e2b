// circom's field semantics (the `--c` runtime interface of fr.hpp) for BN254's scalar field.
//
// A value is an integer x in [0, p). Where circom reads it as signed (comparisons, small ints), x is
// x - p when x > (p - 1) / 2. Integer division and modulo act on the representatives in [0, p).
// Bit operations act on them too, keep 254 bits and reduce mod p. A shift by k > (p - 1) / 2 is
// the opposite shift by p - k. These are the rules of circom's wasm runtime, which the tests compare
// byte for byte.
#include "fr.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <algorithm>

#include "../src/field.hpp"

using zk::u128;
using zk::u64;

namespace {

struct N {
  u64 v[4];
};

constexpr u64 P0 = zk::FrParams::P[0], P1 = zk::FrParams::P[1], P2 = zk::FrParams::P[2],
              P3 = zk::FrParams::P[3];
const N PN = {{P0, P1, P2, P3}};
// (p - 1) / 2: values above it are negative.
const N HALF = {{(P0 >> 1) | (P1 << 63), (P1 >> 1) | (P2 << 63), (P2 >> 1) | (P3 << 63), P3 >> 1}};
// 2^254 - 1: bit operations keep the bits of p's size.
const N MASK = {{~0ULL, ~0ULL, ~0ULL, (1ULL << 62) - 1}};
const zk::Fr R2 = {{zk::FrParams::R2[0], zk::FrParams::R2[1], zk::FrParams::R2[2], zk::FrParams::R2[3]}};

inline bool is_short(const FrElement* a) { return (a->type & Fr_LONG) == 0; }
inline bool is_zero(const N& a) { return (a.v[0] | a.v[1] | a.v[2] | a.v[3]) == 0; }
inline bool geq(const N& a, const N& b) { return zk::geq4(a.v, b.v); }
inline bool eqN(const N& a, const N& b) { return std::memcmp(a.v, b.v, 32) == 0; }
inline bool neg_side(const N& a) { return !geq(HALF, a); }

inline void reduce_once(N& a) {
  if (geq(a, PN)) zk::sub4(a.v, a.v, PN.v);
}

inline N from_i64(int64_t x) {
  N r = {{0, 0, 0, 0}};
  if (x >= 0) {
    r.v[0] = (u64)x;
  } else {
    const N m = {{(u64)(-(x + 1)) + 1, 0, 0, 0}};  // |x| without overflow at INT64_MIN
    zk::sub4(r.v, PN.v, m.v);
  }
  return r;
}

// The canonical value in [0, p) of any element.
inline N norm(const FrElement* a) {
  if (is_short(a)) return from_i64(a->shortVal);
  N r;
  if (a->type & Fr_SHORTMONTGOMERY) {  // long Montgomery
    zk::Fr m;
    std::memcpy(m.v, a->longVal, 32);
    zk::Fr n = m.to_normal();
    std::memcpy(r.v, n.v, 32);
  } else {
    std::memcpy(r.v, a->longVal, 32);
  }
  return r;
}

inline zk::Fr mont(const FrElement* a) {
  if (!is_short(a) && (a->type & Fr_SHORTMONTGOMERY)) {
    zk::Fr m;
    std::memcpy(m.v, a->longVal, 32);
    return m;
  }
  N n = norm(a);
  return zk::Fr::from_normal(n.v);
}

inline void set_short(PFrElement r, int32_t x) {
  r->shortVal = x;
  r->type = Fr_SHORT;
  r->longVal[0] = r->longVal[1] = r->longVal[2] = r->longVal[3] = 0;
}

inline void set_bool(PFrElement r, bool b) { set_short(r, b ? 1 : 0); }

// Stores a canonical value: small ones (either sign) as short ints, so indices stay cheap.
inline void set_norm(PFrElement r, const N& a) {
  if ((a.v[1] | a.v[2] | a.v[3]) == 0 && a.v[0] < 0x80000000ULL) {
    set_short(r, (int32_t)a.v[0]);
    return;
  }
  if (a.v[3] == P3 && a.v[2] == P2 && a.v[1] == P1 && a.v[0] < P0 &&
      P0 - a.v[0] <= 0x80000000ULL) {
    set_short(r, (int32_t)(-(int64_t)(P0 - a.v[0])));
    return;
  }
  r->shortVal = 0;
  r->type = Fr_LONG;
  std::memcpy(r->longVal, a.v, 32);
}

inline void set_mont(PFrElement r, const zk::Fr& m) {
  r->shortVal = 0;
  r->type = Fr_LONGMONTGOMERY;
  std::memcpy(r->longVal, m.v, 32);
}

inline void set_i64(PFrElement r, int64_t x) {
  if (x >= INT32_MIN && x <= INT32_MAX) {
    set_short(r, (int32_t)x);
    return;
  }
  set_norm(r, from_i64(x));
}

// Signed order: a < b with values above (p - 1) / 2 read as negative.
inline bool lt_signed(const FrElement* a, const FrElement* b) {
  if (is_short(a) && is_short(b)) return a->shortVal < b->shortVal;
  N x = norm(a), y = norm(b);
  bool nx = neg_side(x), ny = neg_side(y);
  if (nx != ny) return nx;
  return !geq(x, y);  // same side: x - p and y - p keep the order of x and y
}

inline bool eq_val(const FrElement* a, const FrElement* b) {
  if (is_short(a) && is_short(b)) return a->shortVal == b->shortVal;
  if (a->type == Fr_LONGMONTGOMERY && b->type == Fr_LONGMONTGOMERY)
    return std::memcmp(a->longVal, b->longVal, 32) == 0;  // both canonical: equal iff equal forms
  N x = norm(a), y = norm(b);
  return eqN(x, y);
}

inline bool truthy(const FrElement* a) {
  if (is_short(a)) return a->shortVal != 0;
  return (a->longVal[0] | a->longVal[1] | a->longVal[2] | a->longVal[3]) != 0;
}

inline N shl_bits(const N& a, unsigned k) {  // (a << k) & MASK, k < 254
  N r = {{0, 0, 0, 0}};
  unsigned w = k / 64, s = k % 64;
  for (int i = 3; i >= (int)w; i--) {
    u64 lo = a.v[i - w] << s;
    u64 carry = (s && i - (int)w - 1 >= 0) ? a.v[i - w - 1] >> (64 - s) : 0;
    r.v[i] = lo | carry;
  }
  for (int i = 0; i < 4; i++) r.v[i] &= MASK.v[i];
  return r;
}

inline N shr_bits(const N& a, unsigned k) {  // a >> k, k < 254
  N r = {{0, 0, 0, 0}};
  unsigned w = k / 64, s = k % 64;
  for (int i = 0; i + (int)w < 4; i++) {
    u64 hi = a.v[i + w] >> s;
    u64 carry = (s && i + w + 1 < 4) ? a.v[i + w + 1] << (64 - s) : 0;
    r.v[i] = hi | carry;
  }
  return r;
}

// The shift amount as a small count: >= 0 shifts the named way, < 0 the other way (k > (p-1)/2 means
// p - k the other way), and 254 (or -254) for "everything shifted out".
inline int shift_count(const FrElement* b) {
  N k = norm(b);
  if ((k.v[1] | k.v[2] | k.v[3]) == 0 && k.v[0] < 254) return (int)k.v[0];
  if (neg_side(k)) {
    N m;
    zk::sub4(m.v, PN.v, k.v);
    if ((m.v[1] | m.v[2] | m.v[3]) == 0 && m.v[0] < 254) return -(int)m.v[0];
    return -254;
  }
  return 254;
}

inline void do_shl(PFrElement r, const N& a, int k) {
  if (k >= 254 || k <= -254) {
    set_short(r, 0);
  } else if (k >= 0) {
    N x = shl_bits(a, (unsigned)k);
    reduce_once(x);
    set_norm(r, x);
  } else {
    set_norm(r, shr_bits(a, (unsigned)-k));
  }
}

// Long division of 256-bit integers: q = a / b, rem = a % b; b != 0.
void divmod(const N& a, const N& b, N& q, N& rem) {
  q = {{0, 0, 0, 0}};
  rem = {{0, 0, 0, 0}};
  for (int i = 255; i >= 0; i--) {
    // rem = rem << 1 | bit i of a (rem < b < 2^254, so no overflow)
    for (int j = 3; j > 0; j--) rem.v[j] = (rem.v[j] << 1) | (rem.v[j - 1] >> 63);
    rem.v[0] = (rem.v[0] << 1) | ((a.v[i / 64] >> (i % 64)) & 1);
    if (geq(rem, b)) {
      zk::sub4(rem.v, rem.v, b.v);
      q.v[i / 64] |= 1ULL << (i % 64);
    }
  }
}

inline bool is_one(const N& a) { return a.v[0] == 1 && (a.v[1] | a.v[2] | a.v[3]) == 0; }

inline void shr1(N& x) {
  for (int i = 0; i < 3; i++) x.v[i] = (x.v[i] >> 1) | (x.v[i + 1] << 63);
  x.v[3] >>= 1;
}

inline int bit_length(const N& x) {
  for (int i = 3; i >= 0; i--)
    if (x.v[i]) return 64 * i + 64 - __builtin_clzll(x.v[i]);
  return 0;
}

// Bits [pos, pos + 33) of x (pos >= 31).
inline u64 top33(const N& x, int pos) {
  const int limb = pos / 64, off = pos % 64;
  u64 w = x.v[limb] >> off;
  if (off && limb + 1 < 4) w |= x.v[limb + 1] << (64 - off);
  return w & ((1ULL << 33) - 1);
}

// (a·f + b·g) / 2^31 for |f|, |g| <= 2^31 (the division is exact): returns |result| and its sign.
inline N lin_shift(const N& a, int64_t f, const N& b, int64_t g, bool& negative) {
  using i128 = __int128;
  u64 r[5];
  i128 carry = 0;
  for (int i = 0; i < 4; i++) {
    const i128 t = (i128)(unsigned __int128)a.v[i] * f + (i128)(unsigned __int128)b.v[i] * g + carry;
    r[i] = (u64)t;
    carry = t >> 64;  // arithmetic
  }
  r[4] = (u64)carry;
  negative = (int64_t)r[4] < 0;
  if (negative) {  // two's complement negation of the 320-bit value
    u64 c = 1;
    for (int i = 0; i < 5; i++) {
      r[i] = ~r[i] + c;
      c = (c && r[i] == 0) ? 1 : 0;
    }
  }
  N out;
  for (int i = 0; i < 4; i++) out.v[i] = (r[i] >> 31) | (r[i + 1] << 33);
  return out;
}

inline zk::Fr small_field(int64_t x) {  // x mod p as a raw integer (not Montgomery), |x| <= 2^31
  N n = from_i64(x);
  zk::Fr r;
  std::memcpy(r.v, n.v, 32);
  return r;
}

// x·y mod p for integers x, y < p (two Montgomery products: xy/R, then ·R^2/R).
inline zk::Fr mulmod(const zk::Fr& x, const zk::Fr& y) { return (x * y) * R2; }

constexpr int MAX_OUTER = 48;

// K[i] = R^(i+3) · 2^(-31 i) mod p: undoes the scaling of the inverse after i outer iterations.
struct InverseTables {
  zk::Fr K[MAX_OUTER + 1];
  InverseTables() {
    const zk::Fr R = zk::Fr::one();  // the integer R mod p
    zk::Fr half;                     // (p + 1) / 2 = 2^-1 mod p
    N h = PN;
    h.v[0] += 1;  // p is odd: no carry
    shr1(h);
    std::memcpy(half.v, h.v, 32);
    zk::Fr inv2_31 = {{1, 0, 0, 0}};
    for (int i = 0; i < 31; i++) inv2_31 = mulmod(inv2_31, half);
    const zk::Fr c = mulmod(R, inv2_31);
    K[0] = mulmod(mulmod(R, R), R);
    for (int i = 1; i <= MAX_OUTER; i++) K[i] = mulmod(K[i - 1], c);
  }
};

// Montgomery inverse: for m = yR (y != 0) returns y^-1 R. Pornin's binary GCD with 31 steps per
// outer iteration on 64-bit approximations of a and b ("Optimized Binary GCD for Modular
// Inversion", 2020), run on the integer x = yR: a = x·u·2^(-31i), b = x·v·2^(-31i) (mod p). u and v
// are kept as Montgomery products, so each iteration also scales them by R^-1; the table undoes
// both. The result is checked (m · result = R) and, should that ever fail, recomputed as m^(p-2).
zk::Fr mont_inverse(const zk::Fr& m) {
  static const InverseTables T;
  N a, b = PN;
  std::memcpy(a.v, m.v, 32);
  zk::Fr u = {{1, 0, 0, 0}}, v = zk::Fr::zero();
  int iters = 0;
  while (!is_zero(a) && iters < MAX_OUTER) {
    const int n = std::max(std::max(bit_length(a), bit_length(b)), 64);
    const u64 lowMask = (1ULL << 31) - 1;
    u64 xa = (a.v[0] & lowMask) | (top33(a, n - 33) << 31);
    u64 xb = (b.v[0] & lowMask) | (top33(b, n - 33) << 31);
    int64_t f0 = 1, g0 = 0, f1 = 0, g1 = 1;
    for (int j = 0; j < 31; j++) {  // branch-free: if xa is odd, (swap if xa < xb), xa -= xb
      const u64 odd = 0 - (xa & 1);
      const u64 sw = odd & (0 - (u64)(xa < xb));
      const u64 t = (xa ^ xb) & sw;
      xa ^= t;
      xb ^= t;
      const int64_t tf = (f0 ^ f1) & (int64_t)sw, tg = (g0 ^ g1) & (int64_t)sw;
      f0 ^= tf, f1 ^= tf, g0 ^= tg, g1 ^= tg;
      xa -= xb & odd;
      f0 -= f1 & (int64_t)odd;
      g0 -= g1 & (int64_t)odd;
      xa >>= 1;
      f1 *= 2;
      g1 *= 2;
    }
    bool na, nb;
    const N a2 = lin_shift(a, f0, b, g0, na);
    const N b2 = lin_shift(a, f1, b, g1, nb);
    if (na) f0 = -f0, g0 = -g0;
    if (nb) f1 = -f1, g1 = -g1;
    a = a2;
    b = b2;
    const zk::Fr u2 = u * small_field(f0) + v * small_field(g0);
    const zk::Fr v2 = u * small_field(f1) + v * small_field(g1);
    u = u2;
    v = v2;
    iters++;
  }
  zk::Fr r = v * T.K[iters];
  if (!is_one(b) || !(r * m == zk::Fr::one())) r = m.inv();
  return r;
}

// An operation the input made impossible (wasm traps on the same): exit status 4, see main.cpp.
[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "witness error: %s\n", what);
  std::fflush(stderr);
  std::_Exit(4);
}

}  // namespace

FrElement Fr_q = {0, Fr_LONG, {P0, P1, P2, P3}};

void Fr_copy(PFrElement r, const FrElement* a) { std::memcpy(r, a, sizeof(FrElement)); }
void Fr_copyn(PFrElement r, const FrElement* a, int n) { std::memmove(r, a, sizeof(FrElement) * n); }

void Fr_add(PFrElement r, PFrElement a, PFrElement b) {
  if (is_short(a) && is_short(b)) return set_i64(r, (int64_t)a->shortVal + b->shortVal);
  set_mont(r, mont(a) + mont(b));  // Montgomery form is linear: aR + bR = (a + b)R
}

void Fr_sub(PFrElement r, PFrElement a, PFrElement b) {
  if (is_short(a) && is_short(b)) return set_i64(r, (int64_t)a->shortVal - b->shortVal);
  set_mont(r, mont(a) - mont(b));
}

void Fr_neg(PFrElement r, PFrElement a) {
  if (is_short(a)) return set_i64(r, -(int64_t)a->shortVal);
  set_mont(r, mont(a).neg());
}

void Fr_mul(PFrElement r, PFrElement a, PFrElement b) {
  if (is_short(a) && is_short(b)) return set_i64(r, (int64_t)a->shortVal * b->shortVal);
  set_mont(r, mont(a) * mont(b));
}

void Fr_square(PFrElement r, PFrElement a) { Fr_mul(r, a, a); }

void Fr_inv(PFrElement r, PFrElement a) {
  // 0 has no inverse; like circom's runtimes this yields 0 (a circuit divides by 0 only in dead code).
  zk::Fr m = mont(a);
  set_mont(r, m.is_zero() ? m : mont_inverse(m));
}

void Fr_div(PFrElement r, PFrElement a, PFrElement b) {
  zk::Fr y = mont(b);
  set_mont(r, y.is_zero() ? y : mont(a) * mont_inverse(y));
}

void Fr_idiv(PFrElement r, PFrElement a, PFrElement b) {
  N x = norm(a), y = norm(b), q, rem;
  if (is_zero(y)) fail("integer division by zero");
  divmod(x, y, q, rem);
  set_norm(r, q);
}

void Fr_mod(PFrElement r, PFrElement a, PFrElement b) {
  N x = norm(a), y = norm(b), q, rem;
  if (is_zero(y)) fail("modulo by zero");
  divmod(x, y, q, rem);
  set_norm(r, rem);
}

void Fr_pow(PFrElement r, PFrElement a, PFrElement b) {
  N e = norm(b);
  set_mont(r, mont(a).pow(e.v));
}

void Fr_band(PFrElement r, PFrElement a, PFrElement b) {
  if (is_short(a) && is_short(b) && a->shortVal >= 0 && b->shortVal >= 0)
    return set_short(r, a->shortVal & b->shortVal);
  N x = norm(a), y = norm(b), s;
  for (int i = 0; i < 4; i++) s.v[i] = x.v[i] & y.v[i] & MASK.v[i];
  reduce_once(s);
  set_norm(r, s);
}

void Fr_bor(PFrElement r, PFrElement a, PFrElement b) {
  if (is_short(a) && is_short(b) && a->shortVal >= 0 && b->shortVal >= 0)
    return set_short(r, a->shortVal | b->shortVal);
  N x = norm(a), y = norm(b), s;
  for (int i = 0; i < 4; i++) s.v[i] = (x.v[i] | y.v[i]) & MASK.v[i];
  reduce_once(s);
  set_norm(r, s);
}

void Fr_bxor(PFrElement r, PFrElement a, PFrElement b) {
  if (is_short(a) && is_short(b) && a->shortVal >= 0 && b->shortVal >= 0)
    return set_short(r, a->shortVal ^ b->shortVal);
  N x = norm(a), y = norm(b), s;
  for (int i = 0; i < 4; i++) s.v[i] = (x.v[i] ^ y.v[i]) & MASK.v[i];
  reduce_once(s);
  set_norm(r, s);
}

void Fr_bnot(PFrElement r, PFrElement a) {
  N x = norm(a), s;
  for (int i = 0; i < 4; i++) s.v[i] = ~x.v[i] & MASK.v[i];
  reduce_once(s);
  set_norm(r, s);
}

void Fr_shl(PFrElement r, PFrElement a, PFrElement b) { do_shl(r, norm(a), shift_count(b)); }

void Fr_shr(PFrElement r, PFrElement a, PFrElement b) {
  if (is_short(a) && a->shortVal >= 0 && is_short(b) && b->shortVal >= 0) {
    int k = b->shortVal;
    return set_short(r, k >= 31 ? 0 : a->shortVal >> k);
  }
  int k = shift_count(b);
  do_shl(r, norm(a), k == 254 ? -254 : k == -254 ? 254 : -k);
}

void Fr_eq(PFrElement r, PFrElement a, PFrElement b) { set_bool(r, eq_val(a, b)); }
void Fr_neq(PFrElement r, PFrElement a, PFrElement b) { set_bool(r, !eq_val(a, b)); }
void Fr_lt(PFrElement r, PFrElement a, PFrElement b) { set_bool(r, lt_signed(a, b)); }
void Fr_gt(PFrElement r, PFrElement a, PFrElement b) { set_bool(r, lt_signed(b, a)); }
void Fr_leq(PFrElement r, PFrElement a, PFrElement b) { set_bool(r, !lt_signed(b, a)); }
void Fr_geq(PFrElement r, PFrElement a, PFrElement b) { set_bool(r, !lt_signed(a, b)); }
void Fr_land(PFrElement r, PFrElement a, PFrElement b) { set_bool(r, truthy(a) && truthy(b)); }
void Fr_lor(PFrElement r, PFrElement a, PFrElement b) { set_bool(r, truthy(a) || truthy(b)); }
void Fr_lnot(PFrElement r, PFrElement a) { set_bool(r, !truthy(a)); }

void Fr_toNormal(PFrElement r, PFrElement a) {
  if (is_short(a)) {
    set_short(r, a->shortVal);
    return;
  }
  N x = norm(a);
  r->shortVal = 0;
  r->type = Fr_LONG;
  std::memcpy(r->longVal, x.v, 32);
}

void Fr_toLongNormal(PFrElement r, PFrElement a) {
  N x = norm(a);
  r->shortVal = 0;
  r->type = Fr_LONG;
  std::memcpy(r->longVal, x.v, 32);
}

void Fr_toMontgomery(PFrElement r, PFrElement a) { set_mont(r, mont(a)); }

int Fr_isTrue(PFrElement a) { return truthy(a) ? 1 : 0; }

int Fr_toInt(PFrElement a) {
  if (is_short(a)) return a->shortVal;
  N x = norm(a);
  if ((x.v[1] | x.v[2] | x.v[3]) == 0 && x.v[0] < 0x80000000ULL) return (int)x.v[0];
  N m;
  zk::sub4(m.v, PN.v, x.v);
  if ((m.v[1] | m.v[2] | m.v[3]) == 0 && m.v[0] <= 0x80000000ULL) return (int)(-(int64_t)m.v[0]);
  fail("Fr_toInt: the value is not a 32-bit integer");
}

void Fr_fail() { fail("Fr_fail"); }

bool Fr_str2element(PFrElement r, const char* s, uint base) {
  bool neg = false;
  if (*s == '-') {
    neg = true;
    s++;
  }
  if (*s == 0) return false;
  const zk::Fr b = zk::Fr::from_normal(N{{base, 0, 0, 0}}.v);
  zk::Fr acc = zk::Fr::zero();
  for (; *s; s++) {
    const char c = *s;
    uint d;
    if (c >= '0' && c <= '9') d = (uint)(c - '0');
    else if (c >= 'a' && c <= 'f') d = (uint)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') d = (uint)(c - 'A' + 10);
    else return false;
    if (d >= base) return false;
    acc = acc * b + zk::Fr::from_normal(N{{d, 0, 0, 0}}.v);
  }
  if (neg) acc = acc.neg();
  zk::Fr n = acc.to_normal();
  N x;
  std::memcpy(x.v, n.v, 32);
  set_norm(r, x);
  return true;
}

char* Fr_element2str(PFrElement a) {
  N x = norm(a);
  std::string s = zk::to_decimal(x.v);
  char* out = new char[s.size() + 1];
  std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}
