// A circuit's native witness generator: circom's generated code (`circom --c`, main_c.cpp) linked
// with this runtime. Usage:
//   main_c [--dat FILE] [INPUT.json|-] [OUT.wtns|-]
// Reads the input JSON (stdin by default), computes the witness, writes a .wtns file (stdout by
// default). The .dat defaults to the binary's path + ".dat". Anything the circuit prints (log(),
// assert messages) goes to stderr, so stdout carries only the .wtns bytes.
// Exit status: 0 done; 2 the input is wrong (JSON, unknown/missing signal, value count); 3 the .dat
// or an output could not be read or written; 4 the input made an operation impossible (integer
// division or modulo by zero, an index that is not a small integer: wasm traps there too); a failed
// circuit assert prints "Failed assert ..." and aborts (SIGABRT), as circom's own runtime does.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "calcwit.hpp"
#include "circom.hpp"
#include "json-input.hpp"

namespace {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct IoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads a little-endian u32/u64 run of the .dat, checking its bounds.
class DatReader {
 public:
  DatReader(const u8* d, size_t n) : d_(d), n_(n) {}
  const u8* take(size_t bytes) {
    if (bytes > n_ - pos_) throw IoError(".dat file is truncated");
    const u8* p = d_ + pos_;
    pos_ += bytes;
    return p;
  }
  u32 u32v() {
    u32 x;
    std::memcpy(&x, take(4), 4);
    return x;
  }

 private:
  const u8* d_;
  size_t n_;
  size_t pos_ = 0;
};

IOFieldDefPair readDefs(DatReader& r) {
  IOFieldDefPair p;
  p.len = r.u32v();
  p.defs = new IOFieldDef[p.len ? p.len : 1];
  for (u32 j = 0; j < p.len; j++) {
    IOFieldDef& d = p.defs[j];
    d.offset = r.u32v();
    d.len = r.u32v();
    d.lengths = new u32[d.len ? d.len : 1];
    for (u32 k = 0; k < d.len; k++) d.lengths[k] = r.u32v();
    d.size = r.u32v();
    d.busId = r.u32v();
  }
  return p;
}

// The .dat layout circom writes: input hash map, witness-to-signal list, constants, then the IO
// maps (template ids, each template's fields, each bus's fields).
Circom_Circuit* loadCircuit(const std::string& file) {
  const int fd = open(file.c_str(), O_RDONLY);
  if (fd < 0) throw IoError("cannot open " + file + ": " + std::strerror(errno));
  struct stat sb;
  if (fstat(fd, &sb) != 0) throw IoError("cannot stat " + file);
  const size_t size = (size_t)sb.st_size;
  void* map = size ? mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0) : nullptr;
  close(fd);
  if (size == 0 || map == MAP_FAILED) throw IoError("cannot map " + file);
  DatReader r((const u8*)map, size);

  Circom_Circuit* c = new Circom_Circuit;
  const uint nHash = get_size_of_input_hashmap();
  c->InputHashMap = new HashSignalInfo[nHash];
  std::memcpy((void*)c->InputHashMap, r.take(sizeof(HashSignalInfo) * nHash), sizeof(HashSignalInfo) * nHash);
  const uint nWit = get_size_of_witness();
  c->witness2SignalList = new u64[nWit];
  std::memcpy(c->witness2SignalList, r.take(sizeof(u64) * nWit), sizeof(u64) * nWit);
  const uint nConst = get_size_of_constants();
  c->circuitConstants = new FrElement[nConst ? nConst : 1];
  if (nConst) std::memcpy((void*)c->circuitConstants, r.take(sizeof(FrElement) * nConst), sizeof(FrElement) * nConst);
  const uint nIo = get_size_of_io_map();
  const uint nBus = get_size_of_bus_field_map();
  c->busInsId2FieldInfo = new IOFieldDefPair[nBus ? nBus : 1];
  if (nIo > 0) {
    std::vector<u32> ids(nIo);
    for (uint i = 0; i < nIo; i++) ids[i] = r.u32v();
    for (uint i = 0; i < nIo; i++) c->templateInsId2IOSignalInfo[ids[i]] = readDefs(r);
    for (uint i = 0; i < nBus; i++) c->busInsId2FieldInfo[i] = readDefs(r);
  }
  munmap(map, size);
  return c;
}

