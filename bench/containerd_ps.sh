#!/usr/bin/env bash
# Time nsview with N plain containerd containers (ctr run, images named only in meta.db):
#   bash bench/containerd_ps.sh N NSVIEW [NSVIEW...]
# Starts containerd at its default paths (as tests/support/engines.* does; refuses when one
# runs or its state directories exist), imports a busybox image, runs N containers in two
# namespaces, then per binary: `ps` (mean of 20 runs); the TUI's containers view for 20 s at
# 0.2 s refreshes (it scans on every refresh; top rescans only when cgroups change): its CPU
# seconds, and how often it opened meta.db in another 20 s under strace.
# Removes every container, the daemon, its state and the cgroups it caused.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: bench/containerd_ps.sh N NSVIEW [NSVIEW...]" >&2
  exit 1
fi
n=$1
shift
if pgrep -x containerd >/dev/null || [ -e /var/lib/containerd ] || [ -e /run/containerd ]; then
  echo "bench/containerd_ps.sh: a containerd runs or its state exists; not touching it" >&2
  exit 1
fi
work=$(mktemp -d)
nss=(nsview-bench-a nsview-bench-b)
pid=
cleanup() {
  set +e
  for ns in "${nss[@]}"; do
    for id in $(ctr -n "$ns" task ls -q 2>/dev/null); do ctr -n "$ns" task kill -s KILL "$id" >/dev/null 2>&1; done
    for id in $(ctr -n "$ns" containers ls -q 2>/dev/null); do
      for _ in $(seq 50); do ctr -n "$ns" task rm -f "$id" >/dev/null 2>&1; ctr -n "$ns" task ls -q | grep -qx "$id" || break; sleep 0.1; done
      ctr -n "$ns" containers rm "$id" >/dev/null 2>&1
    done
  done
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  tmux -L nsview-bench kill-session -t nsview-bench-tui 2>/dev/null
  grep -E ' /(run|var/lib)/containerd' /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf /var/lib/containerd /run/containerd "$work"
  for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
    for ns in "${nss[@]}"; do
      [ -d "$h$ns" ] && find "$h$ns" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
  done
}
trap cleanup EXIT

printf 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt"]\n' >"$work/config.toml"
containerd --config "$work/config.toml" >"$work/containerd.log" 2>&1 &
pid=$!
for _ in $(seq 100); do ctr version >/dev/null 2>&1 && break; sleep 0.2; done

# A one-layer busybox OCI image, by hand (no registry here).
mkdir -p "$work/r/bin" "$work/r/proc" "$work/r/sys" "$work/r/dev" "$work/r/etc" "$work/r/tmp" "$work/oci/blobs/sha256"
cp /bin/busybox "$work/r/bin/"
for b in sh sleep; do ln -s busybox "$work/r/bin/$b"; done
tar -C "$work/r" -cf "$work/layer.tar" .
cd "$work"
put() { cat >blob; h=$(sha256sum <blob | cut -d' ' -f1); mv blob "oci/blobs/sha256/$h"; echo "$h"; }
size() { stat -c %s "oci/blobs/sha256/$1"; }
arch=$(dpkg --print-architecture)
L=$(put <layer.tar)
C=$(printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$arch" "$L" | put)
M=$(printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' "$C" "$(size "$C")" "$L" "$(size "$L")" | put)
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"%s","os":"linux"},"annotations":{"io.containerd.image.name":"docker.io/library/nsview-bench:1"}}]}' "$M" "$(size "$M")" "$arch" >oci/index.json
echo '{"imageLayoutVersion":"1.0.0"}' >oci/oci-layout
tar -C oci -cf oci.tar .
cd - >/dev/null
for ns in "${nss[@]}"; do ctr -n "$ns" images import "$work/oci.tar" >/dev/null; done
for i in $(seq "$n"); do
  ctr -n "${nss[$((i % 2))]}" run -d docker.io/library/nsview-bench:1 "bench-$i" sleep 100000 >/dev/null
done
meta=/var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db
echo "containers: $n; meta.db: $(stat -c %s $meta) bytes"
# containerd's garbage collector writes meta.db for a while after the last change: start
# measuring once it has been still for 5 s.
last=
for _ in $(seq 120); do
  now=$(stat -c %.9Y "$meta")
  [ "$now" = "$last" ] && break
  last=$now
  sleep 5
done
if [ -n "${KEEP_META:-}" ]; then cp "$meta" "$KEEP_META"; fi  # e.g. a fuzz seed

# The TUI quits on q; a pane killed instead can leave a TUI under strace running.
quit_tui() {
  local pid
  pid=$(tmux -L nsview-bench list-panes -t nsview-bench-tui -F '#{pane_pid}' 2>/dev/null) || return 0
  tmux -L nsview-bench send-keys -t nsview-bench-tui q
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  tmux -L nsview-bench kill-session -t nsview-bench-tui 2>/dev/null || true
  kill "$pid" 2>/dev/null || true
}

for bin in "$@"; do
  shown=$("$bin" ps -J | grep -c '"image": "docker.io/library/nsview-bench:1"' || true)
  start=$(date +%s%N)
  for _ in $(seq 20); do "$bin" ps >/dev/null; done
  ps_ms=$((($(date +%s%N) - start) / 20000000))
  tmux -L nsview-bench new-session -d -s nsview-bench-tui -x 200 -y 50 "$bin tui -d 0.2 --view containers"
  sleep 20
  tui=$(tmux -L nsview-bench list-panes -t nsview-bench-tui -F '#{pane_pid}')
  case $(cat "/proc/$tui/comm") in sh | dash | bash) tui=$(pgrep -P "$tui" | head -1) ;; esac  # under sh -c
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$tui/stat")
  quit_tui
  sleep 1  # the server exits with its last session: a new one at once may meet it dying
  tmux -L nsview-bench new-session -d -s nsview-bench-tui -x 200 -y 50 "strace -f -e trace=openat,newfstatat -o $work/strace $bin tui -d 0.2 --view containers"
  # containerd's own writes to meta.db meanwhile (each one is a reason to read it again)
  writes=$(for _ in $(seq 80); do stat -c %.9Y "$meta"; sleep 0.25; done | uniq | wc -l)
  quit_tui
  sleep 1
  opens=$(grep -c 'openat(.*meta.db' "$work/strace" || true)
  if [ -n "${KEEP_STRACE:-}" ]; then cp "$work/strace" "$KEEP_STRACE.$(basename "$bin")"; fi
  printf '%s\n  ps: %d ms (mean of 20), images shown: %s/%s\n  tui, 20 s at 0.2 s refreshes: %s s CPU; meta.db opened %s times in 20 s (strace), while it had %s versions\n' \
    "$bin" "$ps_ms" "$shown" "$n" "$cpu" "$opens" "$writes"
done
