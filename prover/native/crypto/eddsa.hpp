// EdDSA-Poseidon verification with the verdict of circomlibjs `verifyPoseidon` on canonical inputs:
// R8 and A on the curve, S below the subgroup order, S·B8 == R8 + hm·(8·A) with
// hm = Poseidon(R8x, R8y, Ax, Ay, msg). Unlike circomlibjs, a coordinate ≥ p is rejected rather than
// reduced (accepting it would let anyone re-encode a valid signature).
//
// S·B8 uses a fixed 8-bit window table of B8 (32 additions, no doublings). hm·(8·A) uses a width-5
// NAF, or, for a key seen before, that key's own 6-bit window table (42 additions, 250 kB), kept in a small
// LRU cache. hm may be reduced mod the subgroup order because 8·A lies in the prime-order subgroup.
#pragma once
#include <cstring>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "babyjub.hpp"
#include "poseidon.hpp"

namespace zkc {

constexpr u64 SUBGROUP_ORDER[4] = {0x677297dc392126f1ULL, 0xab3eedb83920ee0aULL, 0x370a08b6d0302b0bULL,
                                   0x060c89ce5c263405ULL};

// A signature check's inputs as canonical-or-not 256-bit integers (4 little-endian limbs each).
struct SigInput {
  u64 msg[4], r8x[4], r8y[4], ax[4], ay[4], s[4];
  bool wellFormed;  // false when a value was missing, not a bigint, negative or ≥ 2^256
};

// hm < l < 2^252: 42 windows of 6 bits cover it.
constexpr int KEY_WINDOW_BITS = 6;
constexpr int KEY_WINDOWS = 42;

struct KeyId {
  u64 w[8];
  bool operator==(const KeyId& o) const { return std::memcmp(w, o.w, sizeof w) == 0; }
};
struct KeyIdHash {
  size_t operator()(const KeyId& k) const {
    u64 h = 0x9e3779b97f4a7c15ULL;
    for (u64 x : k.w) h = (h ^ x) * 0xff51afd7ed558ccdULL;
    return (size_t)(h ^ (h >> 32));
  }
};

// Per-key tables, least recently used first out. A key earns a table on its `buildAfterHits`-th check,
// so one-off signers never pay for the build (~15 checks' worth of work).
class KeyCache {
 public:
  struct Stats {
    size_t tables, tracked, slots;
  };

  void configure(size_t slots, unsigned buildAfterHits) {
    std::lock_guard<std::mutex> g(mu_);
    slots_ = slots;
    buildAfterHits_ = buildAfterHits < 1 ? 1 : buildAfterHits;
    lru_.clear();
    byKey_.clear();
    hits_.clear();
  }

  Stats stats() {
    std::lock_guard<std::mutex> g(mu_);
    return Stats{byKey_.size(), hits_.size(), slots_};
  }

  // The key's table, building it if the key has now been seen often enough; null otherwise.
  std::shared_ptr<const WindowTable> get(const KeyId& id, const Ext& q) {
    {
      std::lock_guard<std::mutex> g(mu_);
      if (slots_ == 0) return nullptr;
      auto it = byKey_.find(id);
      if (it != byKey_.end()) {
        lru_.splice(lru_.end(), lru_, it->second);
        return it->second->second;
      }
      unsigned& h = hits_[id];
      if (++h < buildAfterHits_) {
        if (hits_.size() > MAX_TRACKED) hits_.clear();  // crude bound; only delays a table
        return nullptr;
      }
      hits_.erase(id);
    }
    auto t = std::make_shared<WindowTable>();
    t->build(q, KEY_WINDOW_BITS, KEY_WINDOWS);
    std::lock_guard<std::mutex> g(mu_);
    if (slots_ == 0 || byKey_.count(id)) return t;
    while (byKey_.size() >= slots_) {
      byKey_.erase(lru_.front().first);
      lru_.pop_front();
    }
    lru_.emplace_back(id, t);
    byKey_[id] = std::prev(lru_.end());
    return t;
  }

 private:
  static constexpr size_t MAX_TRACKED = 10000;
  using Entry = std::pair<KeyId, std::shared_ptr<const WindowTable>>;
  std::mutex mu_;
  size_t slots_ = 128;
  unsigned buildAfterHits_ = 2;
  std::list<Entry> lru_;
  std::unordered_map<KeyId, std::list<Entry>::iterator, KeyIdHash> byKey_;
  std::unordered_map<KeyId, unsigned, KeyIdHash> hits_;
};

inline KeyCache& key_cache() {
  static KeyCache c;
  return c;
}

inline bool below(const u64* x, const u64* m) { return !zk::geq4(x, m); }

inline bool verify_sig(const SigInput& in) {
  if (!in.wellFormed) return false;
  const u64* P = zk::FrParams::P;
  if (!below(in.r8x, P) || !below(in.r8y, P) || !below(in.ax, P) || !below(in.ay, P)) return false;
  if (!below(in.msg, P) || !below(in.s, SUBGROUP_ORDER)) return false;
  if (!g_poseidon[5].ready) return false;
  const Fr r8x = Fr::from_normal(in.r8x), r8y = Fr::from_normal(in.r8y);
  const Fr ax = Fr::from_normal(in.ax), ay = Fr::from_normal(in.ay);
  if (!on_curve(r8x, r8y) || !on_curve(ax, ay)) return false;

  const Fr hin[5] = {r8x, r8y, ax, ay, Fr::from_normal(in.msg)};
  Fr hm = poseidon_hash(hin, 5).to_normal();
  while (!below(hm.v, SUBGROUP_ORDER)) zk::sub4(hm.v, hm.v, SUBGROUP_ORDER);  // p < 8·l: ≤ 7 rounds

  const Ext left = base8_table().mul(in.s);
  const Ext q = dbl(dbl(dbl(from_circom(ax, ay), false), false));  // 8·A
  KeyId id;
  std::memcpy(id.w, in.ax, 32);
  std::memcpy(id.w + 4, in.ay, 32);
  const auto table = key_cache().get(id, q);
  Ext right = table ? table->mul(hm.v) : mul_var(q, hm.v);
  right = add(right, to_pre(r8x * cc().s, r8y));
  return same_point(left, right);
}

}  // namespace zkc
