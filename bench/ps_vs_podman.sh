#!/usr/bin/env bash
# nsview ps against podman ps (the anchor) in one run, with N podman containers running.
# Usage: bench/ps_vs_podman.sh [BUILD_DIR] [N]   (root; needs podman, runc, hyperfine)
# Prints mean times and the ratio podman/nsview. Creates and removes its own containers.
set -euo pipefail
build=${1:-build}
n=${2:-10}
nsview="$build/tools/nsview"
[ -x "$nsview" ] || { echo "no $nsview; build first" >&2; exit 1; }
. "$(dirname "$0")/podman_setup.sh"
prefix=nsview-bench-$$
cleanup() { podman ps -a --format '{{.Names}}' | grep "^$prefix-" | xargs -r podman rm -f -t 0 >/dev/null 2>&1 || true; }
trap cleanup EXIT
for i in $(seq 1 "$n"); do podman run -d --name "$prefix-$i" $img sleep 1000 >/dev/null 2>&1; done
json=$(mktemp)
hyperfine -N -w 3 -r 20 --export-json "$json" "$nsview ps" "podman ps" >/dev/null 2>&1
python3 - "$json" "$n" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
ns = next(v for k, v in r.items() if "nsview" in k); pd = r["podman ps"]
print(f"{sys.argv[2]} containers: nsview ps {ns*1000:.1f} ms, podman ps {pd*1000:.1f} ms, ratio podman/nsview {pd/ns:.1f}x")
PY
rm -f "$json"
