#!/bin/sh
# nsview enter vs nsenter entering every namespace of one target, in one run.
# Usage: bench/enter_vs_nsenter.sh [path/to/nsview]   (as root; needs hyperfine)
# Prints hyperfine's table and the ratio nsview/nsenter of the mean times (target <= 1.2).
set -eu
NSVIEW=${1:-$(dirname "$0")/../build/tools/nsview}
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 1; }
OUT=$(mktemp -d)
# A target in its own mnt, uts, ipc, net, pid, cgroup and time namespaces (pid 1 there:
# only SIGKILL from outside ends it).
unshare -m -u -i -n -p -f -C -T sleep 1000 &
HOLDER=$!
TARGET=
trap 'kill -9 $TARGET $HOLDER 2>/dev/null; rm -rf "$OUT"' EXIT
for _ in $(seq 50); do
  TARGET=$(cat /proc/$HOLDER/task/*/children 2>/dev/null | tr -d ' ')
  [ -n "$TARGET" ] && break
  sleep 0.05
done
[ -n "$TARGET" ] || { echo "no target process" >&2; exit 1; }
hyperfine -N --warmup 10 --runs 100 --export-json "$OUT/r.json" \
  -n nsenter "nsenter -t $TARGET -a true" \
  -n "nsview enter" "$NSVIEW enter -t $TARGET -a true"
python3 - "$OUT/r.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
a, b = r["nsenter"]["mean"], r["nsview enter"]["mean"]
print(f"nsenter {a*1e3:.2f} ms, nsview enter {b*1e3:.2f} ms, ratio nsview/nsenter {b/a:.2f} (target <= 1.20)")
PY
