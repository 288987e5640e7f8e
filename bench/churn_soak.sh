#!/usr/bin/env bash
# Churn soak: nsview's commands and its TUI, run in loops for MINUTES while this script makes
# constant churn of its own - short-lived processes and threads (some with hostile names and a
# 100 kB command line), namespaces of every type, cgroups in every hierarchy with processes
# moved in and out, podman containers and pods started and removed.
# Fails on any crash, non-zero exit, byte on stderr, unparsable JSON, a failed scrape, or growth
# of the fd count or RSS of the long-running `top -b` processes, the TUI and `serve` (sampled
# from /proc; serve is scraped on every endpoint as fast as it answers).
# Everything it makes carries the tag nsview-soak-PID and is removed on exit, also on Ctrl-C.
#   nice -n 10 bench/churn_soak.sh BUILD_DIR MINUTES       (as root; needs tmux, python3, podman)
#   env: KEEP_LOGS=1 keeps the work directory; NO_PODMAN=1 skips containers
set -uo pipefail

BUILD=${1:?usage: churn_soak.sh BUILD_DIR MINUTES}
MINUTES=${2:?usage: churn_soak.sh BUILD_DIR MINUTES}
BUILD=$(cd "$BUILD" && pwd) || exit 1   # the TUIs run in the work directory
NSVIEW=$BUILD/tools/nsview
CHURN=$BUILD/tests/soak_churn
SECS=$(awk -v m="$MINUTES" 'BEGIN { s = int(m * 60); print (s < 20 ? 20 : s) }')
[ "$(id -u)" = 0 ] || { echo "run as root (it makes namespaces and cgroups)" >&2; exit 1; }
[ -x "$NSVIEW" ] || { echo "no nsview at $NSVIEW (build first)" >&2; exit 1; }
[ -x "$CHURN" ] || { echo "no soak_churn at $CHURN (build the tests' helpers)" >&2; exit 1; }
for t in tmux python3 unshare ip; do
  command -v "$t" >/dev/null || { echo "$t is missing (scripts/deps.sh)" >&2; exit 1; }
done
PODMAN=1
if [ -n "${NO_PODMAN:-}" ] || ! command -v podman >/dev/null; then PODMAN=0; fi

tag=nsview-soak-$$
work=/tmp/$tag
mkdir -p "$work/run" "$work/fail" "$work/count"
: >"$work/results"
: >"$work/samples"
: >"$work/podman.ids"
# Job control: every background loop is its own process group, so cleanup can end one
# loop and all it started without touching anything else.
set -m

# Cgroup hierarchies: every v1 mount and the unified tree (each mount point once).
hiers=$(awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/mounts | sort -u)
export CONTAINERS_CONF=$work/containers.conf
printf '[containers]\ndefault_ulimits = ["nofile=10000:10000", "nproc=10000:10000"]\n[engine]\nruntime = "runc"\n' \
  >"$CONTAINERS_CONF"
IMAGE=localhost/nsview-bb   # the tests' image (tests/support/podman.hpp)

