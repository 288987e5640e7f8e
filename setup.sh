#!/usr/bin/env bash
# Quick start: install what is missing, build, and run `nsview list`.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
./build/tools/nsview list
