// The witness calculator state that circom's generated code (`circom --c`) runs against: signal
// values, component memory, and the thread bookkeeping of `parallel` templates.
#pragma once
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

#include "circom.hpp"
#include "fr.hpp"

u64 fnv1a(const std::string& s);

class Circom_CalcWit {
 public:
  FrElement* signalValues;
  Circom_Component* componentMemory;
  FrElement* circuitConstants;
  std::map<u32, IOFieldDefPair> templateInsId2IOSignalInfo;
  IOFieldDefPair* busInsId2FieldInfo;
  std::string* listOfTemplateMessages = nullptr;

  std::mutex numThreadMutex;
  std::condition_variable ntcvs;
  int numThread = 0;
  int maxThread;

  explicit Circom_CalcWit(Circom_Circuit* circuit, uint maxThreads = 32);
  ~Circom_CalcWit();

  // The main input's slot for a name hash, or -1.
  int inputSlot(u64 h) const;
  u64 inputSize(int slot) const { return circuit->InputHashMap[slot].signalsize; }
  u64 inputStart(int slot) const { return circuit->InputHashMap[slot].signalid; }
  // Sets value i of input slot; false when it was set already.
  bool setInput(int slot, u64 i, const FrElement& v);
  uint inputsLeft() const { return inputsLeft_; }
  // The input signals (by signal id range) that got no value, for the "missing input" error.
  std::string missingInputs() const;
  // Runs the circuit once every input is set.
  void run();

  void getWitness(uint idx, PFrElement val) const {
    Fr_copy(val, &signalValues[circuit->witness2SignalList[idx]]);
  }
  // "main.sub.subsub": the path of a component, for assert messages.
  std::string getTrace(u64 id_cmp);
  // "[i][j]" of a flat index into an array of the given dimensions.
  std::string generate_position_array(uint* dimensions, uint size_dimensions, uint index);

 private:
  Circom_Circuit* circuit;
  bool* inputSet;
  uint inputsLeft_;
};

typedef void (*Circom_TemplateFunction)(uint __cIdx, Circom_CalcWit* __ctx);
