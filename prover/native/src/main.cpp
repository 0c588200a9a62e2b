// zkprove: a BN254 Groth16 prover for snarkjs zkey/wtns files.
//   zkprove ZKEY WTNS PROOF PUBLIC [--threads N] [--stats]   one proof, snarkjs' output files
//   zkprove --serve ZKEY [--threads N]                       load once, then prove framed witnesses
//   zkprove --selftest                                        arithmetic checks driven from stdin
//   zkprove --fixed-base g1|g2 [--threads N]                  k·G for the 32-byte LE scalars on stdin,
//                                                            affine LEM points (64 / 128 bytes) on stdout
// Serve protocol: after loading, one line {"ready":true,...}. Then per request, stdin gets a u32 LE
// length and that many bytes of a .wtns file; stdout gets one JSON line, either
// {"ok":true,"proof":{...},"publicSignals":[...],"timings":{...},"peakRssKb":N} or {"ok":false,"error":"..."}.
#include <sys/resource.h>

#include <cstdio>
#include <iostream>
#include <sstream>

#include "fixed-base.hpp"
#include "prove.hpp"
#include "selftest.hpp"

using namespace zk;

static long peak_rss_kb() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

static std::string json_escape(const std::string& s) {
  std::string o;
  for (char ch : s) {
    if (ch == '"' || ch == '\\') {
      o += '\\';
      o += ch;
    } else if ((unsigned char)ch < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", ch);
      o += buf;
    } else {
      o += ch;
    }
  }
  return o;
}

static std::string timings_json(const Timings& t) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "{\"abc\":%.1f,\"ntt\":%.1f,\"msmA\":%.1f,\"msmB1\":%.1f,\"msmB2\":%.1f,\"msmC\":%.1f,"
                "\"msmH\":%.1f,\"total\":%.1f}",
                t.abc, t.ntt, t.msmA, t.msmB1, t.msmB2, t.msmC, t.msmH, t.total);
  return buf;
}

static void write_file(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw FileError(path + ": cannot open for writing: " + std::strerror(errno));
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) throw FileError(path + ": write failed");
}

static std::string compact(const std::string& s) {
  std::string o;
  for (char ch : s)
    if (ch != '\n' && ch != ' ') o += ch;
  return o;
}

static int serve(const std::string& zkeyPath, int threads) {
  auto t0 = std::chrono::steady_clock::now();
  Zkey z(zkeyPath);
  Prover prover(z, threads);
  std::printf("{\"ready\":true,\"nVars\":%u,\"nPublic\":%u,\"domainSize\":%u,\"threads\":%d,\"loadMs\":%.1f}\n",
              z.nVars, z.nPublic, z.domainSize, threads, ms_since(t0));
  std::fflush(stdout);
  std::vector<uint8_t> buf;
  for (;;) {
    uint8_t len[4];
    if (std::fread(len, 1, 4, stdin) != 4) return 0;  // EOF: the parent is done
    uint32_t n = rd32(len);
    // A witness for this zkey is 76 header bytes plus 32 per value; a frame far larger than that
    // means the stream is out of step, and nothing after it can be trusted.
    if ((uint64_t)n > (1ull << 20) + 64ull * z.nVars) {
      std::printf("{\"ok\":false,\"error\":\"witness frame of %u bytes is larger than any witness for this zkey\"}\n", n);
      std::fflush(stdout);
      return 1;
    }
    buf.resize(n);
    if (n && std::fread(buf.data(), 1, n, stdin) != n) {
      std::fprintf(stderr, "zkprove: stdin ended inside a witness frame\n");
      return 1;
    }
    try {
      Witness w = parse_wtns("witness", buf.data(), n, z.nVars);
      Proof p = prover.prove(w);
      std::string line = "{\"ok\":true,\"proof\":" + compact(proof_json(p)) +
                         ",\"publicSignals\":" + compact(public_json(p)) + ",\"timings\":" + timings_json(p.t) +
                         ",\"peakRssKb\":" + std::to_string(peak_rss_kb()) + "}\n";
      std::fwrite(line.data(), 1, line.size(), stdout);
    } catch (const std::exception& e) {
      std::string line = "{\"ok\":false,\"error\":\"" + json_escape(e.what()) + "\"}\n";
      std::fwrite(line.data(), 1, line.size(), stdout);
    }
    std::fflush(stdout);
  }
}

