#!/usr/bin/env bash
# nsview inspect of one podman container against podman inspect of the same container (the
# anchor), in one run, on a node brought up to N processes (sleeps this script starts).
# Usage: bench/inspect_vs_podman.sh [BUILD_DIR] [N] [RUNS]   (root; needs podman, runc)
# Prints mean wall times: inspect by container name and by pid (the container is found from
# the engines' state; /proc is read for its processes only), inspect -U (reads every process's
# namespaces), podman inspect; the ratio podman/nsview; and, from strace, how many /proc/PID
# directories inspect opened against the container's processes and the node's.
set -euo pipefail
build=${1:-build}
n=${2:-4000}
runs=${3:-20}
nsview="$build/tools/nsview"
[ -x "$nsview" ] || { echo "no $nsview; build first" >&2; exit 1; }
. "$(dirname "$0")/podman_setup.sh"
name=nsview-bench-inspect-$$
pids=()
id=
cleanup() {
  podman rm -f -t 0 "$name" >/dev/null 2>&1 || true
  # The empty cgroup directories podman leaves for the container, in every hierarchy.
  [ -z "$id" ] || find /sys/fs/cgroup/*/libpod_parent -depth -type d -path "*$id*" -exec rmdir {} + 2>/dev/null || true
  [ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
id=$(podman run -d --name "$name" --cap-drop ALL $img sleep 100000)
have=$(ls /proc | grep -c '^[0-9]')
while [ "$have" -lt "$n" ]; do sleep 100000 & pids+=($!); have=$((have + 1)); done
sleep 1
pid=$(podman inspect -f '{{.State.Pid}}' "$name")
# Mean and best wall time of RUNS runs after 3 warm-ups, and the mean CPU time (user +
# system: on a loaded machine the wall time is mostly waiting for a CPU), from bash's `time`
# (millisecond resolution); the mean wall time in ms is left in $mean.
measure() {
  local i t
  t=$(mktemp)
  for i in 1 2 3; do "$@" >/dev/null 2>&1; done
  for ((i = 0; i < runs; i++)); do
    { TIMEFORMAT='%3R %3U %3S'; time "$@" >/dev/null 2>&1; } 2>>"$t"
  done
  mean=$(awk '{ s += $1 } END { print s / NR * 1000 }' "$t")
  printf '  mean %7.1f ms  best %7.1f ms  cpu %6.1f ms  %s\n' "$mean" \
    "$(awk 'NR == 1 || $1 < b { b = $1 } END { print b * 1000 }' "$t")" \
    "$(awk '{ s += $2 + $3 } END { print s / NR * 1000 }' "$t")" "${*#$build/tools/}"
  rm -f "$t"
}
echo "$(ls /proc | grep -c '^[0-9]') processes on the node, load $(cut -d' ' -f1 /proc/loadavg)"
measure "$nsview" inspect -J "$name"; by_name=$mean
measure "$nsview" inspect -J "$pid"
measure "$nsview" inspect -J -U "$name"
measure podman inspect "$name"; anchor=$mean
printf '  ratio podman inspect / nsview inspect NAME: %.1fx\n' "$(echo "$anchor / $by_name" | bc -l)"
if command -v strace >/dev/null; then
  trace=$(mktemp)
  strace -f -e trace=openat -o "$trace" "$nsview" inspect -J "$name" >/dev/null 2>&1 || true
  # /proc/PID by absolute path, or PID relative to an open /proc (the scan's openat(procfd, "PID")).
  opened=$(grep -oE 'openat\([^,]+, "(/proc/)?[0-9]+["/]' "$trace" | grep -oE '[0-9]+["/]$' | tr -d '"/' | sort -u | wc -l)
  cg=$(awk -F: '$1 == 0 {print $3}' /proc/"$pid"/cgroup)
  members=$(wc -l < /sys/fs/cgroup/unified"$cg"/cgroup.procs)
  echo "  inspect NAME opened $opened /proc/PID directories ($members processes in the container, $(ls /proc | grep -c '^[0-9]') on the node)"
  rm -f "$trace"
fi
