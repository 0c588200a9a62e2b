// Node-API addon for the sequencer's hot crypto: Poseidon (1..16 inputs) and EdDSA-Poseidon
// verification over BabyJubjub, one at a time or many per call (verifyBatch, split over threads).
// Values cross as BigInts (napi_get_value_bigint_words: no string or byte conversion in JS).
// Loaded by sequencer/crypto/native.ts, which hands over Poseidon's constants before first use.
//
// Exports:
//   setPoseidonConstants(nInputs, buffer)  circomlibjs' optimised constants for one arity (32-byte LE)
//   poseidon(inputs: bigint[]) -> bigint   inputs in [0, 2^256), reduced mod p; undefined if one is not
//   verify(msg, r8x, r8y, ax, ay, s) -> boolean
//   verifyBatch(flat: bigint[] (6 per signature), threads?) -> Uint8Array of 0/1
//   setKeyCache(slots, buildAfterHits), keyCacheStats() -> { tables, tracked, slots }
//   selftest() -> boolean                   B8 on the curve and of order l (used by build.mjs)
#include <node_api.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "eddsa.hpp"

namespace {

using namespace zkc;

#define CHECK(call)                                         \
  do {                                                      \
    if ((call) != napi_ok) {                                \
      napi_throw_error(env, nullptr, "zkcrypto: " #call);   \
      return nullptr;                                       \
    }                                                       \
  } while (0)

// A BigInt in [0, 2^256) into 4 limbs; false for anything else.
bool read_u256(napi_env env, napi_value v, u64* out) {
  int sign = 0;
  size_t count = 4;
  out[0] = out[1] = out[2] = out[3] = 0;
  if (napi_get_value_bigint_words(env, v, &sign, &count, out) != napi_ok) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value e;
      napi_get_and_clear_last_exception(env, &e);
    }
    return false;
  }
  if (count > 4) return false;
  if (sign && (out[0] | out[1] | out[2] | out[3])) return false;
  return true;
}

void reduce_mod_p(u64* x) {
  while (!below(x, zk::FrParams::P)) zk::sub4(x, x, zk::FrParams::P);  // 2^256 < 6p
}

napi_value make_bool(napi_env env, bool b) {
  napi_value r;
  napi_get_boolean(env, b, &r);
  return r;
}

napi_value SetPoseidonConstants(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int32_t n = 0;
  if (argc < 2 || napi_get_value_int32(env, argv[0], &n) != napi_ok || n < 1 || n > POSEIDON_MAX_INPUTS) {
    napi_throw_range_error(env, nullptr, "setPoseidonConstants: arity must be 1..16");
    return nullptr;
  }
  void* data = nullptr;
  size_t len = 0;
  bool isBuf = false;
  CHECK(napi_is_buffer(env, argv[1], &isBuf));
  if (!isBuf) {
    napi_throw_type_error(env, nullptr, "setPoseidonConstants: expected a Buffer");
    return nullptr;
  }
  CHECK(napi_get_buffer_info(env, argv[1], &data, &len));
  if (len != poseidon_constant_count(n) * 32) {
    napi_throw_range_error(env, nullptr, "setPoseidonConstants: wrong number of constants for this arity");
    return nullptr;
  }
  std::vector<u64> words(len / 8);
  std::memcpy(words.data(), data, len);  // little-endian host assumed (x86-64, arm64)
  if (!poseidon_set_constants(n, words.data())) {
    napi_throw_range_error(env, nullptr, "setPoseidonConstants: a constant is not below p");
    return nullptr;
  }
  return make_bool(env, true);
}

napi_value Poseidon(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arr;
  CHECK(napi_get_cb_info(env, info, &argc, &arr, nullptr, nullptr));
  uint32_t n = 0;
  if (argc < 1 || napi_get_array_length(env, arr, &n) != napi_ok) {
    napi_throw_type_error(env, nullptr, "poseidon: expected an array of bigints");
    return nullptr;
  }
  if (n < 1 || n > POSEIDON_MAX_INPUTS || !g_poseidon[n].ready) {
    napi_throw_range_error(env, nullptr, "poseidon: arity outside 1..16 or its constants not set");
    return nullptr;
  }
  Fr in[POSEIDON_MAX_INPUTS];
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    CHECK(napi_get_element(env, arr, i, &v));
    u64 w[4];
    if (!read_u256(env, v, w)) {
      napi_value u;
      napi_get_undefined(env, &u);
      return u;  // the caller reduces it in JS and asks again
    }
    reduce_mod_p(w);
    in[i] = Fr::from_normal(w);
  }
  const Fr out = poseidon_hash(in, (int)n).to_normal();
  napi_value r;
  CHECK(napi_create_bigint_words(env, 0, 4, out.v, &r));
  return r;
}

