// Readers for snarkjs' binary files (@iden3/binfileutils layout): a 4-byte magic, u32 version,
// u32 section count, then sections of (u32 id, u64 size, body). The zkey is mapped read-only and its
// point sections are used in place: they already hold affine points in Montgomery form of Fq.
#pragma once
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "curve.hpp"

namespace zk {

struct FileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void fail(const std::string& file, const std::string& what) {
  throw FileError(file + ": " + what);
}

struct Mapped {
  const uint8_t* data = nullptr;
  size_t size = 0;
  Mapped() = default;
  Mapped(const Mapped&) = delete;
  Mapped& operator=(const Mapped&) = delete;
  explicit Mapped(const std::string& path) {
    int fd = open(path.c_str(), O_RDONLY);
    if (fd < 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
      close(fd);
      fail(path, std::string("cannot stat: ") + std::strerror(errno));
    }
    size = (size_t)st.st_size;
    if (size == 0) {
      close(fd);
      fail(path, "file is empty");
    }
    void* p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) fail(path, std::string("cannot mmap: ") + std::strerror(errno));
    data = (const uint8_t*)p;
  }
  ~Mapped() {
    if (data) munmap((void*)data, size);
  }
};

// Lets the kernel drop the resident pages of a read-only file mapping inside [p, p + len) (whole
// pages only). They stay in the page cache, and a later read faults them back in, so peak RSS is
// the largest stage's working set rather than the whole zkey.
inline void drop_pages(const void* p, size_t len) {
  const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t b = ((uintptr_t)p + page - 1) & ~(page - 1);
  uintptr_t e = ((uintptr_t)p + len) & ~(page - 1);
  if (e > b) madvise((void*)b, e - b, MADV_DONTNEED);
}

inline uint32_t rd32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint64_t rd64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

struct Section {
  const uint8_t* p = nullptr;
  uint64_t size = 0;
};

// Sections by id (1..maxId); a missing one has p == nullptr.
inline std::vector<Section> read_sections(const std::string& name, const uint8_t* d, size_t n,
                                          const char* magic, uint32_t maxId) {
  if (n < 12) fail(name, "truncated: " + std::to_string(n) + " bytes is shorter than the file header");
  if (std::memcmp(d, magic, 4) != 0) fail(name, std::string("not a ") + magic + " file (bad magic)");
  uint32_t nsec = rd32(d + 8);
  std::vector<Section> out(maxId + 1);
  size_t pos = 12;
  for (uint32_t i = 0; i < nsec; i++) {
    if (pos + 12 > n) fail(name, "truncated: header of section #" + std::to_string(i) + " is past the end");
    uint32_t id = rd32(d + pos);
    uint64_t size = rd64(d + pos + 4);
    pos += 12;
    if (size > n - pos) {
      fail(name, "truncated: section " + std::to_string(id) + " declares " + std::to_string(size) +
                     " bytes but only " + std::to_string(n - pos) + " remain");
    }
    if (id <= maxId && out[id].p == nullptr) out[id] = Section{d + pos, size};
    pos += size;
  }
  return out;
}

inline void expect_size(const std::string& name, const Section& s, int id, uint64_t want, const char* what) {
  if (!s.p) fail(name, "section " + std::to_string(id) + " (" + what + ") is missing");
  if (s.size != want) {
    fail(name, "section " + std::to_string(id) + " (" + what + ") has " + std::to_string(s.size) +
                   " bytes, expected " + std::to_string(want));
  }
}

struct Zkey {
  std::string name;
  Mapped file;
  uint32_t nVars = 0, nPublic = 0, domainSize = 0;
  int logDomain = 0;
  G1A alpha1, beta1, delta1;
  G2A beta2, gamma2, delta2;
  const uint8_t* coefs = nullptr;  // nCoefs records of (u32 m, u32 c, u32 s, 32-byte coef·R² mod r)
  uint32_t nCoefs = 0;
  const uint8_t *A = nullptr, *B1 = nullptr, *B2 = nullptr, *C = nullptr, *H = nullptr;

