// Shared by the libFuzzer targets: the input as text, and a split into parts for parsers
// that take more than one text (parts are separated by NUL bytes, which none of the parsed
// files contain).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace fuzz {

inline std::string_view text(const uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Exactly n parts; missing ones are empty.
inline std::vector<std::string_view> parts(std::string_view in, std::size_t n) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < n) {
    auto nul = in.find('\0');
    if (nul == std::string_view::npos) break;
    out.push_back(in.substr(0, nul));
    in.remove_prefix(nul + 1);
  }
  out.push_back(in);
  out.resize(n);
  return out;
}

}  // namespace fuzz

// A property every output must have; a violation is a finding like a crash.
#define FUZZ_REQUIRE(cond)                                                                   \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "property failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);    \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)
