#!/bin/bash
# Reading 1,000 cgroups with all readings, against systemd-cgtop's per-refresh cost on the
# same cgroups, in one run. Makes /nsview-bench-$$ (10 x 100 cgroups) in the cpu, cpuacct,
# memory, blkio, pids, name=systemd and unified hierarchies, removes them at exit.
# Usage: bench/cgroup_read.sh [BUILD_DIR] [PASSES]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
N=${2:-20}
NAME=nsview-bench-$$
CG=/sys/fs/cgroup
HIERS="cpu cpuacct memory blkio pids systemd unified"
cleanup() {
  for h in $HIERS; do
    [ -d $CG/$h/$NAME ] || continue
    find $CG/$h/$NAME -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
}
trap cleanup EXIT
for h in $HIERS; do
  for s in $(seq 0 9); do
    mkdir -p $(printf "$CG/$h/$NAME/s$s/g%d " $(seq 0 99))
  done
done
echo "made $(find $CG/unified/$NAME -type d | wc -l) cgroups in each of: $HIERS"

g++ -O2 -std=c++20 -Ilibnsinspect/include bench/cgroup_read_bench.cpp -L$BUILD/libnsinspect \
  -Wl,-rpath,$PWD/$BUILD/libnsinspect -lnsinspect -o $BUILD/cgroup_read_bench
OUT=$($BUILD/cgroup_read_bench /$NAME "$N")
echo "$OUT" | sed 's/^/  nsview: /'
get() { echo "$OUT" | awk -v k=$1 '$1==k {print $2}'; }

cgtop_cpu() {  # CPU seconds of systemd-cgtop doing $1 refreshes
  /usr/bin/time -f "%U %S" systemd-cgtop -b --raw -n "$1" -d 0.01 >/dev/null 2>/tmp/cgtop_time.$$ || true
  tail -1 /tmp/cgtop_time.$$ | awk '{print $1 + $2}'
  rm -f /tmp/cgtop_time.$$
}
if command -v systemd-cgtop >/dev/null; then
  T1=$(cgtop_cpu 1)
  TN=$(cgtop_cpu $((N + 1)))
  PER=$(awk -v a="$T1" -v b="$TN" -v n="$N" 'BEGIN {printf "%.4f", (b - a) / n}')
  TOTAL=$(find $CG/cpuacct $CG/memory $CG/blkio $CG/pids -type d | wc -l)
  echo "  systemd-cgtop: first refresh (start + read) ${T1}s CPU; per further refresh ${PER}s CPU ($TOTAL cgroup dirs across cpuacct/memory/blkio/pids)"
  awk -v p="$PER" -v a="$(get warm_read_all_cpu_s)" -v c="$(get warm_read_cgtop_fields_cpu_s)" 'BEGIN {
    if (p > 0) {
      printf "ratio systemd-cgtop refresh / nsview warm read, all fields:        %.1fx\n", p / (a > 0 ? a : 1e-9)
      printf "ratio systemd-cgtop refresh / nsview warm read, cgtop fields only: %.1fx\n", p / (c > 0 ? c : 1e-9)
    } }'
else
  echo "  systemd-cgtop not installed: no comparison"
fi
