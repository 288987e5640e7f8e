#!/usr/bin/env bash
# The whole test suite: unit tests, then integration tests on real kernel objects and podman
# containers (run as root). `./test.sh --sanitize` does the same in an ASan+UBSan build.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/deps.sh
build=build
flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DNSVIEW_WERROR=ON)
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