  explicit Zkey(const std::string& path) : name(path), file(path) {
    auto s = read_sections(name, file.data, file.size, "zkey", 10);
    if (!s[1].p || s[1].size < 4) fail(name, "section 1 (protocol) is missing or short");
    if (rd32(s[1].p) != 1) fail(name, "not a groth16 zkey (protocol " + std::to_string(rd32(s[1].p)) + ")");
    expect_size(name, s[2], 2, 4 + 32 + 4 + 32 + 12 + 3 * 64 + 3 * 128, "groth16 header");
    const uint8_t* h = s[2].p;
    if (rd32(h) != 32 || std::memcmp(h + 4, FqParams::P, 32) != 0) fail(name, "base field is not BN254's");
    if (rd32(h + 36) != 32 || std::memcmp(h + 40, FrParams::P, 32) != 0) fail(name, "scalar field is not BN254's");
    nVars = rd32(h + 72);
    nPublic = rd32(h + 76);
    domainSize = rd32(h + 80);
    if (domainSize == 0 || (domainSize & (domainSize - 1)) != 0) fail(name, "domain size is not a power of two");
    while ((1u << logDomain) < domainSize) logDomain++;
    if (logDomain >= 28) fail(name, "domain too large");
    if (nPublic + 1 > nVars) fail(name, "more public inputs than variables");
    const uint8_t* q = h + 84;
    std::memcpy(&alpha1, q, 64);
    std::memcpy(&beta1, q + 64, 64);
    std::memcpy(&beta2, q + 128, 128);
    std::memcpy(&gamma2, q + 256, 128);
    std::memcpy(&delta1, q + 384, 64);
    std::memcpy(&delta2, q + 448, 128);
    expect_size(name, s[3], 3, (uint64_t)(nPublic + 1) * 64, "IC points");
    if (!s[4].p || s[4].size < 4) fail(name, "section 4 (coefficients) is missing or short");
    nCoefs = rd32(s[4].p);
    expect_size(name, s[4], 4, 4 + (uint64_t)nCoefs * 44, "coefficients");
    coefs = s[4].p + 4;
    // Checked in chunks that leave the resident set at once: the section is most of a big zkey.
    for (uint32_t i = 0; i < nCoefs; i++) {
      const uint8_t* r = coefs + (size_t)i * 44;
      uint32_t m = rd32(r), c = rd32(r + 4), sig = rd32(r + 8);
      if (m > 1 || c >= domainSize || sig >= nVars) {
        fail(name, "coefficient " + std::to_string(i) + " is out of range (matrix " + std::to_string(m) +
                       ", constraint " + std::to_string(c) + ", signal " + std::to_string(sig) + ")");
      }
      if ((i & 0xffff) == 0xffff) drop_pages(coefs + ((size_t)i - 0xffff) * 44, (size_t)0x10000 * 44);
    }
    drop_pages(coefs, (size_t)nCoefs * 44);
    expect_size(name, s[5], 5, (uint64_t)nVars * 64, "A points");
    expect_size(name, s[6], 6, (uint64_t)nVars * 64, "B1 points");
    expect_size(name, s[7], 7, (uint64_t)nVars * 128, "B2 points");
    expect_size(name, s[8], 8, (uint64_t)(nVars - nPublic - 1) * 64, "C points");
    expect_size(name, s[9], 9, (uint64_t)domainSize * 64, "H points");
    A = s[5].p;
    B1 = s[6].p;
    B2 = s[7].p;
    C = s[8].p;
    H = s[9].p;
  }
};

// A witness: nWitness 32-byte little-endian values in normal form (points into the caller's bytes).
struct Witness {
  const uint8_t* values = nullptr;
  uint32_t n = 0;
};

inline Witness parse_wtns(const std::string& name, const uint8_t* d, size_t size, uint32_t wantVars) {
  auto s = read_sections(name, d, size, "wtns", 2);
  if (!s[1].p || s[1].size != 40) fail(name, "section 1 (header) is missing or not 40 bytes");
  if (rd32(s[1].p) != 32) fail(name, "field element size is not 32");
  if (std::memcmp(s[1].p + 4, FrParams::P, 32) != 0) fail(name, "witness prime is not BN254's scalar field");
  Witness w;
  w.n = rd32(s[1].p + 36);
  if (w.n != wantVars) {
    fail(name, "witness has " + std::to_string(w.n) + " values but the zkey's circuit has " + std::to_string(wantVars));
  }
  expect_size(name, s[2], 2, (uint64_t)w.n * 32, "witness values");
  w.values = s[2].p;
  for (uint32_t i = 0; i < w.n; i++) {
    u64 x[4];
    std::memcpy(x, w.values + (size_t)i * 32, 32);
    if (!Fr::is_canonical(x)) fail(name, "witness value " + std::to_string(i) + " is not below the field prime");
  }
  if (w.n == 0 || rd32(w.values) != 1 || !std::all_of(w.values + 1, w.values + 32, [](uint8_t b) { return b == 0; })) {
    fail(name, "witness value 0 is not 1");
  }
  return w;
}

}  // namespace zk
