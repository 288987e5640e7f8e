#!/bin/bash
# The cost of `nsview serve` scrapes with N podman containers on the node, against Debian's
# prometheus-process-exporter walking the same /proc, scraped at the same moments.
# For each interval (15 s and 1 s): CPU per scrape of the whole process (utime + stime from
# /proc/PID/stat, HTTP and rendering included), the agent's own collection CPU
# (nsview_scrape_cpu_seconds), the share of one core, steady RSS and open fds; then a bounded
# hey load on loopback. With SOAK=1: one run at 1 s scrapes for the whole duration, printing
# RSS and fds each minute and the first against the last ten minutes.
# With NSVIEW_BEFORE=PATH: an older nsview binary is started next to the new one and scraped
# at the same moments (alternately first), on the same containers: before and after in one run.
# With GZIP=1 every scrape asks for gzip (Accept-Encoding), as Prometheus does; the default
# takes the plain text.
# Makes containers $PREFIX-N (PREFIX=nsview-bench-$$ unless set; busybox image $IMAGE, made if
# missing) and removes them, and the cgroups podman leaves for them, at exit.
# Usage: [NSVIEW_BEFORE=PATH] [GZIP=1] [PREFIX=NAME] [IMAGE=NAME] bench/serve_scrape.sh [BUILD_DIR] [CONTAINERS] [SECONDS per interval, default 150]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
N=${2:-100}
DURATION=${3:-150}
SOAK=${SOAK:-0}
GZIP=${GZIP:-0}
case $BUILD in /*) BIN=$BUILD/tools/nsview ;; *) BIN=$PWD/$BUILD/tools/nsview ;; esac
PREFIX=${PREFIX:-nsview-bench-$$}
IMAGE=${IMAGE:-localhost/nsview-bb}
BEFORE=${NSVIEW_BEFORE:-}
TMP=/tmp/nsview-bench-$$
HZ=$(getconf CLK_TCK)
export CONTAINERS_CONF=$TMP.conf
printf '[containers]\ndefault_ulimits = ["nofile=10000:10000", "nproc=10000:10000"]\n[engine]\nruntime = "runc"\n' > $CONTAINERS_CONF
CURL_GZ=
[ "$GZIP" = 1 ] && CURL_GZ=--compressed  # curl asks for gzip and unpacks the body
IDS=()
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for i in $(seq 1 "$N"); do podman rm -f -t 0 "$PREFIX-$i" >/dev/null 2>&1 || true; done
  for id in "${IDS[@]}"; do
    find /sys/fs/cgroup/*/libpod_parent -depth -type d -path "*$id*" -exec rmdir {} + 2>/dev/null || true
  done
  rm -rf $CONTAINERS_CONF $TMP.*
}
trap cleanup EXIT
if ! podman image exists $IMAGE; then
  d=$(mktemp -d); mkdir -p $d/r/bin $d/r/proc $d/r/sys $d/r/dev $d/r/etc $d/r/tmp
  cp /bin/busybox $d/r/bin/; ln -s busybox $d/r/bin/sh; ln -s busybox $d/r/bin/sleep
  tar -C $d/r -cf $d/bb.tar . && podman import --change 'ENV PATH=/bin' $d/bb.tar $IMAGE >/dev/null; rm -rf $d
fi
for i in $(seq 1 "$N"); do IDS+=("$(podman run -d --name "$PREFIX-$i" $IMAGE sleep 100000)"); done
echo "containers: $N (podman, busybox sleep, runc); processes on the node: $(ls -d /proc/[0-9]* | wc -l); $(date -u +%FT%TZ)"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
fds() { ls "/proc/$1/fd" | wc -l; }
calc() { awk "BEGIN { printf \"%.3f\", $* }"; }

start_serve() {  # $@: serve options; sets PORT and SPID
  start_binary "$BIN" "$@"
}
start_binary() {  # $1: nsview binary, then serve options; sets PORT and SPID
  local bin=$1 out=$TMP.out.$RANDOM
  shift
  "$bin" serve --listen 127.0.0.1:0 "$@" > $out 2>&1 &
  SPID=$!
  PIDS+=("$SPID")
  PORT=
  for _ in $(seq 200); do
    PORT=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' $out)
    [ -z "$PORT" ] || break
    sleep 0.05
  done
  [ -n "$PORT" ] || { echo "serve did not start:"; cat $out; exit 1; }
}

