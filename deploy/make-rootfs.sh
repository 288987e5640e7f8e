#!/bin/sh
# Makes a minimal root file system for nsview: the binary and exactly the shared libraries
# ldd names (no base image, so it builds offline and carries nothing else to patch).
#   deploy/make-rootfs.sh BUILD/tools/nsview/nsview DIR
# DIR then holds bin/nsview, its libraries at their usual paths, terminfo for the TUI and the
# empty directories a container runtime mounts over (proc, sys, dev, tmp, host).
set -eu
if [ $# -ne 2 ]; then
  echo "usage: $0 NSVIEW_BINARY DIR" >&2
  exit 1
fi
bin=$1
dir=$2
[ -x "$bin" ] || { echo "$0: not an executable: $bin" >&2; exit 1; }
mkdir -p "$dir/bin" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/tmp" "$dir/etc" "$dir/host"
cp "$bin" "$dir/bin/nsview"
# Debug information is most of a RelWithDebInfo binary (65 MiB of 67); the image needs none.
strip --strip-debug "$dir/bin/nsview" 2>/dev/null || true
# What nsview loads with dlopen, which ldd does not name: libmicrohttpd for `nsview serve`
# (tools/nsview/serve_http.cpp; without it the DaemonSet's command fails at start).
dlopened=""
for name in libmicrohttpd.so.12; do
  path=$(ldconfig -p | awk -v n="$name" '$1 == n && $NF ~ /^\// { print $NF; exit }')
  [ -n "$path" ] || { echo "$0: $name not found (apt-get install libmicrohttpd12)" >&2; exit 1; }
  dlopened="$dlopened $path"
done
# ldd prints "name => /path (addr)" for libraries and "/path (addr)" for the loader; the
# dlopened libraries are copied with what they need in turn.
for f in "$bin" $dlopened; do
  echo "$f"
  ldd "$f" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
done | grep -vx "$bin" | sort -u |
  while read -r lib; do
    mkdir -p "$dir$(dirname "$lib")"
    cp -L "$lib" "$dir$lib"
  done
# The TUI (`nsview tui --root /host` in `kubectl exec -it`) needs terminal descriptions:
# Debian's essential set (ncurses-base, about 200 KiB: xterm, screen, tmux, linux, ...).
if [ -d /lib/terminfo ]; then
  mkdir -p "$dir/lib"
  cp -a /lib/terminfo "$dir/lib/"
fi
# A user database of its own, so the image never needs the host's to start.
printf 'root:x:0:0:root:/:/bin/nsview\nnobody:x:65534:65534:nobody:/:/bin/nsview\n' > "$dir/etc/passwd"
