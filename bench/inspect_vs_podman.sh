#!/usr/bin/env bash
# nsview inspect of one podman container against podman inspect of the same container (the
# anchor), in one run, on a node brought up to N processes (sleeps this script starts).
# Usage: bench/inspect_vs_podman.sh [BUILD_DIR] [N] [RUNS]   (root; needs podman, runc)
# Prints wall and CPU times (mean, best, median): inspect by container name and by pid (the
# container is found from the engines' state; /proc is read for its processes only), inspect -U
# (reads every process's namespaces), podman inspect; the ratios podman/nsview; and, from
# strace, how many /proc/PID directories inspect opened against the container's processes and
# the node's. NSVIEW_BEFORE=PATH also times another nsview binary's inspect NAME and PID in the
# same run (a before/after comparison).
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
# Wall and CPU time (user + system: on a loaded machine the wall time is mostly waiting for a
# CPU, and other work shares this machine) of RUNS runs after 3 warm-ups, from bash's `time`
# (millisecond resolution): mean, best and median of each. The means are left in $mean (wall)
# and $cpu.
stats() { sort -n | awk '{ a[NR] = $1; s += $1 } END { printf "%.1f %.1f %.1f\n", s / NR, a[1], NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
measure() {
  local i t w c
  t=$(mktemp)
  for i in 1 2 3; do "$@" >/dev/null 2>&1; done
  for ((i = 0; i < runs; i++)); do
    { TIMEFORMAT='%3R %3U %3S'; time "$@" >/dev/null 2>&1; } 2>>"$t"
  done
  w=($(awk '{ print $1 * 1000 }' "$t" | stats))
  c=($(awk '{ print ($2 + $3) * 1000 }' "$t" | stats))
  mean=${w[0]} cpu=${c[0]}
  printf '  wall mean %6.1f best %6.1f median %6.1f ms   cpu mean %6.1f best %6.1f median %6.1f ms   %s\n' \
    "${w[@]}" "${c[@]}" "${*#$build/tools/}"
  rm -f "$t"
}
echo "$(ls /proc | grep -c '^[0-9]') processes and $(ls /run/runc 2>/dev/null | wc -l) runc containers on the node, load $(cut -d' ' -f1-3 /proc/loadavg)"
measure "$nsview" inspect -J "$name"; by_name=$mean by_name_cpu=$cpu
measure "$nsview" inspect -J "$pid"
measure "$nsview" inspect -J -U "$name"
if [ -n "${NSVIEW_BEFORE:-}" ]; then
  measure "$NSVIEW_BEFORE" inspect -J "$name"
  measure "$NSVIEW_BEFORE" inspect -J "$pid"
fi
measure podman inspect "$name"; anchor=$mean anchor_cpu=$cpu
printf '  ratio podman inspect / nsview inspect NAME: wall %.1fx, cpu %.1fx (load after: %s)\n' \
  "$(echo "$anchor / $by_name" | bc -l)" "$(echo "$anchor_cpu / $by_name_cpu" | bc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)"
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