// Reads all of stdin: scalars (32-byte little-endian, canonical); writes the points in order, one
// chunk at a time so the caller can show progress.
template <class F>
static int fixed_base(const Affine<F>& g, int threads) {
  std::vector<uint8_t> in;
  uint8_t buf[1 << 16];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, stdin)) > 0) in.insert(in.end(), buf, buf + got);
  if (in.size() % 32 != 0) {
    std::fprintf(stderr, "zkprove: stdin: %zu bytes is not a whole number of 32-byte scalars\n", in.size());
    return 1;
  }
  const size_t n = in.size() / 32;
  for (size_t i = 0; i < n; i++) {
    u64 k[4];
    std::memcpy(k, in.data() + i * 32, 32);
    if (!Fr::is_canonical(k)) {
      std::fprintf(stderr, "zkprove: stdin: scalar %zu is not below the group order\n", i);
      return 1;
    }
  }
  FixedBase<F> fb(g, threads);
  const size_t CHUNK = 16384;
  std::vector<Affine<F>> out(std::min(n, CHUNK));
  for (size_t b = 0; b < n; b += CHUNK) {
    size_t e = std::min(n, b + CHUNK);
    fb.mul_many(in.data() + b * 32, e - b, out.data(), threads);
    if (std::fwrite(out.data(), sizeof(Affine<F>), e - b, stdout) != e - b) return 1;
    std::fflush(stdout);
  }
  return 0;
}

static int usage() {
  std::fprintf(stderr,
               "usage: zkprove ZKEY WTNS PROOF PUBLIC [--threads N] [--stats]\n"
               "       zkprove --serve ZKEY [--threads N]\n"
               "       zkprove --selftest\n"
               "       zkprove --fixed-base g1|g2 [--threads N]\n");
  return 2;
}

int main(int argc, char** argv) {
  std::vector<std::string> pos;
  int threads = default_threads();
  bool stats = false, serveMode = false, selftestMode = false;
  MsmOptions::Mode msmMode = MsmOptions::Auto;
  int msmWindow = 0;
  std::string fixedGroup;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--threads" && i + 1 < argc) {
      threads = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--msm" && i + 1 < argc) {
      std::string m = argv[++i];
      msmMode = m == "jacobian" ? MsmOptions::Jacobian : m == "affine" ? MsmOptions::BatchAffine : MsmOptions::Auto;
    } else if (a == "--msm-window" && i + 1 < argc) {
      msmWindow = std::max(0, std::min(16, std::atoi(argv[++i])));
    } else if (a == "--stats") {
      stats = true;
    } else if (a == "--serve") {
      serveMode = true;
    } else if (a == "--selftest") {
      selftestMode = true;
    } else if (a == "--fixed-base" && i + 1 < argc) {
      fixedGroup = argv[++i];
    } else if (a.rfind("--", 0) == 0) {
      return usage();
    } else {
      pos.push_back(a);
    }
  }
  try {
    if (selftestMode) return selftest(std::cin, std::cout);
    if (fixedGroup == "g1") return fixed_base<Fq>(g1_gen(), threads);
    if (fixedGroup == "g2") return fixed_base<Fq2>(g2_gen(), threads);
    if (!fixedGroup.empty()) return usage();
    if (serveMode) {
      if (pos.size() != 1) return usage();
      return serve(pos[0], threads);
    }
    if (pos.size() != 4) return usage();
    auto t0 = std::chrono::steady_clock::now();
    Zkey z(pos[0]);
    Mapped wf(pos[1]);
    Witness w = parse_wtns(pos[1], wf.data, wf.size, z.nVars);
    double load = ms_since(t0);
    Prover prover(z, threads);
    prover.msmOpt.mode = msmMode;
    prover.msmOpt.window = msmWindow;
    Proof p = prover.prove(w);
    write_file(pos[2], proof_json(p));
    write_file(pos[3], public_json(p));
    if (stats) {
      std::fprintf(stderr, "{\"loadMs\":%.1f,\"timings\":%s,\"threads\":%d,\"peakRssKb\":%ld}\n", load,
                   timings_json(p.t).c_str(), threads, peak_rss_kb());
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "zkprove: %s\n", e.what());
    return 1;
  }
}