# process-exporter: every process in a group named by its comm (a walk of all of /proc per
# scrape); smaps off (nsview reads no smaps; with it the exporter costs several times more).
EXPORTER=$(command -v prometheus-process-exporter || true)
start_exporter() {  # sets EPORT and EPID
  EPID=
  [ -n "$EXPORTER" ] || return 0
  printf 'process_names:\n  - name: "{{.Comm}}"\n    cmdline:\n    - ".+"\n' > $TMP.pe.yml
  EPORT=$(( 20000 + $$ % 20000 ))
  "$EXPORTER" -config.path $TMP.pe.yml -gather-smaps=false -web.listen-address 127.0.0.1:$EPORT > $TMP.pe.out 2>&1 &
  EPID=$!
  PIDS+=("$EPID")
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$EPORT/metrics" && break; sleep 0.1; done
}

scrape_before() {  # uses BPORT, adds to bcoll (run_regime's locals)
  curl -sf $CURL_GZ -o $TMP.mb "http://127.0.0.1:$BPORT/metrics" || return 0
  bcoll=$(calc "$bcoll + $(awk '$1=="nsview_scrape_cpu_seconds" {print $2}' $TMP.mb)")
}

# $1: seconds between scrapes, $2: seconds to run. Both agents are scraped at the same moments
# (the first scrape of each, which opens every cgroup and parses every engine file, is left out).
run_regime() {
  local gap=$1 secs=$2 n
  n=$(( secs / ${gap%.*} )); [ "$n" -ge 2 ] || n=2
  local BPORT= BPID= b0=0 bcoll=0
  if [ -n "$BEFORE" ]; then
    start_binary "$BEFORE" --min-interval 0
    BPORT=$PORT BPID=$SPID
  fi
  start_serve --min-interval 0
  start_exporter
  curl -s -o /dev/null "http://127.0.0.1:$PORT/metrics"
  [ -z "$BPID" ] || curl -s -o /dev/null "http://127.0.0.1:$BPORT/metrics"
  [ -z "$EPID" ] || curl -s -o /dev/null "http://127.0.0.1:$EPORT/metrics"
  local s0 e0 coll=0 series bytes
  s0=$(ticks $SPID); e0=$([ -z "$EPID" ] || ticks $EPID)
  [ -z "$BPID" ] || b0=$(ticks $BPID)
  local minute=0 t0=$SECONDS failed=0
  : > $TMP.soak
  for i in $(seq "$n"); do
    sleep "$gap"
    # The older binary first on odd scrapes, second on even ones: neither always finds the
    # kernel's caches warmed by the other.
    if [ -n "$BPID" ] && [ $((i % 2)) = 1 ]; then scrape_before; fi
    if ! curl -sf $CURL_GZ -o $TMP.m "http://127.0.0.1:$PORT/metrics"; then failed=$((failed + 1)); continue; fi
    if [ -n "$BPID" ] && [ $((i % 2)) = 0 ]; then scrape_before; fi
    [ -z "$EPID" ] || curl -s -o /dev/null "http://127.0.0.1:$EPORT/metrics" || true
    coll=$(calc "$coll + $(awk '$1=="nsview_scrape_cpu_seconds" {print $2}' $TMP.m)")
    if [ "$SOAK" = 1 ] && [ $(( (SECONDS - t0) / 60 )) -gt $minute ]; then
      minute=$(( (SECONDS - t0) / 60 ))
      echo "$minute $(rss $SPID) $(fds $SPID) $(ticks $SPID)" >> $TMP.soak
      echo "    minute $minute: serve RSS $(rss $SPID) kB, fds $(fds $SPID), CPU $(calc "($(ticks $SPID) - $s0) / $HZ") s after $i scrapes"
    fi
  done
  series=$(awk '$1=="nsview_series" {print $2}' $TMP.m); bytes=$(stat -c %s $TMP.m)
  local sp ep
  sp=$(calc "($(ticks $SPID) - $s0) / $HZ / $n")
  printf "  every %ss, %d scrapes: nsview serve %.2f ms CPU per scrape (collection alone %.2f ms), %.3f %% of one core; RSS %s kB, %s fds; %s series, %s bytes\n" \
    "$gap" "$n" "$(calc "$sp * 1000")" "$(calc "$coll / $n * 1000")" "$(calc "$sp / $gap * 100")" "$(rss $SPID)" "$(fds $SPID)" "$series" "$bytes"
  [ "$failed" = 0 ] || echo "  FAILED scrapes: $failed"
  if [ -n "$BPID" ]; then
    local bp
    bp=$(calc "($(ticks $BPID) - $b0) / $HZ / $n")
    printf "  every %ss, %d scrapes: BEFORE %s: %.2f ms CPU per scrape (collection alone %.2f ms), %.3f %% of one core; RSS %s kB\n" \
      "$gap" "$n" "$BEFORE" "$(calc "$bp * 1000")" "$(calc "$bcoll / $n * 1000")" "$(calc "$bp / $gap * 100")" "$(rss $BPID)"
    printf "               after/before CPU per scrape %.2f\n" "$(calc "($bp > 0 ? $sp / $bp : 0)")"
    kill -TERM "$BPID"; wait "$BPID" || true
  fi
  if [ -n "$EPID" ]; then
    ep=$(calc "($(ticks $EPID) - $e0) / $HZ / $n")
    printf "               process-exporter %.2f ms CPU per scrape, %.3f %% of one core; RSS %s kB; nsview/exporter CPU ratio %.2f\n" \
      "$(calc "$ep * 1000")" "$(calc "$ep / $gap * 100")" "$(rss $EPID)" "$(calc "($ep > 0 ? $sp / $ep : 0)")"
    kill -TERM "$EPID"; wait "$EPID" || true
  fi
  if [ "$SOAK" = 1 ] && [ -s $TMP.soak ]; then
    # First against last ten minutes (or thirds of a shorter run): mean RSS and fds.
    awk '{m[NR]=$1; r[NR]=$2; f[NR]=$3} END {
      w = NR >= 30 ? 10 : int(NR / 3); if (w < 1) w = 1
      for (i = 1; i <= w; i++) { r1 += r[i]; f1 += f[i]; r2 += r[NR-w+i]; f2 += f[NR-w+i] }
      printf "  soak %d min: first %d min RSS %.0f kB fds %.1f; last %d min RSS %.0f kB fds %.1f; growth %+.0f kB, %+.1f fds\n",
        m[NR], w, r1/w, f1/w, w, r2/w, f2/w, (r2-r1)/w, (f2-f1)/w }' $TMP.soak
  fi
  kill -TERM "$SPID"; wait "$SPID" || true
}