jobs_pids=()
watch_pids=()   # long-running nsview processes: "NAME PID"
cleaned=0
cleanup() {
  [ "$cleaned" = 1 ] && return
  cleaned=1
  touch "$work/stop"
  tmux -L "$tag" kill-server 2>/dev/null
  rm -f "/tmp/tmux-$(id -u)/$tag"
  [ -n "${srv:-}" ] && kill -KILL "$srv" 2>/dev/null
  for p in "${jobs_pids[@]}"; do kill -KILL -- "-$p" 2>/dev/null; done
  for p in "${jobs_pids[@]}"; do wait "$p" 2>/dev/null; done
  if [ "$PODMAN" = 1 ]; then
    podman ps -a --format '{{.Names}}' 2>/dev/null | grep "^$tag-" | xargs -r podman rm -f -t 0 >/dev/null 2>&1
    podman pod ps --format '{{.Name}}' 2>/dev/null | grep "^$tag-" | xargs -r podman pod rm -f -t 0 >/dev/null 2>&1
    # Podman leaves the empty cgroups of removed containers and pods in every hierarchy.
    while read -r id; do
      [ -n "$id" ] || continue
      for h in $hiers; do
        find "$h/libpod_parent" -depth -type d -path "*$id*" -exec rmdir {} + 2>/dev/null
      done
    done <"$work/podman.ids"
  fi
  ip netns list 2>/dev/null | awk '{ print $1 }' | grep "^$tag-" | xargs -r -n1 ip netns del 2>/dev/null
  for h in $hiers; do
    [ -d "$h/$tag" ] || continue
    for _ in $(seq 1 100); do
      find "$h/$tag" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
      rmdir "$h/$tag" 2>/dev/null && break
      sleep 0.1
    done
    [ -d "$h/$tag" ] && echo "could not remove $h/$tag" >&2
  done
  if [ -z "${KEEP_LOGS:-}" ] && [ "${keep_work:-0}" = 0 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT   # a trap that only cleaned up would let the script run on
trap 'exit 143' TERM

stopping() { [ -e "$work/stop" ]; }
count() { echo "$2" >"$work/count/$1"; }

# ---------------------------------------------------------------- churn

churn_procs() {
  local n=0 big
  big=$(head -c 100000 /dev/zero | tr '\0' 'x')
  while ! stopping; do
    "$CHURN" storm 40 3
    for _ in $(seq 1 20); do /bin/true & done
    wait
    n=$((n + 61))
    # Hostile names: escape sequences and invalid UTF-8 in comm, a thread name and argv; a
    # 100 kB argument.
    "$CHURN" hostile 700 $'\e]0;pwned\a\e[2J\e[31m' $'\xff\xfe\xc3\x28' $'tab\there\nnewline' "$big" &
    # Zombies, and a process whose main thread has exited (its /proc/PID files are empty).
    "$CHURN" zombies 10 600 &
    "$CHURN" leader 800 &
    n=$((n + 13))
    count procs "$n"
    sleep 0.3
  done
  wait
}

churn_ns() {
  local n=0 i=0 nn
  while ! stopping; do
    i=$((i + 1))
    for f in "-m" "-u" "-i" "-n" "-p -f" "-C" "-T -f" "-U -r" "-m -u -i -n -p -f -C -T -U -r"; do
      # shellcheck disable=SC2086
      unshare $f sleep 0.4 &
    done
    n=$((n + 17))
    "$CHURN" holders 500 &   # a netns held by a socket only, a thread in its own namespaces
    # A uts namespace held only by a bind mount inside a private mount namespace.
    touch "$work/bind.$i"
    unshare -m -u --propagation private sh -c "mount --bind /proc/self/ns/uts '$work/bind.$i' && sleep 0.4" &
    n=$((n + 5))
    nn=$tag-n$i
    if ip netns add "$nn"; then
      n=$((n + 1))
      # Held by a bind mount, then only by an open fd, then gone.
      (exec 7<"/run/netns/$nn"; ip netns del "$nn"; sleep 0.3) &
    fi
    wait
    rm -f "$work/bind.$i"
    count ns "$n"
    sleep 0.2
  done
}

cpuset_fill() {  # a v1 cpuset cgroup takes no task until it has cpus and mems
  local d=$1 up
  [ -e "$d/cpuset.cpus" ] || return 0
  up=$(dirname "$d")
  cat "$up/cpuset.cpus" >"$d/cpuset.cpus"
  cat "$up/cpuset.mems" >"$d/cpuset.mems"
}

churn_cgroups() {
  local n=0 moved=0 i=0 h c p ps cs
  while ! stopping; do
    cs=() ps=()
    for _ in 1 2 3; do
      i=$((i + 1))
      c=c$i
      cs+=("$c")
      for h in $hiers; do mkdir "$h/$tag/$c" && cpuset_fill "$h/$tag/$c"; done
      sleep 30 &   # killed below
      p=$!
      ps+=("$p")
      # A shell that joins the cgroup in every hierarchy, then storms inside it.
      (for h in $hiers; do echo "$BASHPID" >"$h/$tag/$c/cgroup.procs"; done; exec "$CHURN" storm 15 2) &
      for h in $hiers; do echo "$p" >"$h/$tag/$c/cgroup.procs"; done
      moved=$((moved + 2))
      n=$((n + 1))
    done
    sleep 0.5
    for p in "${ps[@]}"; do
      for h in $hiers; do echo "$p" >"$h/$tag/cgroup.procs"; done   # and out again
      moved=$((moved + 1))
      kill "$p" 2>/dev/null
    done
    wait
    for c in "${cs[@]}"; do
      for h in $hiers; do
        for _ in $(seq 1 50); do rmdir "$h/$tag/$c" 2>/dev/null && break; sleep 0.05; done
      done
    done
    count cgroups "$n"
    count moves "$moved"
    sleep 0.2
  done
}

churn_podman() {
  local n=0 i=0 id pod
  while ! stopping; do
    i=$((i + 1))
    if [ $((i % 5)) = 0 ]; then
      pod=$(podman pod create --name "$tag-pod$i") && echo "$pod" >>"$work/podman.ids"
      id=$(podman run -d --pod "$tag-pod$i" --name "$tag-c$i" "$IMAGE" sleep 30) && echo "$id" >>"$work/podman.ids"
      sleep 1
      podman pod rm -f -t 0 "$tag-pod$i" >/dev/null
      n=$((n + 2))   # the infra container and the member
    else
      id=$(podman run -d --name "$tag-c$i" "$IMAGE" sleep 30) && echo "$id" >>"$work/podman.ids"
      sleep 1
      podman rm -f -t 0 "$tag-c$i" >/dev/null
      n=$((n + 1))
    fi
    count containers "$n"
  done
}

# ---------------------------------------------------------------- observers

# check.py KIND FILE: json is one document, jsonl one per line (at least one); text must be
# valid UTF-8 without control characters but the newline (hostile names are escaped); utf8
# only valid UTF-8 (the Prometheus text format carries label values as they are).
cat >"$work/check.py" <<'PY'
import json, sys
kind, path = sys.argv[1], sys.argv[2]
data = open(path, "rb").read().decode("utf-8")
if kind == "json":
    json.loads(data)
elif kind == "utf8":
    pass
elif kind == "jsonl":
    lines = [l for l in data.split("\n") if l]
    assert lines
    for l in lines:
        json.loads(l)
else:
    bad = [c for c in data if (ord(c) < 32 and c != "\n") or 0x7f <= ord(c) < 0xa0]
    assert not bad, "control characters in text output: %r" % bad[:5]
PY

# obs NAME KIND CMD...: runs CMD, records "NAME rc stderr_bytes output_ok"; KIND is text,
# json (one document) or jsonl (one document per line); output_ok is check.py's verdict.
# Keeps the output of any failure.
obs() {
  local name=$1 kind=$2
  shift 2
  local o=$work/run/$name.$BASHPID.out e=$work/run/$name.$BASHPID.err rc eb jok=-
  "$@" >"$o" 2>"$e" </dev/null
  rc=$?
  eb=$(stat -c %s "$e")
  if [ "$rc" = 0 ]; then
    python3 "$work/check.py" "$kind" "$o" >"$e.check" 2>&1 && jok=1 || jok=0
  fi
  echo "$name $rc $eb $jok" >>"$work/results"
  if [ "$rc" != 0 ] || [ "$eb" != 0 ] || [ "$jok" = 0 ]; then
    local f
    f=$work/fail/$name.$(date +%s%N)
    { echo "command: $*"; echo "exit: $rc  stderr bytes: $eb  output ok: $jok"; tail -2 "$e.check" 2>/dev/null; } >"$f.info"
    cp "$e" "$f.err"
    cp "$o" "$f.out"
  fi
}

observe_list() {
  while ! stopping; do
    obs list text "$NSVIEW" list
    obs list-J json "$NSVIEW" list -J
    obs list-T text "$NSVIEW" list -T
    obs list-P-J json "$NSVIEW" list -P -J --output-all
    obs list-Q text "$NSVIEW" list -u -Q 'COMMAND =~ "x.*y" || NPROCS == 0' -o +HOLDERS,CONTAINER
    sleep 0.2
  done
}

observe_ps_tree() {
  while ! stopping; do
    obs ps text "$NSVIEW" ps
    obs ps-J json "$NSVIEW" ps -J
    obs ps-pods text "$NSVIEW" ps --pods --no-trunc
    obs tree-pid text "$NSVIEW" tree pid
    obs tree-user-J json "$NSVIEW" tree user -J
    obs tree-proc text "$NSVIEW" tree proc -a
    obs tree-proc-J json "$NSVIEW" tree proc -J
    obs tree-cgroup text "$NSVIEW" tree cgroup -a
    obs tree-cgroup-v1 text "$NSVIEW" tree cgroup --hierarchy memory
    obs tree-cgroup-J json "$NSVIEW" tree cgroup -J --hierarchy unified
    # The soak's own parent cgroup: it lives all run while its children come and go.
    obs tree-cgroup-own text "$NSVIEW" tree cgroup -a "/$tag"
    obs tree-cgroup-own-J json "$NSVIEW" tree cgroup -J -a --hierarchy cpuset "/$tag"
    sleep 0.2
  done
}

observe_dump_top() {
  while ! stopping; do
    obs dump-J json "$NSVIEW" dump -J
    obs top-b text "$NSVIEW" top -b -n 2 -d 0.3
    obs top-b-process-J jsonl "$NSVIEW" top -b -J -n 2 -d 0.3 -g process
    obs top-b-cgroup text "$NSVIEW" top -b -n 2 -d 0.3 -g cgroup
    obs top-b-ns text "$NSVIEW" top -b -n 2 -d 0.3 -g namespace -t pid
    obs top-b-pod-J jsonl "$NSVIEW" top -b -J -n 2 -d 0.3 -g pod
    obs top-b-own-J jsonl "$NSVIEW" top -b -J -n 3 -d 0.3 -g cgroup "/$tag"
    obs list-p text "$NSVIEW" list -p "$BASHPID"
    sleep 0.2
  done
}

observe_serve() {  # $1: serve's port
  local u=http://127.0.0.1:$1
  while ! stopping; do
    obs serve-metrics utf8 curl -sf "$u/metrics"
    obs serve-metrics-gz utf8 curl -sf --compressed -H 'Accept: application/openmetrics-text' "$u/metrics"
    obs serve-top-pod-J json curl -sf "$u/api/v1/top?group=pod"
    obs serve-snapshot-J json curl -sf "$u/api/v1/snapshot"
    sleep 0.5
  done
}

tui_keys() {
  local keys=(1 2 3 4 Tab BTab t t a '<' '>' '>' I Down Down PgDn End Home Enter Escape r J pause)
  while ! stopping; do
    sleep 3
    local k=${keys[RANDOM % ${#keys[@]}]}
    if [ "$k" = pause ]; then   # pause the refresh for a moment, then resume
      tmux -L "$tag" send-keys -t soak Space 2>/dev/null
      sleep 2
      k=Space
    fi
    tmux -L "$tag" send-keys -t soak "$k" 2>/dev/null
    tmux -L "$tag" send-keys -t fast "$(case $((RANDOM % 4)) in 0) echo Down ;; 1) echo Enter ;; 2) echo Escape ;; *) echo PgDn ;; esac)" 2>/dev/null
    if [ $((RANDOM % 10)) = 0 ]; then   # now and then a filter, kept or cleared
      tmux -L "$tag" send-keys -t soak / s o a k Enter 2>/dev/null
      sleep 3
      tmux -L "$tag" send-keys -t soak Escape 2>/dev/null
    fi
  done
}

sampler() {  # "SECONDS NAME FDS RSS_KB NODE_PROCS NODE_CGROUPS" every 5 s for each long-running process
  local t0=$SECONDS w name pid fds rss load cgs
  while ! stopping; do
    load=$(find /proc -maxdepth 1 -name '[0-9]*' 2>/dev/null | wc -l)
    cgs=$(find /sys/fs/cgroup -type d 2>/dev/null | wc -l)
    for w in "${watch_pids[@]}"; do
      name=${w% *}
      pid=${w#* }
      if [ -n "$pid" ] && [ -d "/proc/$pid" ]; then
        fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
        rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
        echo "$((SECONDS - t0)) $name $fds ${rss:-0} $load $cgs" >>"$work/samples"
      else
        echo "$((SECONDS - t0)) $name gone 0 $load $cgs" >>"$work/samples"
      fi
    done
    # The TUIs' title lines: they show each scan's wall time.
    for w in soak fast; do
      echo "$((SECONDS - t0)) $w $(tmux -L "$tag" capture-pane -p -t "$w" 2>/dev/null | head -1)" >>"$work/tui-titles"
    done
    sleep 5
  done
}

# ---------------------------------------------------------------- run

if [ "$PODMAN" = 1 ] && ! podman image exists "$IMAGE"; then
  r=$work/image/r
  mkdir -p "$r/bin" "$r/proc" "$r/sys" "$r/dev" "$r/etc" "$r/tmp"
  cp /bin/busybox "$r/bin/" && ln -s busybox "$r/bin/sh" && ln -s busybox "$r/bin/sleep"
  tar -C "$r" -cf "$work/image/bb.tar" . && podman import --change 'ENV PATH=/bin' "$work/image/bb.tar" "$IMAGE" >/dev/null ||
    { echo "could not build $IMAGE" >&2; exit 1; }
fi
for h in $hiers; do mkdir "$h/$tag" && cpuset_fill "$h/$tag"; done

echo "soak: $SECS s, tag $tag, work $work, hierarchies: $(echo $hiers | wc -w), podman: $PODMAN"
start=$SECONDS
churn_procs >>"$work/churn.log" 2>&1 &
jobs_pids+=($!)
churn_ns >>"$work/churn.log" 2>&1 &
jobs_pids+=($!)
churn_cgroups >>"$work/churn.log" 2>&1 &
jobs_pids+=($!)
if [ "$PODMAN" = 1 ]; then
  churn_podman >>"$work/churn.log" 2>&1 &
  jobs_pids+=($!)
fi
sleep 3   # some churn before the first look

# The long-running ones end by themselves a little after the run (their samples take more
# than the delay); their exit status counts.
iters1=$((SECS + 2))
iters2=$((SECS / 2 + 2))
"$NSVIEW" top -b -d 1 -n "$iters1" -g process --top 30 >"$work/top-long.out" 2>"$work/top-long.err" </dev/null &
top1=$!
jobs_pids+=("$top1")
"$NSVIEW" top -b -J -d 2 -n "$iters2" -g cgroup >"$work/top-long-J.out" 2>"$work/top-long-J.err" </dev/null &
top2=$!
jobs_pids+=("$top2")
# Each TUI runs under a shell that writes its exit status to a file: tmux 3.3a here now and
# then leaves an exited pane process unreaped (a zombie child of the tmux server, seen in
# this soak), so pane_dead cannot be trusted.
tui_pid() {  # SESSION: the nsview child of the pane's shell
  local sh_pid p
  sh_pid=$(tmux -L "$tag" display -p -t "$1" '#{pane_pid}')
  for _ in $(seq 1 100); do
    p=$(pgrep -P "$sh_pid" -x nsview | head -1)
    [ -n "$p" ] && { echo "$p"; return; }
    sleep 0.1
  done
}
tmux -L "$tag" new-session -d -s soak -x 200 -y 50 -c "$work" \
  "env TERM=xterm-256color $NSVIEW tui -d 1 2>$work/tui.err; echo \$? >$work/soak.rc"
tui=$(tui_pid soak)
# A second TUI on the process tree (kernel threads too), refreshing as fast as it allows;
# only now and then a key moves its selection or opens the detail pane.
tmux -L "$tag" new-session -d -s fast -x 160 -y 60 -c "$work" \
  "env TERM=xterm-256color $NSVIEW tui -d 0.2 --view processes 2>$work/tui-fast.err; echo \$? >$work/fast.rc"
tuif=$(tui_pid fast)
tmux -L "$tag" send-keys -t fast a
# serve collects on every scrape (--min-interval 0): each container and pod the churn makes
# and removes passes through its sampler, cgroup file cache and series.
"$NSVIEW" serve --listen 127.0.0.1:0 --min-interval 0 >"$work/serve.out" 2>"$work/serve.err" </dev/null &
srv=$!
srv_port=
for _ in $(seq 1 100); do
  srv_port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$work/serve.out")
  [ -n "$srv_port" ] && break
  sleep 0.1
done
[ -n "$srv_port" ] || { echo "serve did not start:"; cat "$work/serve.err"; exit 1; }
watch_pids=("top-long $top1" "top-long-J $top2" "tui $tui" "tui-fast $tuif" "serve $srv")

observe_list &
jobs_pids+=($!)
observe_ps_tree &
jobs_pids+=($!)
observe_dump_top &
jobs_pids+=($!)
observe_serve "$srv_port" &
jobs_pids+=($!)
tui_keys &
jobs_pids+=($!)
sampler &
jobs_pids+=($!)

while [ $((SECONDS - start)) -lt "$SECS" ]; do sleep 5; done
touch "$work/stop"
elapsed=$((SECONDS - start))
# Loops finish their current step; the long-running tops finish their iterations.
for p in "${jobs_pids[@]}"; do
  [ "$p" = "$top1" ] || [ "$p" = "$top2" ] || wait "$p" 2>/dev/null
done
tops_rc=()
for p in "$top1" "$top2"; do
  for _ in $(seq 1 $((SECS / 5 + 60))); do [ -d "/proc/$p" ] || break; sleep 1; done
  kill -TERM "$p" 2>/dev/null   # still running long after its last sample: counts as a failure
  wait "$p"
  tops_rc+=($?)
done
# Keys one at a time: an Escape followed at once by q would read as Alt-q.
tui_quit() {  # SESSION PID: prints the TUI's exit status, or "running"
  local k rc pp
  for k in Escape Escape q; do tmux -L "$tag" send-keys -t "$1" "$k" 2>/dev/null; sleep 1.5; done
  for _ in $(seq 1 300); do
    [ -s "$work/$1.rc" ] && break
    sleep 0.1
  done
  rc=$(cat "$work/$1.rc" 2>/dev/null)
  if [ -z "$rc" ]; then  # what it is doing: its screen, state and threads' stacks
    tmux -L "$tag" capture-pane -p -t "$1" >"$work/$1.pane" 2>/dev/null
    { ps -L -o pid,ppid,tid,stat,wchan:32,args -p "$2"; cat "/proc/$2/stack"
      pp=$(awk '{ print $4 }' "/proc/$2/stat" 2>/dev/null)
      [ -n "$pp" ] && ps -o pid,stat,wchan:32,args -p "$pp"
      sleep 10; echo "10 s later:"; ps -o pid,ppid,stat,args -p "$2"
      command -v gdb >/dev/null && timeout 60 gdb -batch -p "$2" -ex 'thread apply all bt' 2>&1 | grep -E '^(#|Thread)'
    } >"$work/$1.stuck" 2>&1
  fi
  echo "${rc:-running}"
}
kill -TERM "$srv"   # stops accepting, finishes what is in flight, exits 0
wait "$srv"
srv_rc=$?
tui_rc=$(tui_quit soak "$tui")
tuif_rc=$(tui_quit fast "$tuif")

# ---------------------------------------------------------------- summary
bad=0
echo
echo "== runs (elapsed ${elapsed} s)"
printf '%-18s %6s %6s %6s %8s %6s\n' COMMAND RUNS EXIT!=0 CRASH STDERR BADOUT
awk '{ r[$1]++; if ($2 != 0) f[$1]++; if ($2 >= 128) c[$1]++; if ($3 > 0) e[$1]++; if ($4 == "0") j[$1]++ }
     END { for (k in r) printf "%-18s %6d %6d %6d %8d %6d\n", k, r[k], f[k], c[k], e[k], j[k] }' \
  "$work/results" | sort
printf '%-18s exit %s, stderr %s bytes\n' top-long "${tops_rc[0]}" "$(stat -c %s "$work/top-long.err")"
printf '%-18s exit %s, stderr %s bytes\n' top-long-J "${tops_rc[1]}" "$(stat -c %s "$work/top-long-J.err")"
printf '%-18s exit %s, stderr %s bytes\n' serve "$srv_rc" "$(stat -c %s "$work/serve.err")"
printf '%-18s exit %s, stderr %s bytes\n' tui "$tui_rc" "$(stat -c %s "$work/tui.err")"
printf '%-18s exit %s, stderr %s bytes\n' tui-fast "$tuif_rc" "$(stat -c %s "$work/tui-fast.err")"
total=$(wc -l <"$work/results")
nfail=$(awk '$2 != 0 || $3 > 0 || $4 == "0"' "$work/results" | wc -l)
echo "total runs: $total, failed: $nfail"
[ "$nfail" = 0 ] || bad=1
[ "${tops_rc[0]}" = 0 ] && [ "${tops_rc[1]}" = 0 ] && [ "$tui_rc" = 0 ] && [ "$tuif_rc" = 0 ] && [ "$srv_rc" = 0 ] || bad=1
for f in top-long top-long-J tui tui-fast serve; do [ -s "$work/$f.err" ] && bad=1; done
python3 "$work/check.py" text "$work/top-long.out" || { echo "top-long: bad text output"; bad=1; }
if ! python3 "$work/check.py" jsonl "$work/top-long-J.out" 2>/dev/null; then
  echo "top-long-J: output is not JSON Lines"
  bad=1
fi
[ "$(grep -c '^' "$work/top-long-J.out")" -ge 2 ] || { echo "top-long-J: fewer than 2 samples"; bad=1; }

if [ "$nfail" != 0 ] || [ -s "$work/soak.pane" ] || [ -s "$work/fast.pane" ] || [ -s "$work/tui.err" ] || [ -s "$work/tui-fast.err" ] || [ -s "$work/top-long.err" ] || [ -s "$work/top-long-J.err" ] || [ -s "$work/serve.err" ]; then
  echo
  echo "== failures (first of each command; all kept in $work/fail)"
  for f in top-long top-long-J tui tui-fast serve; do
    [ -s "$work/$f.err" ] && { echo "-- $f stderr:"; head -5 "$work/$f.err"; }
  done
  for f in soak fast; do
    [ -s "$work/$f.pane" ] && { echo "-- TUI $f did not quit; its screen (head), state and stacks:"; head -3 "$work/$f.pane"; head -40 "$work/$f.stuck"; }
  done
  ls "$work/fail" 2>/dev/null | sed -n 's/\.[0-9]*\.info$//p' | sort | uniq -c | while read -r cnt name; do
    first=$(ls "$work/fail/$name".*.info | head -1)
    echo "-- $name: $cnt failed runs; first:"
    sed 's/^/   /' "$first"
    head -5 "${first%.info}.err" | sed 's/^/   stderr: /'
  done
fi

echo
echo "== fd count and RSS of the long-running processes (sampled every 5 s)"
# Growth: the maximum over the last quarter against the maximum over the first half after
# a 30 s warm-up (the TUI's level depends on the view it is on, and the views change every
# few seconds); more than 10 fds + 5% or max(10%, 4 MiB) of RSS fails - unless the node
# itself grew (the machine is shared: others' tests add thousands of processes, and every
# scan holds them all), which is reported as not counted.
awk '
  $3 == "gone" { gone[$2] = 1; next }
  { n[$2]++; t[$2, n[$2]] = $1; fd[$2, n[$2]] = $3; rss[$2, n[$2]] = $4; ld[$2, n[$2]] = $5; cg[$2, n[$2]] = $6 }
  function maxof(a, k, lo, hi,   i, r) { r = a[k, lo]; for (i = lo; i <= hi; i++) if (a[k, i] > r) r = a[k, i]; return r }
  END {
    status = 0
    for (k in n) {
      c = n[k]
      printf "%-11s samples %d  fds first/last/max %d/%d/%d  RSS KiB first/last/max %d/%d/%d\n", k, c,
        fd[k, 1], fd[k, c], maxof(fd, k, 1, c), rss[k, 1], rss[k, c], maxof(rss, k, 1, c)
      printf "            node processes first/last/max %d/%d/%d  node cgroups %d/%d/%d\n",
        ld[k, 1], ld[k, c], maxof(ld, k, 1, c), cg[k, 1], cg[k, c], maxof(cg, k, 1, c)
      if (gone[k]) { printf "  FAIL: %s exited during the run\n", k; status = 1 }
      w = 1; while (w < c && t[k, w] < 30) w++
      q = int((c - w + 1) / 4); if (q < 1) { print "  (too few samples for a growth check)"; continue }
      f0 = maxof(fd, k, w, w + 2 * q - 1); f1 = maxof(fd, k, c - q + 1, c)
      r0 = maxof(rss, k, w, w + 2 * q - 1); r1 = maxof(rss, k, c - q + 1, c)
      lim = r0 * 0.10; if (lim < 4096) lim = 4096
      flim = 10 + int(f0 * 0.05)
      printf "  max first half -> last quarter: fds %d -> %d, RSS %d -> %d KiB (%+d)\n", f0, f1, r0, r1, r1 - r0
      g0 = maxof(cg, k, w, w + 2 * q - 1); g1 = maxof(cg, k, c - q + 1, c)
      if (f1 - f0 > flim) {
        # Cgroup readers keep one fd per cgroup directory and file: more cgroups, more fds.
        if (g1 > g0 * 1.05) printf "  not counted: fds grew by %d while the node grew from %d to %d cgroups\n", f1 - f0, g0, g1
        else { printf "  FAIL: fd count grew by %d (bound %d; node cgroups %d -> %d)\n", f1 - f0, flim, g0, g1; status = 1 }
      }
      l0 = maxof(ld, k, w, w + 2 * q - 1); l1 = maxof(ld, k, c - q + 1, c)
      if (r1 - r0 > lim) {
        if (l1 > l0 * 1.1) printf "  not counted: RSS grew by %d KiB while the node grew from %d to %d processes\n", r1 - r0, l0, l1
        else { printf "  FAIL: RSS grew by %d KiB (bound %d; node processes %d -> %d)\n", r1 - r0, lim, l0, l1; status = 1 }
      }
    }
    exit status
  }' "$work/samples" || bad=1

echo
echo "== churn achieved"
for k in procs ns cgroups moves containers; do
  v=$(cat "$work/count/$k" 2>/dev/null || echo 0)
  awk -v k="$k" -v v="$v" -v s="$elapsed" 'BEGIN { printf "%-11s %7d  (%.1f/s)\n", k, v, v / s }'
done
echo "churn errors (not nsview's): $(grep -c '' "$work/churn.log") lines in churn.log"
[ -s "$work/churn.log" ] && head -5 "$work/churn.log" | sed 's/^/   /'

if [ "$bad" = 0 ]; then
  echo "RESULT: clean"
else
  keep_work=1
  echo "RESULT: FAILED (logs kept in $work)"
fi
# Cleanup runs from the EXIT trap.
exit "$bad"