// Six values from argv/array into a SigInput. msg is reduced mod p (as Poseidon would); the others
// must be canonical, which verify_sig checks.
bool read_sig(napi_env env, const napi_value* v, SigInput& s) {
  bool ok = read_u256(env, v[0], s.msg) && read_u256(env, v[1], s.r8x) && read_u256(env, v[2], s.r8y) &&
            read_u256(env, v[3], s.ax) && read_u256(env, v[4], s.ay) && read_u256(env, v[5], s.s);
  if (ok) reduce_mod_p(s.msg);
  s.wellFormed = ok;
  return ok;
}

napi_value Verify(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc < 6) return make_bool(env, false);
  SigInput s;
  if (!read_sig(env, argv, s)) return make_bool(env, false);
  return make_bool(env, verify_sig(s));
}

napi_value VerifyBatch(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  uint32_t len = 0;
  if (argc < 1 || napi_get_array_length(env, argv[0], &len) != napi_ok || len % 6 != 0) {
    napi_throw_type_error(env, nullptr, "verifyBatch: expected an array of 6 bigints per signature");
    return nullptr;
  }
  int32_t threads = 0;
  if (argc >= 2) napi_get_value_int32(env, argv[1], &threads);
  const size_t n = len / 6;
  std::vector<SigInput> sigs(n);
  for (size_t i = 0; i < n; i++) {
    napi_value v[6];
    for (int j = 0; j < 6; j++) CHECK(napi_get_element(env, argv[0], (uint32_t)(6 * i + j), &v[j]));
    read_sig(env, v, sigs[i]);
  }
  napi_value ab;
  void* data = nullptr;
  CHECK(napi_create_arraybuffer(env, n, &data, &ab));
  uint8_t* out = static_cast<uint8_t*>(data);
  // Below ~8 signatures per thread, starting threads costs more than it saves.
  size_t nt = threads > 0 ? (size_t)threads : std::max(1u, std::thread::hardware_concurrency());
  nt = std::min(nt, std::max<size_t>(1, n / 8));
  auto run = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; i++) out[i] = verify_sig(sigs[i]) ? 1 : 0;
  };
  if (nt <= 1) {
    run(0, n);
  } else {
    std::vector<std::thread> pool;
    const size_t chunk = (n + nt - 1) / nt;
    for (size_t t = 1; t < nt; t++) pool.emplace_back(run, std::min(n, t * chunk), std::min(n, (t + 1) * chunk));
    run(0, std::min(n, chunk));
    for (auto& th : pool) th.join();
  }
  napi_value arr;
  CHECK(napi_create_typedarray(env, napi_uint8_array, n, ab, 0, &arr));
  return arr;
}

napi_value SetKeyCache(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  uint32_t slots = 128, after = 2;
  if (argc >= 1) napi_get_value_uint32(env, argv[0], &slots);
  if (argc >= 2) napi_get_value_uint32(env, argv[1], &after);
  key_cache().configure(slots, after);
  return make_bool(env, true);
}

napi_value KeyCacheStats(napi_env env, napi_callback_info) {
  const KeyCache::Stats s = key_cache().stats();
  napi_value o, a, b, c;
  CHECK(napi_create_object(env, &o));
  CHECK(napi_create_double(env, (double)s.tables, &a));
  CHECK(napi_create_double(env, (double)s.tracked, &b));
  CHECK(napi_create_double(env, (double)s.slots, &c));
  CHECK(napi_set_named_property(env, o, "tables", a));
  CHECK(napi_set_named_property(env, o, "tracked", b));
  CHECK(napi_set_named_property(env, o, "slots", c));
  return o;
}

napi_value Selftest(napi_env env, napi_callback_info) {
  const WindowTable& t = base8_table();
  const Fr bx = Fr::from_normal(BASE8_X), by = Fr::from_normal(BASE8_Y);
  bool ok = on_curve(bx, by);
  // l·B8 = identity, via the variable-base path: (l - 1)·B8 + B8; the table path agrees.
  u64 lm1[4];
  std::memcpy(lm1, SUBGROUP_ORDER, 32);
  lm1[0] -= 1;
  const Ext b8e = from_circom(bx, by);
  const Ext id = add(mul_var(b8e, lm1), t.pts[0]);
  ok = ok && same_point(id, Ext::identity());
  ok = ok && same_point(t.mul(lm1), mul_var(b8e, lm1));
  const Fr two = fr_u64(2), three = fr_u64(3);
  ok = ok && (two * three).to_normal().v[0] == 6;
  return make_bool(env, ok);
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"setPoseidonConstants", nullptr, SetPoseidonConstants, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"poseidon", nullptr, Poseidon, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"verify", nullptr, Verify, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"verifyBatch", nullptr, VerifyBatch, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setKeyCache", nullptr, SetKeyCache, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"keyCacheStats", nullptr, KeyCacheStats, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"selftest", nullptr, Selftest, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