void loadInputs(Circom_CalcWit& ctx, const std::string& text) {
  std::vector<InputSignal> signals;
  try {
    signals = parseInputJson(text);
  } catch (const std::runtime_error& e) {
    throw InputError(std::string("bad input JSON: ") + e.what());
  }
  for (const InputSignal& s : signals) {
    const int slot = ctx.inputSlot(fnv1a(s.name));
    if (slot < 0) throw InputError("Signal " + s.name + " not found");
    const u64 want = ctx.inputSize(slot);
    if (s.values.size() < want) throw InputError("Not enough values for input signal " + s.name);
    if (s.values.size() > want) throw InputError("Too many values for input signal " + s.name);
    for (size_t i = 0; i < s.values.size(); i++) {
      const std::string& v = s.values[i];
      uint base = 10;
      size_t skip = 0;
      if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) base = 16, skip = 2;
      else if (v.size() > 2 && v[0] == '0' && (v[1] == 'b' || v[1] == 'B')) base = 2, skip = 2;
      else if (v.size() > 2 && v[0] == '0' && (v[1] == 'o' || v[1] == 'O')) base = 8, skip = 2;
      FrElement e;
      if (!Fr_str2element(&e, v.c_str() + skip, base))
        throw InputError("Invalid number in input signal " + s.name + ": " + v);
      if (!ctx.setInput(slot, i, e)) throw InputError("Input signal " + s.name + " set twice");
    }
  }
  if (ctx.inputsLeft() != 0) {
    const uint all = get_main_input_signal_no();
    throw InputError("Not all inputs have been set. Only " + std::to_string(all - ctx.inputsLeft()) + " out of " +
                     std::to_string(all) + " values were given; missing: " + ctx.missingInputs());
  }
}

void writeAll(int fd, const void* data, size_t n) {
  const char* p = (const char*)data;
  while (n > 0) {
    const ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw IoError(std::string("cannot write the witness: ") + std::strerror(errno));
    }
    p += w;
    n -= (size_t)w;
  }
}

// .wtns v2: header section (n8, prime, witness count), then the values in normal form.
void writeWtns(const Circom_CalcWit& ctx, int fd) {
  const uint n = get_size_of_witness();
  const u32 n8 = Fr_N64 * 8;
  std::vector<u8> out;
  out.reserve(12 + 12 + 8 + n8 + 4 + 12 + (size_t)n8 * n);
  auto put = [&](const void* p, size_t len) {
    const u8* b = (const u8*)p;
    out.insert(out.end(), b, b + len);
  };
  const u32 version = 2, nSections = 2, id1 = 1, id2 = 2;
  const u64 len1 = 8 + n8, len2 = (u64)n8 * n;
  put("wtns", 4);
  put(&version, 4);
  put(&nSections, 4);
  put(&id1, 4);
  put(&len1, 8);
  put(&n8, 4);
  put(Fr_q.longVal, n8);
  put(&n, 4);
  put(&id2, 4);
  put(&len2, 8);
  for (uint i = 0; i < n; i++) {
    FrElement v;
    ctx.getWitness(i, &v);
    Fr_toLongNormal(&v, &v);
    put(v.longVal, n8);
  }
  writeAll(fd, out.data(), out.size());
}

std::string readAll(int fd) {
  std::string s;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError(std::string("cannot read the input: ") + std::strerror(errno));
    }
    if (n == 0) break;
    s.append(buf, (size_t)n);
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dat = std::string(argv[0]) + ".dat";
  std::vector<std::string> pos;
  bool timing = false;
  for (int i = 1; i < argc; i++) {
    const std::string a = argv[i];
    if (a == "--dat" && i + 1 < argc) dat = argv[++i];
    else if (a == "--timing") timing = true;
    else pos.push_back(a);
  }
  if (pos.size() > 2) {
    std::fprintf(stderr, "usage: %s [--dat FILE] [--timing] [INPUT.json|-] [OUT.wtns|-]\n", argv[0]);
    return 2;
  }
  // The generated code prints to std::cout: send that to stderr and keep stdout for the witness.
  const int outFd = dup(1);
  dup2(2, 1);
  try {
    const auto t0 = std::chrono::steady_clock::now();
    Circom_Circuit* circuit = loadCircuit(dat);
    std::string text;
    if (pos.empty() || pos[0] == "-") {
      text = readAll(0);
    } else {
      const int fd = open(pos[0].c_str(), O_RDONLY);
      if (fd < 0) throw IoError("cannot open " + pos[0] + ": " + std::strerror(errno));
      text = readAll(fd);
      close(fd);
    }
    Circom_CalcWit ctx(circuit);
    loadInputs(ctx, text);
    const auto t1 = std::chrono::steady_clock::now();
    ctx.run();
    const auto t2 = std::chrono::steady_clock::now();
    int fd = outFd;
    if (pos.size() == 2 && pos[1] != "-") {
      fd = open(pos[1].c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd < 0) throw IoError("cannot create " + pos[1] + ": " + std::strerror(errno));
    }
    writeWtns(ctx, fd);
    if (fd != outFd) close(fd);
    const auto t3 = std::chrono::steady_clock::now();
    if (timing) {
      auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
      std::fprintf(stderr, "witness timing: load %.1f ms, run %.1f ms, write %.1f ms\n", ms(t0, t1), ms(t1, t2),
                   ms(t2, t3));
    }
  } catch (const InputError& e) {
    std::fprintf(stderr, "input error: %s\n", e.what());
    return 2;
  } catch (const IoError& e) {
    std::fprintf(stderr, "io error: %s\n", e.what());
    return 3;
  }
  return 0;
}