if [ "$SOAK" = 1 ]; then
  echo "soak: scrapes every 1 s for $DURATION s (--min-interval 0: every scrape collects)"
  run_regime 1 "$DURATION"
  exit 0
fi
echo "scrapes (--min-interval 0: every scrape collects$([ "$GZIP" = 1 ] && echo '; gzip asked, as Prometheus does')) for $DURATION s per interval:"
run_regime 15 "$DURATION"
run_regime 1 "$DURATION"

if command -v hey >/dev/null; then
  # 6 concurrent connections: under --max-connections-per-ip (8), which a single load
  # generator on one address would otherwise meet.
  start_serve  # --min-interval 1: a storm is answered from one collection per second
  hey -n 2000 -c 6 "http://127.0.0.1:$PORT/metrics" > $TMP.hey 2>&1 || true
  curl -s -o $TMP.m "http://127.0.0.1:$PORT/metrics"
  echo "load: hey -n 2000 -c 6 /metrics (--min-interval 1): $(awk '/Requests\/sec/ {print $2}' $TMP.hey) req/s," \
       "$(awk '/\[200\]/ {print $2}' $TMP.hey) responses 200," \
       "$(awk '/^Error distribution/ {on=1; next} on && /\[/ {n += substr($1, 2, length($1) - 2)} END {print n + 0}' $TMP.hey) errors," \
       "collections: $(awk '$1=="nsview_collections_total" {print $2}' $TMP.m), RSS $(rss $SPID) kB"
  sed -n '/^Error distribution/,$p' $TMP.hey
  kill -TERM "$SPID"; wait "$SPID" || true
fi
