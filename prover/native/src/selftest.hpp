// `zkprove --selftest`: one operation per stdin line, one answer per stdout line, all integers in
// decimal (normal form), so a BigInt reference can check the arithmetic. Operations:
//   fq|fr add|sub|mul A B, fq|fr neg|inv A, fq|fr canon X (1 if X < p else 0)
//   g1|g2 mul K                  -> affine K*G ("inf" for infinity)
//   g1|g2 msm K1 S1 K2 S2 ...     -> affine sum of S_i * (K_i * G): Pippenger with Jacobian buckets,
//                                    with batch-affine buckets, then the naive sum (" | " between)
//   g1|g2 msmw W K1 S1 ...        -> the same with W-bit windows
//   ntt LOGN V0 .. V(n-1)         -> forward transform;  intt LOGN V.. -> inverse (with 1/n)
//   ntt-br LOGN V..               -> forward from bit-reversed input; intt-br -> inverse, bit-reversed out
#pragma once
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "msm.hpp"
#include "ntt.hpp"

namespace zk {

inline G1A g1_gen() {
  u64 one[4] = {1, 0, 0, 0}, two[4] = {2, 0, 0, 0};
  return G1A{Fq::from_normal(one), Fq::from_normal(two)};
}

inline Fq fq_dec(const char* s) {
  u64 x[4];
  from_decimal(s, x);
  return Fq::from_normal(x);
}

inline G2A g2_gen() {
  return G2A{Fq2{fq_dec("10857046999023057135944570762232829481370756359578518086990519993285655852781"),
                 fq_dec("11559732032986387107991004021392285783925812861821192530917403151452391805634")},
             Fq2{fq_dec("8495653923123431417604973247489272438418190587263600148770280649306958101930"),
                 fq_dec("4082367875863433681332203403145435568316851327593401208105741076214120093531")}};
}

inline std::string show(const Fq& x) { return to_decimal(x.to_normal().v); }
inline std::string show(const Fq2& x) { return show(x.c0) + " " + show(x.c1); }
template <class F>
std::string show_point(const Jac<F>& p) {
  if (p.is_inf()) return "inf";
  auto a = p.to_affine();
  return show(a.x) + " " + show(a.y);
}

template <class P>
std::string field_op(const std::string& op, std::vector<std::string>& args) {
  using F = Fp<P>;
  std::vector<u64> raw(args.size() * 4);
  for (size_t i = 0; i < args.size(); i++) {
    if (!from_decimal(args[i], &raw[i * 4])) return "error: bad integer";
  }
  if (op == "canon") return args.size() == 1 && F::is_canonical(&raw[0]) ? "1" : "0";
  std::vector<F> v;
  for (size_t i = 0; i < args.size(); i++) {
    if (!F::is_canonical(&raw[i * 4])) return "error: not canonical";
    v.push_back(F::from_normal(&raw[i * 4]));
  }
  auto out = [](const F& x) { return to_decimal(x.to_normal().v); };
  if (op == "add" && v.size() == 2) return out(v[0] + v[1]);
  if (op == "sub" && v.size() == 2) return out(v[0] - v[1]);
  if (op == "mul" && v.size() == 2) return out(v[0] * v[1]);
  if (op == "neg" && v.size() == 1) return out(v[0].neg());
  if (op == "inv" && v.size() == 1) return v[0].is_zero() ? "error: zero" : out(v[0].inv());
  return "error: bad op";
}

template <class F>
std::string curve_op(const Affine<F>& g, const std::string& op, std::vector<std::string>& args) {
  std::vector<u64> raw(args.size() * 4);
  for (size_t i = 0; i < args.size(); i++) {
    if (!from_decimal(args[i], &raw[i * 4]) || !Fr::is_canonical(&raw[i * 4])) return "error: bad scalar";
  }
  Jac<F> gj = Jac<F>::from(g);
  if (op == "mul" && args.size() == 1) return show_point(gj.mul(&raw[0]));
  // msmw W K1 S1 ...: the same with the window forced to W bits (W = 16 takes the int16 digit edge).
  int window = 0;
  if (op == "msmw" && !args.empty()) {
    window = std::atoi(args[0].c_str());
    if (window < 2 || window > 16) return "error: bad window";
    args.erase(args.begin());
    raw.erase(raw.begin(), raw.begin() + 4);
  }
  if ((op == "msm" || op == "msmw") && args.size() % 2 == 0) {
    size_t n = args.size() / 2;
    std::vector<Affine<F>> pts(n);
    std::vector<u64> sc(n * 4);
    for (size_t i = 0; i < n; i++) {
      pts[i] = gj.mul(&raw[i * 8]).to_affine();
      std::memcpy(&sc[i * 4], &raw[i * 8 + 4], 32);
    }
    const uint8_t* pp = (const uint8_t*)pts.data();
    const uint8_t* sp = (const uint8_t*)sc.data();
    // Both bucket strategies (the batch-affine one with tiny batches, so deferrals and spills happen),
    // then the naive sum.
    MsmOptions jac, ba;
    jac.mode = MsmOptions::Jacobian;
    ba.mode = MsmOptions::BatchAffine;
    ba.batch = 1 + n % 7;
    jac.window = ba.window = window;
    return show_point(msm<F>(pp, sp, n, 2, jac)) + " | " + show_point(msm<F>(pp, sp, n, 2, ba)) + " | " +
           show_point(msm_naive<F>(pp, sp, n));
  }
  return "error: bad op";
}

// kind: "ntt" forward, "intt" inverse (natural order); "ntt-br" forward from bit-reversed input,
// "intt-br" inverse (with 1/n) to bit-reversed output, the two halves the prover uses.
inline std::string ntt_op(const std::string& kind, std::vector<std::string>& args) {
  if (args.empty()) return "error: no size";
  int logn = std::atoi(args[0].c_str());
  size_t n = (size_t)1 << logn;
  if (logn < 0 || logn > 20 || args.size() != n + 1) return "error: bad size";
  std::vector<Fr> v(n);
  for (size_t i = 0; i < n; i++) {
    u64 x[4];
    if (!from_decimal(args[i + 1], x) || !Fr::is_canonical(x)) return "error: bad value";
    v[i] = Fr::from_normal(x);
  }
  Domain d(logn, 2);
  if (kind == "intt") {
    d.inverse(v.data(), 2);
  } else if (kind == "ntt") {
    d.forward(v.data(), 2);
  } else if (kind == "ntt-br") {
    d.forward_from_bitrev(v.data(), 2);
  } else {
    d.inverse_to_bitrev_unscaled(v.data(), 2);
    for (auto& x : v) x = x * d.inv_n;
  }
  std::string o;
  for (size_t i = 0; i < n; i++) o += (i ? " " : "") + to_decimal(v[i].to_normal().v);
  return o;
}

inline int selftest(std::istream& in, std::ostream& out) {
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    std::string kind, op, tok;
    ss >> kind;
    if (kind.empty()) continue;
    std::vector<std::string> args;
    std::string res;
    if (kind == "ntt" || kind == "intt" || kind == "ntt-br" || kind == "intt-br") {
      while (ss >> tok) args.push_back(tok);
      res = ntt_op(kind, args);
    } else {
      ss >> op;
      while (ss >> tok) args.push_back(tok);
      if (kind == "fq") {
        res = field_op<FqParams>(op, args);
      } else if (kind == "fr") {
        res = field_op<FrParams>(op, args);
      } else if (kind == "g1") {
        res = curve_op<Fq>(g1_gen(), op, args);
      } else if (kind == "g2") {
        res = curve_op<Fq2>(g2_gen(), op, args);
      } else {
        res = "error: bad kind";
      }
    }
    out << res << "\n";
  }
  out.flush();
  return 0;
}

}  // namespace zk
