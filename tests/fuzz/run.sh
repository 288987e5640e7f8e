#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS, from its committed seeds (tests/fuzz/seeds/NAME) and
# the fixture files of its kind. New inputs go to WORKDIR/corpus, a finding to WORKDIR/.
# Exit status: libFuzzer's (non-zero on a crash, sanitizer report, leak, timeout or a failed
# property). Usage: run.sh FUZZER SECONDS WORKDIR [libFuzzer flags...]
set -euo pipefail
fuzzer=$1 seconds=$2 work=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
fx=$here/../fixtures
name=$(basename "$fuzzer")
name=${name#fuzz_}
seeds=("$here/seeds/$name")
case $name in
  procfs) seeds+=("$fx/proc-host" "$fx/cgroup-v2-host/proc" "$fx/containers/root/proc" "$fx/cgroup-v1/mountinfo-v1") ;;
  cgroup_files) seeds+=("$fx/cgroup-v2-host/sys" "$fx/cgroup-v1") ;;
  container_files) seeds+=("$fx/containers/oci" "$fx/containers/root/run" "$fx/containers/root/var") ;;
  cgroup_path) seeds+=("$fx/containers/root/proc") ;;
esac
mkdir -p "$work/corpus"
# A file seed (not a directory) is copied in: libFuzzer takes directories only.
dirs=()
for s in "${seeds[@]}"; do
  if [ -d "$s" ]; then dirs+=("$s"); elif [ -f "$s" ]; then cp "$s" "$work/corpus/"; fi
done
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# -timeout: one input taking 10 s is a finding (a quadratic or exponential path).
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/" "$@" "$work/corpus" "${dirs[@]}"
