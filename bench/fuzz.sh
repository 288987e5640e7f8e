#!/usr/bin/env bash
# Longer fuzzing runs: bench/fuzz.sh TARGET|all MINUTES
# Builds the libFuzzer targets with clang (build-fuzz/, ASan + UBSan) and runs the chosen ones
# concurrently under nice -n 19 (other builds keep the CPU), each for MINUTES. Corpora grow in
# build-fuzz/fuzz-long/TARGET/corpus and carry over to the next run; a finding is written
# there too. Prints per target: wall time, executions, new corpus entries and the result.
# Targets: procfs cgroup_files cgroup_layout container_files containerd_meta cgroup_path filter enter_args
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 2 ]; then
  echo "usage: bench/fuzz.sh TARGET|all MINUTES" >&2
  exit 1
fi
which=$1 minutes=$2
build=build-fuzz
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -DNSVIEW_FUZZ=ON -DNSVIEW_WERROR=ON >/dev/null
fi
nice -n 19 cmake --build "$build" -j"$(nproc)" >/dev/null
targets=()
for f in "$build"/tests/fuzz/fuzz_*; do
  [ -x "$f" ] && [ -f "$f" ] || continue
  name=$(basename "$f")
  name=${name#fuzz_}
  if [ "$which" = all ] || [ "$which" = "$name" ]; then targets+=("$name"); fi
done
if [ ${#targets[@]} -eq 0 ]; then
  echo "bench/fuzz.sh: no target named $which" >&2
  exit 1
fi
out=$build/fuzz-long
pids=()
for t in "${targets[@]}"; do
  mkdir -p "$out/$t"
  rm -f "$out/$t"/{crash,leak,timeout,oom}-*
  (
    start=$(date +%s)
    rc=0
    nice -n 19 bash tests/fuzz/run.sh "$build/tests/fuzz/fuzz_$t" $((minutes * 60)) "$out/$t" >"$out/$t.log" 2>&1 || rc=$?
    echo "wall_seconds=$(($(date +%s) - start)) rc=$rc" >>"$out/$t.log"
  ) &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done
fail=0
printf '%-16s %8s %12s %8s %8s  %s\n' target wall_s execs exec/s new result
for t in "${targets[@]}"; do
  log=$out/$t.log
  wall=$(sed -n 's/^wall_seconds=\([0-9]*\).*/\1/p' "$log")
  rc=$(sed -n 's/.* rc=\([0-9]*\)$/\1/p' "$log")
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  new=$(sed -n 's/^stat::new_units_added: *//p' "$log")
  result=ok
  if [ "$rc" != 0 ]; then
    result="FINDING: $(ls "$out/$t"/{crash,leak,timeout,oom}-* 2>/dev/null | head -1 || true) (see $log)"
    fail=1
  fi
  printf '%-16s %8s %12s %8s %8s  %s\n' "$t" "$wall" "${execs:-?}" "${rate:-?}" "${new:-?}" "$result"
done
exit $fail
