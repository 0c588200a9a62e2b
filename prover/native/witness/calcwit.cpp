#include "calcwit.hpp"

#include <cstdio>
#include <cstring>

extern void run(Circom_CalcWit* ctx);

u64 fnv1a(const std::string& s) {
  u64 hash = 0xCBF29CE484222325ULL;
  for (unsigned char c : s) {
    hash ^= (u64)c;
    hash *= 0x100000001B3ULL;
  }
  return hash;
}

Circom_CalcWit::Circom_CalcWit(Circom_Circuit* c, uint maxThreads) : circuit(c) {
  inputsLeft_ = get_main_input_signal_no();
  inputSet = new bool[inputsLeft_ + 1]();
  const uint n = get_total_signal_no();
  signalValues = new FrElement[n];
  std::memset(signalValues, 0, sizeof(FrElement) * n);
  Fr_str2element(&signalValues[0], "1", 10);
  componentMemory = new Circom_Component[get_number_of_components()];
  circuitConstants = circuit->circuitConstants;
  templateInsId2IOSignalInfo = circuit->templateInsId2IOSignalInfo;
  busInsId2FieldInfo = circuit->busInsId2FieldInfo;
  maxThread = (int)maxThreads;
}

Circom_CalcWit::~Circom_CalcWit() {
  delete[] signalValues;
  delete[] componentMemory;
  delete[] inputSet;
}

int Circom_CalcWit::inputSlot(u64 h) const {
  const uint n = get_size_of_input_hashmap();
  uint pos = (uint)(h % (u64)n);
  for (uint k = 0; k < n; k++, pos = (pos + 1) % n) {
    const HashSignalInfo& e = circuit->InputHashMap[pos];
    if (e.hash == h && e.signalsize > 0) return (int)pos;
    if (e.hash == 0 && e.signalid == 0) return -1;  // an empty slot ends the probe
  }
  return -1;
}

bool Circom_CalcWit::setInput(int slot, u64 i, const FrElement& v) {
  const u64 si = circuit->InputHashMap[slot].signalid + i;
  const u64 k = si - get_main_input_signal_start();
  if (inputSet[k]) return false;
  signalValues[si] = v;
  inputSet[k] = true;
  inputsLeft_--;
  return true;
}

std::string Circom_CalcWit::missingInputs() const {
  std::string out;
  int count = 0;
  const uint n = get_size_of_input_hashmap(), start = get_main_input_signal_start();
  for (uint pos = 0; pos < n; pos++) {
    const HashSignalInfo& e = circuit->InputHashMap[pos];
    if (e.signalsize == 0 || inputSet[e.signalid - start]) continue;
    char buf[128];
    std::snprintf(buf, sizeof buf, "%sthe signal with name hash 0x%016llx (%llu values, signal ids %llu..%llu)",
                  count ? "; " : "", e.hash, e.signalsize, e.signalid, e.signalid + e.signalsize - 1);
    out += buf;
    count++;
  }
  return out;
}

void Circom_CalcWit::run() { ::run(this); }

std::string Circom_CalcWit::getTrace(u64 id_cmp) {
  if (id_cmp == 0) return componentMemory[id_cmp].componentName;
  return getTrace(componentMemory[id_cmp].idFather) + "." + componentMemory[id_cmp].componentName;
}

std::string Circom_CalcWit::generate_position_array(uint* dimensions, uint size_dimensions, uint index) {
  std::string positions;
  for (uint i = 0; i < size_dimensions; i++) {
    const uint d = dimensions[size_dimensions - 1 - i];
    positions = "[" + std::to_string(index % d) + "]" + positions;
    index /= d;
  }
  return positions;
}
