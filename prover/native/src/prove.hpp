// Groth16 proving, the same protocol as snarkjs' groth16_prove.js:
//   A_T, B_T = the QAP's A and B evaluated at the domain (from zkey section 4 and the witness),
//   C_T = A_T * B_T pointwise; each goes ifft -> multiply by inc^i (inc a 2n-th root) -> fft, giving
//   evaluations on the odd coset, where H_T = A*B - C; then five MSMs and the blinding with r, s.
#pragma once
#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "files.hpp"
#include "msm.hpp"
#include "ntt.hpp"

namespace zk {

struct Timings {
  double abc = 0, ntt = 0, msmA = 0, msmB1 = 0, msmB2 = 0, msmC = 0, msmH = 0, total = 0;
};

struct Proof {
  G1A a, c;
  G2A b;
  std::vector<std::string> publicSignals;
  Timings t;
};

inline double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// A uniformly random element of Fr in normal form, from /dev/urandom.
inline void random_scalar(u64* out) {
  std::ifstream f("/dev/urandom", std::ios::binary);
  for (;;) {
    f.read((char*)out, 32);
    if (!f) throw std::runtime_error("cannot read /dev/urandom");
    out[3] &= 0x3fffffffffffffffULL;
    if (Fr::is_canonical(out)) return;
  }
}

class Prover {
 public:
  MsmOptions msmOpt;  // bucket strategy (Auto unless a benchmark forces one)
  Prover(const Zkey& z, int threads) : z_(z), threads_(threads), dom_(z.logDomain, threads) {
    inc_ = root_of_unity(z.logDomain + 1);
    // (1/n) * inc^i: the ifft's scale and the coset shift in one pass (index i bit-reversed).
    incPow_ = powers(inc_, z.domainSize, threads);
    for (auto& x : incPow_) x = x * dom_.inv_n;
    bit_reverse_permute(incPow_.data(), z.logDomain, threads);  // matches the bit-reversed coefficients
  }

