// The circuit description that circom's generated witness code (`circom --c`) reads and fills:
// the input hash map, the witness-to-signal list, the constants and the IO maps of templates, all
// loaded from the circuit's .dat file by main.cpp. Field layout follows the generated code.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "fr.hpp"

typedef unsigned long long u64;
typedef uint32_t u32;
typedef uint8_t u8;

// One input signal of the main component: fnv1a hash of its name, first signal id, number of values.
struct __attribute__((__packed__)) HashSignalInfo {
  u64 hash;
  u64 signalid;
  u64 signalsize;
};

struct IOFieldDef {
  u32 offset;
  u32 len;
  u32* lengths;
  u32 size;
  u32 busId;
};

struct IOFieldDefPair {
  u32 len;
  IOFieldDef* defs;
};

struct Circom_Circuit {
  HashSignalInfo* InputHashMap;
  u64* witness2SignalList;
  FrElement* circuitConstants;
  std::map<u32, IOFieldDefPair> templateInsId2IOSignalInfo;
  IOFieldDefPair* busInsId2FieldInfo;
};

struct Circom_Component {
  u32 templateId;
  u64 signalStart;
  u32 inputCounter;
  std::string templateName;
  std::string componentName;
  u64 idFather;
  u32* subcomponents = nullptr;
  bool* subcomponentsParallel = nullptr;
  bool* outputIsSet = nullptr;
  std::mutex* mutexes = nullptr;
  std::condition_variable* cvs = nullptr;
  std::thread* sbct = nullptr;
};

// Sizes the generated code defines.
uint get_main_input_signal_start();
uint get_main_input_signal_no();
uint get_total_signal_no();
uint get_number_of_components();
uint get_size_of_input_hashmap();
uint get_size_of_witness();
uint get_size_of_constants();
uint get_size_of_io_map();
uint get_size_of_bus_field_map();
