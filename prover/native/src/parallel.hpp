// A minimal fork-join helper over std::thread: split [0, n) into one contiguous range per thread.
#pragma once
#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace zk {

inline int default_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : (int)n;
}

// f(begin, end, thread_index); ranges are empty-free and ordered by thread index.
template <class Fn>
void parallel_for(size_t n, int threads, Fn&& f) {
  if (threads <= 1 || n < 2) {
    if (n) f((size_t)0, n, 0);
    return;
  }
  size_t t = std::min((size_t)threads, n);
  std::vector<std::thread> pool;
  pool.reserve(t - 1);
  size_t chunk = (n + t - 1) / t;
  for (size_t i = 1; i < t; i++) {
    size_t b = i * chunk, e = std::min(n, b + chunk);
    if (b >= e) break;
    pool.emplace_back([&f, b, e, i] { f(b, e, (int)i); });
  }
  f(0, std::min(n, chunk), 0);
  for (auto& th : pool) th.join();
}

}  // namespace zk