  Proof prove(const Witness& w) {
    using clock = std::chrono::steady_clock;
    auto t0 = clock::now();
    Proof out;
    const size_t n = z_.domainSize;
    std::vector<Fr> a(n, Fr::zero()), b(n, Fr::zero()), c(n);
    // Coefficients hold coef·R² (Montgomery of Montgomery); the witness is in normal form, so one
    // Montgomery product gives coef·w in Montgomery form.
    // One thread per matrix (A, B): each scans the records and accumulates its own. The section is
    // most of the zkey (~300 MB at the Batch2 default), so it is read in chunks that leave the
    // resident set as soon as both threads are past them (see drop_pages).
    constexpr size_t COEF_CHUNK = 1 << 16;  // records, 2.75 MiB
    for (size_t lo = 0; lo < z_.nCoefs; lo += COEF_CHUNK) {
      const size_t hi = std::min<size_t>(z_.nCoefs, lo + COEF_CHUNK);
      parallel_for(2, threads_, [&](size_t m0, size_t m1, int) {
        for (size_t mat = m0; mat < m1; mat++) {
          std::vector<Fr>& dst = mat == 0 ? a : b;
          for (size_t i = lo; i < hi; i++) {
            const uint8_t* r = z_.coefs + i * 44;
            if (rd32(r) != mat) continue;
            uint32_t row = rd32(r + 4), sig = rd32(r + 8);
            Fr coef, wv;
            std::memcpy(coef.v, r + 12, 32);
            std::memcpy(wv.v, w.values + (size_t)sig * 32, 32);
            dst[row] += coef * wv;
          }
        }
      });
      drop_pages(z_.coefs + lo * 44, (hi - lo) * 44);
    }
    drop_pages(z_.coefs, (size_t)z_.nCoefs * 44);
    parallel_for(n, threads_, [&](size_t lo, size_t hi, int) {
      for (size_t i = lo; i < hi; i++) c[i] = a[i] * b[i];
    });
    out.t.abc = ms_since(t0);

    auto t1 = clock::now();
    // Coefficients come out of the inverse in bit-reversed order, so the coset shift uses the
    // bit-reversed powers and the forward transform reads them as they are: no permutation at all.
    for (auto* v : {&a, &b, &c}) {
      dom_.inverse_to_bitrev_unscaled(v->data(), threads_);
      parallel_for(n, threads_, [&](size_t lo, size_t hi, int) {
        for (size_t i = lo; i < hi; i++) (*v)[i] = (*v)[i] * incPow_[i];
      });
      dom_.forward_from_bitrev(v->data(), threads_);
    }
    // H scalars in normal form, written over a.
    parallel_for(n, threads_, [&](size_t lo, size_t hi, int) {
      for (size_t i = lo; i < hi; i++) a[i] = (a[i] * b[i] - c[i]).to_normal();
    });
    std::vector<Fr>().swap(b);
    std::vector<Fr>().swap(c);
    out.t.ntt = ms_since(t1);

    auto tm = clock::now();
    G1J pa = msm<Fq>(z_.A, w.values, z_.nVars, threads_, msmOpt);
    drop_pages(z_.A, (size_t)z_.nVars * 64);
    out.t.msmA = ms_since(tm);
    tm = clock::now();
    G1J pb1 = msm<Fq>(z_.B1, w.values, z_.nVars, threads_, msmOpt);
    drop_pages(z_.B1, (size_t)z_.nVars * 64);
    out.t.msmB1 = ms_since(tm);
    tm = clock::now();
    G2J pb = msm<Fq2>(z_.B2, w.values, z_.nVars, threads_, msmOpt);
    drop_pages(z_.B2, (size_t)z_.nVars * 128);
    out.t.msmB2 = ms_since(tm);
    tm = clock::now();
    const size_t skip = (size_t)z_.nPublic + 1;
    G1J pc = msm<Fq>(z_.C, w.values + skip * 32, z_.nVars - skip, threads_, msmOpt);
    drop_pages(z_.C, (size_t)(z_.nVars - skip) * 64);
    out.t.msmC = ms_since(tm);
    tm = clock::now();
    G1J ph = msm<Fq>(z_.H, (const uint8_t*)a.data(), n, threads_, msmOpt);
    drop_pages(z_.H, n * 64);
    out.t.msmH = ms_since(tm);

    u64 r[4], s[4];
    random_scalar(r);
    random_scalar(s);
    G1J d1 = G1J::from(z_.delta1);
    pa = pa.madd(z_.alpha1).add(d1.mul(r));
    pb = pb.madd(z_.beta2).add(G2J::from(z_.delta2).mul(s));
    pb1 = pb1.madd(z_.beta1).add(d1.mul(s));
    // rs = -(r*s) mod r, in normal form
    Fr rm = Fr::from_normal(r), sm = Fr::from_normal(s);
    Fr nrs = (rm * sm).neg().to_normal();
    pc = pc.add(ph).add(pa.mul(s)).add(pb1.mul(r)).add(d1.mul(nrs.v));

    out.a = pa.to_affine();
    out.b = pb.to_affine();
    out.c = pc.to_affine();
    for (uint32_t i = 1; i <= z_.nPublic; i++) {
      u64 x[4];
      std::memcpy(x, w.values + (size_t)i * 32, 32);
      out.publicSignals.push_back(to_decimal(x));
    }
    out.t.total = ms_since(t0);
    return out;
  }

 private:
  const Zkey& z_;
  int threads_;
  Domain dom_;
  Fr inc_;
  std::vector<Fr> incPow_;
};

inline std::string dec(const Fq& x) { return to_decimal(x.to_normal().v); }

// snarkjs' proof.json / public.json text: JSON.stringify(value, null, 1).
inline std::string proof_json(const Proof& p) {
  auto q = [](const std::string& s) { return "\"" + s + "\""; };
  std::string o = "{\n \"pi_a\": [\n  " + q(dec(p.a.x)) + ",\n  " + q(dec(p.a.y)) + ",\n  \"1\"\n ],\n";
  o += " \"pi_b\": [\n  [\n   " + q(dec(p.b.x.c0)) + ",\n   " + q(dec(p.b.x.c1)) + "\n  ],\n  [\n   " +
       q(dec(p.b.y.c0)) + ",\n   " + q(dec(p.b.y.c1)) + "\n  ],\n  [\n   \"1\",\n   \"0\"\n  ]\n ],\n";
  o += " \"pi_c\": [\n  " + q(dec(p.c.x)) + ",\n  " + q(dec(p.c.y)) + ",\n  \"1\"\n ],\n";
  o += " \"protocol\": \"groth16\",\n \"curve\": \"bn128\"\n}";
  return o;
}

inline std::string public_json(const Proof& p) {
  if (p.publicSignals.empty()) return "[]";
  std::string o = "[";
  for (size_t i = 0; i < p.publicSignals.size(); i++) {
    o += (i ? ",\n \"" : "\n \"") + p.publicSignals[i] + "\"";
  }
  return o + "\n]";
}

}  // namespace zk
