#!/usr/bin/env bash
# Times `nsview list` against util-linux lsns and a floor probe (ns links + stat only) in one
# run, at several process counts, and prints the ratios. Run as root from the source tree:
#   bash bench/list_vs_lsns.sh [BUILD_DIR] [COUNTS...]      (default: build 1000 2000 4000 8000)
# A quarter of the processes each sit in new uts+ipc+mnt namespaces (3 per process), so 4,000
# processes bring 3,000+ namespaces. Everything started here is killed on exit.
set -euo pipefail
build=${1:-build}; shift || true
counts=("$@"); [ ${#counts[@]} -gt 0 ] || counts=(1000 2000 4000 8000)
nsview=$build/tools/nsview
[ -x "$nsview" ] || { echo "no $nsview: build first" >&2; exit 1; }
floor=$(mktemp /tmp/nsview-floor.XXXXXX)
cc -O2 -o "$floor" "$(dirname "$0")/floor_probe.c"

pids=()
cleanup() { [ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true; rm -f "$floor"; }
trap cleanup EXIT

spawn_to() {  # bring the number of processes we started up to $1
  while [ ${#pids[@]} -lt "$1" ]; do
    if [ $(( ${#pids[@]} % 4 )) -eq 0 ]; then unshare --uts --ipc --mount sleep 100000 &
    else sleep 100000 & fi
    pids+=($!)
  done
  sleep 1
}

# Median wall time in milliseconds of 5 runs of a command.
median_ms() {
  local t=() s e
  for _ in 1 2 3 4 5; do
    s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
    t+=($(( (e - s) / 1000000 )))
  done
  printf '%s\n' "${t[@]}" | sort -n | sed -n 3p
}

printf '%8s %6s %10s %10s %10s %12s %12s\n' procs nsc nsview_ms lsns_ms floor_ms lsns/nsview nsview/floor
for n in "${counts[@]}"; do
  spawn_to "$n"
  total=$(ls -d /proc/[0-9]* 2>/dev/null | wc -l || true)  # a process may vanish while listed
  nss=$(lsns -n -o NS | wc -l)
  a=$(median_ms "$nsview" list)
  b=$(median_ms lsns)
  f=$(median_ms "$floor")
  printf '%8s %6s %10s %10s %10s %12s %12s\n' "$total" "$nss" "$a" "$b" "$f" \
    "$(awk -v x="$b" -v y="$a" 'BEGIN{printf "%.2f", (y>0?x/y:0)}')" \
    "$(awk -v x="$a" -v y="$f" 'BEGIN{printf "%.2f", (y>0?x/y:0)}')"
done
