#!/usr/bin/env bash
# Peak RSS (KiB, /usr/bin/time %M) of `nsview list -J --output-all` against
# `lsns -J --output-all` at a process count, with the spawn shape of list_vs_lsns.sh (a quarter
# of the processes in new uts+ipc+mnt namespaces). Run as root from the source tree:
#   bash bench/list_peak_mem.sh [BUILD_DIR] [PROCESSES]     (default: build 3900)
# NSVIEW=PATH measures another nsview binary (e.g. a fresh build) against the same lsns.
# Everything started here is killed on exit.
set -euo pipefail
build=${1:-build}
n=${2:-3900}
nsview=${NSVIEW:-$build/tools/nsview}
[ -x "$nsview" ] || { echo "no $nsview: build first" >&2; exit 1; }
pids=()
trap '[ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
while [ ${#pids[@]} -lt "$n" ]; do
  if [ $(( ${#pids[@]} % 4 )) -eq 0 ]; then unshare --uts --ipc --mount sleep 100000 &
  else sleep 100000 & fi
  pids+=($!)
done
sleep 2
peak() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1; }
echo "processes $(ls -d /proc/[0-9]* 2>/dev/null | wc -l), namespaces $(lsns -n -o NS | wc -l)"
for i in 1 2 3; do
  echo "run $i: nsview $(peak "$nsview" list -J --output-all) KiB, lsns $(peak lsns -J --output-all) KiB"
done
