#!/usr/bin/env bash
# The CPU an idle `nsview tui` uses against htop's, both at their default refresh (ours 2 s,
# htop 1.5 s), in one run on the same load: NPROC extra processes spread over NCG cgroups
# (made here, removed by the trap). Each program runs in its own tmux server (a unique
# socket); CPU is utime+stime from /proc/PID/stat over SECS seconds after a warm-up.
#   bench/tui_vs_htop.sh [SECS]        env: NSVIEW=path NPROC=4000 NCG=1000 VIEW=containers
set -euo pipefail

SECS=${1:-${SECS:-20}}
NPROC=${NPROC:-4000}
NCG=${NCG:-1000}
VIEW=${VIEW:-containers}
here=$(cd "$(dirname "$0")" && pwd)
NSVIEW=${NSVIEW:-$here/../build/tools/nsview}
[ "$(id -u)" = 0 ] || { echo "run as root (it makes cgroups)" >&2; exit 1; }
command -v htop >/dev/null || { echo "htop is missing: apt-get install -y htop (scripts/deps.sh --bench)" >&2; exit 1; }
command -v tmux >/dev/null || { echo "tmux is missing" >&2; exit 1; }
[ -x "$NSVIEW" ] || { echo "no nsview binary at $NSVIEW (build first)" >&2; exit 1; }

tag=nsview-bench-tui-$$
cgbase=/sys/fs/cgroup/unified/$tag
[ -d /sys/fs/cgroup/unified ] || cgbase=/sys/fs/cgroup/$tag
loadpid=
cleanup() {
  tmux -L "$tag-ours" kill-server 2>/dev/null || true
  tmux -L "$tag-htop" kill-server 2>/dev/null || true
  rm -f "/tmp/tmux-$(id -u)/$tag-ours" "/tmp/tmux-$(id -u)/$tag-htop"  # kill-server leaves them
  if [ -n "$loadpid" ]; then kill -KILL -- "-$loadpid" 2>/dev/null || true; fi
  if [ -d "$cgbase" ]; then
    # Only the load is in our cgroups: wait for it to be gone, then remove them.
    for _ in $(seq 1 50); do
      [ -z "$(cat "$cgbase"/cg[0-9]*/cgroup.procs 2>/dev/null)" ] && break
      sleep 0.2
    done
    for d in "$cgbase"/cg[0-9]*; do rmdir "$d" 2>/dev/null || true; done
    rmdir "$cgbase" 2>/dev/null || echo "could not remove $cgbase" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT   # a trap that only cleaned up would let the script run on
trap 'exit 143' TERM

echo "load: $NPROC processes in $NCG cgroups under $cgbase"
mkdir "$cgbase"
for i in $(seq 1 "$NCG"); do mkdir "$cgbase/cg$i"; done
# One process group holds the load, so the trap ends all of it.
setsid sh -c "for i in \$(seq 1 $NPROC); do sleep 100000 & done; wait" </dev/null >/dev/null 2>&1 &
loadpid=$!
for _ in $(seq 1 100); do
  n=$(pgrep -c -g "$loadpid" -x sleep || true)
  [ "$n" -ge "$NPROC" ] && break
  sleep 0.2
done
i=0
for p in $(pgrep -g "$loadpid" -x sleep); do
  echo "$p" > "$cgbase/cg$((i % NCG + 1))/cgroup.procs" 2>/dev/null || true
  i=$((i + 1))
done
echo "processes on the node: $(ls /proc | grep -c '^[0-9]')"

tmux -L "$tag-ours" new-session -d -x 160 -y 50 "exec env TERM=xterm-256color $NSVIEW tui --view $VIEW"
tmux -L "$tag-htop" new-session -d -x 160 -y 50 "exec env TERM=xterm-256color htop"
ours=$(tmux -L "$tag-ours" display -p '#{pane_pid}')
theirs=$(tmux -L "$tag-htop" display -p '#{pane_pid}')
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
sleep 4  # warm-up: first scans, samplers' first readings
a0=$(ticks "$ours"); b0=$(ticks "$theirs"); t0=$(date +%s.%N)
sleep "$SECS"
a1=$(ticks "$ours"); b1=$(ticks "$theirs"); t1=$(date +%s.%N)
hz=$(getconf CLK_TCK)
head -1 <(tmux -L "$tag-ours" capture-pane -p) | sed 's/^/ours: /'
awk -v a="$((a1 - a0))" -v b="$((b1 - b0))" -v hz="$hz" -v t0="$t0" -v t1="$t1" 'BEGIN {
  el = t1 - t0; ca = a / hz / el; cb = b / hz / el;
  printf "measured %.1f s\n", el;
  printf "nsview tui (2 s refresh):  %.3f CPU-s per second (%.1f%%)\n", ca, ca * 100;
  printf "htop      (1.5 s refresh): %.3f CPU-s per second (%.1f%%)\n", cb, cb * 100;
  if (cb > 0) printf "ratio nsview/htop: %.2f  (target <= 1.00)\n", ca / cb;
}'
