// circomlib-compatible Poseidon over BN254's scalar field, 1..16 inputs: the neptune-optimised
// permutation of circomlibjs `poseidon_opt.js` (sparse partial-round matrices) with circomlibjs' own
// optimised constants. The constants are not compiled in: the TypeScript loader reads them from the
// installed circomlibjs and hands them over per arity (set_constants), so there is one source of truth.
#pragma once
#include <cstddef>
#include <vector>

#include "../src/field.hpp"

namespace zkc {

using zk::Fr;
using zk::u64;

constexpr int POSEIDON_MAX_INPUTS = 16;
constexpr int N_ROUNDS_F = 8;
constexpr int N_ROUNDS_P[POSEIDON_MAX_INPUTS] = {56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68};

struct PoseidonArity {
  bool ready = false;
  int t = 0;
  int nRoundsP = 0;
  std::vector<Fr> C;  // 8t + nRoundsP
  std::vector<Fr> S;  // (2t - 1) * nRoundsP
  std::vector<Fr> M;  // row i = the factors of new state[i]: M[i*t + j] = circomlibjs M[j][i]
  std::vector<Fr> P;  // same layout, the pre-sparse matrix
};

inline PoseidonArity g_poseidon[POSEIDON_MAX_INPUTS + 1];

// Number of 32-byte values set_constants expects for an arity: C, S, M, P in that order.
inline size_t poseidon_constant_count(int nInputs) {
  const int t = nInputs + 1, np = N_ROUNDS_P[nInputs - 1];
  return (size_t)(8 * t + np) + (size_t)(2 * t - 1) * np + 2 * (size_t)t * t;
}

// `words` holds poseidon_constant_count(n) canonical integers, 4 little-endian limbs each, in the
// circomlibjs JSON order (M and P row by row as in the JSON: M[j][i]). False if one is not < p.
inline bool poseidon_set_constants(int nInputs, const u64* words) {
  PoseidonArity& a = g_poseidon[nInputs];
  const int t = nInputs + 1, np = N_ROUNDS_P[nInputs - 1];
  auto next = [&](Fr& out) {
    if (!Fr::is_canonical(words)) return false;
    out = Fr::from_normal(words);
    words += 4;
    return true;
  };
  PoseidonArity n;
  n.t = t;
  n.nRoundsP = np;
  n.C.resize(8 * t + np);
  n.S.resize((size_t)(2 * t - 1) * np);
  n.M.resize((size_t)t * t);
  n.P.resize((size_t)t * t);
  for (auto& c : n.C)
    if (!next(c)) return false;
  for (auto& s : n.S)
    if (!next(s)) return false;
  for (int j = 0; j < t; j++)
    for (int i = 0; i < t; i++)
      if (!next(n.M[(size_t)i * t + j])) return false;
  for (int j = 0; j < t; j++)
    for (int i = 0; i < t; i++)
      if (!next(n.P[(size_t)i * t + j])) return false;
  n.ready = true;
  a = std::move(n);
  return true;
}

ZK_INLINE Fr pow5(const Fr& a) {
  Fr a2 = a.sqr();
  return a2.sqr() * a;
}

ZK_INLINE void mix(Fr* state, const Fr* m, int t) {
  Fr out[POSEIDON_MAX_INPUTS + 1];
  for (int i = 0; i < t; i++) {
    const Fr* row = m + (size_t)i * t;
    Fr acc = row[0] * state[0];
    for (int j = 1; j < t; j++) acc += row[j] * state[j];
    out[i] = acc;
  }
  for (int i = 0; i < t; i++) state[i] = out[i];
}

// Poseidon of n Montgomery-form inputs; the arity's constants must be set. Output in Montgomery form.
inline Fr poseidon_hash(const Fr* inputs, int n) {
  const PoseidonArity& a = g_poseidon[n];
  const int t = a.t, np = a.nRoundsP;
  const Fr* C = a.C.data();
  const Fr* S = a.S.data();
  Fr st[POSEIDON_MAX_INPUTS + 1];
  st[0] = C[0];
  for (int i = 1; i < t; i++) st[i] = inputs[i - 1] + C[i];
  constexpr int half = N_ROUNDS_F / 2;
  for (int r = 0; r < half - 1; r++) {
    for (int i = 0; i < t; i++) st[i] = pow5(st[i]) + C[(r + 1) * t + i];
    mix(st, a.M.data(), t);
  }
  for (int i = 0; i < t; i++) st[i] = pow5(st[i]) + C[half * t + i];
  mix(st, a.P.data(), t);
  const int pBase = (half + 1) * t;
  const int stride = 2 * t - 1;
  for (int r = 0; r < np; r++) {
    const Fr s0 = pow5(st[0]) + C[pBase + r];
    const Fr* sr = S + (size_t)stride * r;
    Fr acc = sr[0] * s0;
    for (int j = 1; j < t; j++) acc += sr[j] * st[j];
    for (int k = 1; k < t; k++) st[k] += s0 * sr[t + k - 1];
    st[0] = acc;
  }
  const int fBase = pBase + np;
  for (int r = 0; r < half - 1; r++) {
    for (int i = 0; i < t; i++) st[i] = pow5(st[i]) + C[fBase + r * t + i];
    mix(st, a.M.data(), t);
  }
  for (int i = 0; i < t; i++) st[i] = pow5(st[i]);
  const Fr* m0 = a.M.data();
  Fr out = m0[0] * st[0];
  for (int j = 1; j < t; j++) out += m0[j] * st[j];
  return out;
}

}  // namespace zkc
