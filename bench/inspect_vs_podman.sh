#!/usr/bin/env bash
# nsview inspect of one podman container against podman inspect of the same container (the
# anchor), in one run, on a node brought up to N processes (sleeps this script starts).
# Usage: bench/inspect_vs_podman.sh [BUILD_DIR] [N] [RUNS]   (root; needs podman, runc)
# Prints mean wall times: inspect (container name: identification scan + the container's own
# processes), inspect by pid, inspect -U (reads every process's namespaces), podman inspect.
set -euo pipefail
build=${1:-build}
n=${2:-4000}
runs=${3:-20}
nsview="$build/tools/nsview"
[ -x "$nsview" ] || { echo "no $nsview; build first" >&2; exit 1; }
conf=/tmp/nsview-bench-podman.conf
printf '[containers]\ndefault_ulimits = ["nofile=10000:10000", "nproc=10000:10000"]\n[engine]\nruntime = "runc"\n' > "$conf"
export CONTAINERS_CONF=$conf
img=localhost/nsview-bb
if ! podman image exists $img; then
  d=$(mktemp -d); mkdir -p "$d"/r/{bin,proc,sys,dev,etc,tmp}
  cp /bin/busybox "$d"/r/bin/ && ln -s busybox "$d"/r/bin/sh && ln -s busybox "$d"/r/bin/sleep
  tar -C "$d"/r -cf "$d"/bb.tar . && podman import --change "ENV PATH=/bin" "$d"/bb.tar $img >/dev/null
  rm -rf "$d"
fi
name=nsview-bench-inspect-$$
pids=()
cleanup() {
  podman rm -f -t 0 "$name" >/dev/null 2>&1 || true
  [ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
podman run -d --name "$name" --cap-drop ALL $img sleep 100000 >/dev/null
have=$(ls /proc | grep -c '^[0-9]')
while [ "$have" -lt "$n" ]; do sleep 100000 & pids+=($!); have=$((have + 1)); done
sleep 1
pid=$(podman inspect -f '{{.State.Pid}}' "$name")
# Mean and best wall time of RUNS runs after 3 warm-ups (nanoseconds from date).
measure() {
  local i t0 t1 total=0 best=
  for i in 1 2 3; do "$@" >/dev/null 2>&1; done
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
    total=$((total + t1 - t0)); [ -z "$best" ] || [ $((t1 - t0)) -lt "$best" ] && best=$((t1 - t0))
  done
  printf '  mean %7.1f ms  best %7.1f ms  %s\n' "$(echo "$total / $runs / 1000000" | bc -l)" \
    "$(echo "$best / 1000000" | bc -l)" "${*#$build/tools/}"
}
echo "$(ls /proc | grep -c '^[0-9]') processes on the node, load $(cut -d' ' -f1 /proc/loadavg)"
measure "$nsview" inspect -J "$name"
measure "$nsview" inspect -J "$pid"
measure "$nsview" inspect -J -U "$name"
measure podman inspect "$name"
