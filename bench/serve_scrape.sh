#!/bin/bash
# The cost of `nsview serve` scrapes with N podman containers on the node: CPU per collection
# (the agent's own nsview_scrape_cpu_seconds) and per scrape of the whole process (HTTP,
# rendering included; from process_cpu_seconds_total), wall time per scrape, steady RSS, and a
# bounded hey load on loopback. Two regimes: scrapes 1 s apart (cgroup files only, /proc
# rescanned every 5 s) and 15 s apart (every scrape rescans /proc).
# Makes containers nsview-bench-$$-N (busybox image) and removes them, and the cgroups podman
# leaves for them, at exit.
# Usage: bench/serve_scrape.sh [BUILD_DIR] [CONTAINERS] [SCRAPES]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
N=${2:-20}
K=${3:-30}
BIN=$PWD/$BUILD/tools/nsview
PREFIX=nsview-bench-$$
IMAGE=localhost/nsview-bb
export CONTAINERS_CONF=/tmp/nsview-bench-$$.conf
printf '[containers]\ndefault_ulimits = ["nofile=10000:10000", "nproc=10000:10000"]\n[engine]\nruntime = "runc"\n' > $CONTAINERS_CONF
IDS=()
SERVE_PIDS=()
cleanup() {
  for p in "${SERVE_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for i in $(seq 1 "$N"); do podman rm -f -t 0 "$PREFIX-$i" >/dev/null 2>&1 || true; done
  for id in "${IDS[@]}"; do
    find /sys/fs/cgroup/*/libpod_parent -depth -type d -path "*$id*" -exec rmdir {} + 2>/dev/null || true
  done
  rm -f $CONTAINERS_CONF /tmp/nsview-bench-$$.*
}
trap cleanup EXIT
if ! podman image exists $IMAGE; then
  d=$(mktemp -d); mkdir -p $d/r/bin $d/r/proc $d/r/sys $d/r/dev $d/r/etc $d/r/tmp
  cp /bin/busybox $d/r/bin/; ln -s busybox $d/r/bin/sh; ln -s busybox $d/r/bin/sleep
  tar -C $d/r -cf $d/bb.tar . && podman import --change 'ENV PATH=/bin' $d/bb.tar $IMAGE >/dev/null; rm -rf $d
fi
for i in $(seq 1 "$N"); do IDS+=("$(podman run -d --name "$PREFIX-$i" $IMAGE sleep 100000)"); done
echo "containers: $N (podman, busybox sleep); processes on the node: $(ls -d /proc/[0-9]* | wc -l)"

start_serve() {  # $@: serve options; sets PORT and SPID
  "$BIN" serve --listen 127.0.0.1:0 "$@" > /tmp/nsview-bench-$$.out 2>&1 &
  SPID=$!
  SERVE_PIDS+=("$SPID")
  for _ in $(seq 100); do grep -q listening /tmp/nsview-bench-$$.out && break; sleep 0.05; done
  PORT=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' /tmp/nsview-bench-$$.out)
}
calc() { awk "BEGIN { printf \"%.9f\", $* }"; }
metric() { awk -v k="$1" '$1==k {print $2}' /tmp/nsview-bench-$$.m; }
scrape() { curl -s -o /tmp/nsview-bench-$$.m -w '%{time_total}' "http://127.0.0.1:$PORT/metrics"; }

# $1: seconds between scrapes, $2: scrapes. Prints collection CPU, process CPU and wall per scrape.
run_regime() {
  start_serve --min-interval 0
  scrape >/dev/null; sleep "$1"  # the first collection opens every cgroup directory
  local cpu0 coll=0 wall=0 series
  scrape >/dev/null
  cpu0=$(metric process_cpu_seconds_total)
  for _ in $(seq "$2"); do
    sleep "$1"
    w=$(scrape)
    wall=$(calc "$wall + $w")
    coll=$(calc "$coll + $(metric nsview_scrape_cpu_seconds)")
  done
  series=$(metric nsview_series)
  local proc
  proc=$(calc "($(metric process_cpu_seconds_total) - $cpu0) / $2")
  printf "  every %4ss: collection %6.2f ms CPU, whole process %6.2f ms CPU per scrape, wall %6.2f ms; %s series, %s bytes\n" \
    "$1" "$(calc "$coll / $2 * 1000")" "$(calc "$proc * 1000")" "$(calc "$wall / $2 * 1000")" \
    "$series" "$(stat -c %s /tmp/nsview-bench-$$.m)"
  printf "               share of one core at that interval: %.3f %%; RSS %s kB\n" \
    "$(calc "$proc / $1 * 100")" "$(awk '/^VmRSS/ {print $2}' /proc/$SPID/status)"
  kill -TERM "$SPID"; wait "$SPID" || true
}
echo "scrapes (--min-interval 0: every scrape collects):"
run_regime 1 "$K"
run_regime 15 "$(( K > 4 ? 4 : K ))"
run_regime 0.2 "$K"

if command -v hey >/dev/null; then
  # 6 concurrent connections: under --max-connections-per-ip (8), which a single load
  # generator on one address would otherwise meet.
  start_serve  # --min-interval 1: a storm is answered from one collection per second
  hey -n 2000 -c 6 "http://127.0.0.1:$PORT/metrics" > /tmp/nsview-bench-$$.hey 2>&1 || true
  scrape >/dev/null
  echo "load: hey -n 2000 -c 6 /metrics (--min-interval 1): $(awk '/Requests\/sec/ {print $2}' /tmp/nsview-bench-$$.hey) req/s," \
       "$(grep -cE '^\s+\[200\]' /tmp/nsview-bench-$$.hey >/dev/null; awk '/\[200\]/ {print $2}' /tmp/nsview-bench-$$.hey) responses 200," \
       "$(awk '/^Error distribution/ {on=1; next} on && /\[/ {n += substr($1, 2, length($1) - 2)} END {print n + 0}' /tmp/nsview-bench-$$.hey) errors," \
       "collections: $(metric nsview_collections_total), process CPU $(metric process_cpu_seconds_total) s," \
       "RSS $(awk '/^VmRSS/ {print $2}' /proc/$SPID/status) kB"
  kill -TERM "$SPID"; wait "$SPID" || true
fi
