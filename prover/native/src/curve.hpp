// BN254 G1 (over Fq) and G2 (over Fq2 = Fq[u]/(u^2+1)), short Weierstrass with a = 0.
// Affine points are laid out as in the zkey: x then y, each in Montgomery form; (0, 0) is infinity.
// Jacobian points (X, Y, Z) stand for (X/Z^2, Y/Z^3); Z = 0 is infinity.
#pragma once
#include "field.hpp"

namespace zk {

struct Fq2 {
  Fq c0, c1;
  static Fq2 zero() { return Fq2{Fq::zero(), Fq::zero()}; }
  static Fq2 one() { return Fq2{Fq::one(), Fq::zero()}; }
  ZK_INLINE bool is_zero() const { return c0.is_zero() && c1.is_zero(); }
  bool operator==(const Fq2& o) const { return c0 == o.c0 && c1 == o.c1; }
  friend ZK_INLINE Fq2 operator+(const Fq2& a, const Fq2& b) { return Fq2{a.c0 + b.c0, a.c1 + b.c1}; }
  friend ZK_INLINE Fq2 operator-(const Fq2& a, const Fq2& b) { return Fq2{a.c0 - b.c0, a.c1 - b.c1}; }
  friend ZK_INLINE Fq2 operator*(const Fq2& a, const Fq2& b) {
    Fq v0 = a.c0 * b.c0, v1 = a.c1 * b.c1;
    Fq m = (a.c0 + a.c1) * (b.c0 + b.c1);
    return Fq2{v0 - v1, m - v0 - v1};
  }
  ZK_INLINE Fq2 sqr() const {
    Fq m = (c0 + c1) * (c0 - c1);
    Fq t = c0 * c1;
    return Fq2{m, t + t};
  }
  Fq2 neg() const { return Fq2{c0.neg(), c1.neg()}; }
  ZK_INLINE Fq2 dbl() const { return Fq2{c0.dbl(), c1.dbl()}; }
  Fq2 inv() const {
    Fq n = (c0.sqr() + c1.sqr()).inv();
    return Fq2{c0 * n, (c1 * n).neg()};
  }
  Fq2& operator+=(const Fq2& o) { return *this = *this + o; }
  Fq2& operator-=(const Fq2& o) { return *this = *this - o; }
  Fq2& operator*=(const Fq2& o) { return *this = *this * o; }
};

template <class F>
struct Affine {
  F x, y;
  bool is_inf() const { return x.is_zero() && y.is_zero(); }
  Affine neg() const { return Affine{x, y.neg()}; }
};

template <class F>
struct Jac {
  F X, Y, Z;
  static Jac inf() { return Jac{F::one(), F::one(), F::zero()}; }
  static Jac from(const Affine<F>& a) { return a.is_inf() ? inf() : Jac{a.x, a.y, F::one()}; }
  bool is_inf() const { return Z.is_zero(); }

  // dbl-2009-l
  Jac dbl() const {
    if (is_inf()) return *this;
    F A = X.sqr(), B = Y.sqr(), C = B.sqr();
    F D = ((X + B).sqr() - A - C).dbl();
    F E = A.dbl() + A;
    F Fv = E.sqr();
    Jac r;
    r.X = Fv - D.dbl();
    F C8 = C.dbl().dbl().dbl();
    r.Y = E * (D - r.X) - C8;
    r.Z = (Y * Z).dbl();
    return r;
  }

  // madd-2007-bl: this + affine q
  Jac madd(const Affine<F>& q) const {
    if (q.is_inf()) return *this;
    if (is_inf()) return Jac{q.x, q.y, F::one()};
    F Z1Z1 = Z.sqr();
    F U2 = q.x * Z1Z1;
    F S2 = q.y * Z * Z1Z1;
    F H = U2 - X;
    F r = (S2 - Y).dbl();
    if (H.is_zero()) {
      if (r.is_zero()) return dbl();
      return inf();
    }
    F HH = H.sqr();
    F I = HH.dbl().dbl();
    F J = H * I;
    F V = X * I;
    Jac o;
    o.X = r.sqr() - J - V.dbl();
    o.Y = r * (V - o.X) - (Y * J).dbl();
    o.Z = (Z + H).sqr() - Z1Z1 - HH;
    return o;
  }

  // add-2007-bl
  Jac add(const Jac& q) const {
    if (q.is_inf()) return *this;
    if (is_inf()) return q;
    F Z1Z1 = Z.sqr(), Z2Z2 = q.Z.sqr();
    F U1 = X * Z2Z2, U2 = q.X * Z1Z1;
    F S1 = Y * q.Z * Z2Z2, S2 = q.Y * Z * Z1Z1;
    F H = U2 - U1;
    F r = (S2 - S1).dbl();
    if (H.is_zero()) {
      if (r.is_zero()) return dbl();
      return inf();
    }
    F I = H.dbl().sqr();
    F J = H * I;
    F V = U1 * I;
    Jac o;
    o.X = r.sqr() - J - V.dbl();
    o.Y = r * (V - o.X) - (S1 * J).dbl();
    o.Z = ((Z + q.Z).sqr() - Z1Z1 - Z2Z2) * H;
    return o;
  }

  Jac neg() const { return Jac{X, Y.neg(), Z}; }

  Affine<F> to_affine() const {
    if (is_inf()) return Affine<F>{F::zero(), F::zero()};
    F zi = Z.inv();
    F zi2 = zi.sqr();
    return Affine<F>{X * zi2, Y * zi2 * zi};
  }

  // this * k, k a normal-form integer (4 limbs)
  Jac mul(const u64* k) const {
    Jac r = inf();
    for (int i = 255; i >= 0; i--) {
      r = r.dbl();
      if ((k[i / 64] >> (i % 64)) & 1) r = r.add(*this);
    }
    return r;
  }
};

using G1A = Affine<Fq>;
using G2A = Affine<Fq2>;
using G1J = Jac<Fq>;
using G2J = Jac<Fq2>;

}  // namespace zk
