#!/usr/bin/env bash
# Quick start: install what is missing, build, and run `nsview list`.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/deps.sh
# The same flags as test.sh, so the two share one build.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNSVIEW_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"
./build/tools/nsview list
