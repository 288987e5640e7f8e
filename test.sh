#!/usr/bin/env bash
# The whole test suite: unit tests, then integration tests on real kernel objects and podman
# containers (run as root). `./test.sh --sanitize` does the same in an ASan+UBSan build;
# `./test.sh --fuzz` builds the libFuzzer targets and runs each for a few seconds.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/deps.sh
build=build
flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DNSVIEW_WERROR=ON)
if [ "${1:-}" = "--fuzz" ]; then
  # The libFuzzer targets of every parser, built with clang (only them and the sources they
  # need), each run a few seconds from its seeds: a crash or sanitizer report fails.
  CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DNSVIEW_FUZZ=ON -DNSVIEW_WERROR=ON >/dev/null
  cmake --build build-fuzz -j"$(nproc)"
  exec ctest --test-dir build-fuzz --output-on-failure -j"$(nproc)"
fi
if [ "${1:-}" = "--sanitize" ]; then
  build=build-asan
  # No -Werror here: GCC 12 -Wmaybe-uninitialized false positives in libstdc++ headers
  # (std::regex, std::function via Catch2) appear only in this unoptimised ASan build.
  flags=(-DCMAKE_BUILD_TYPE=Debug -DNSVIEW_SANITIZE=ON)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
cmake -S . -B "$build" "${flags[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
