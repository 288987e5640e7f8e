#!/bin/bash
# CPU time per refresh of `nsview top -b --group cgroup` against `systemd-cgtop -b` on the
# same node, in one run: 1,000 cgroups (/nsview-top-bench-$$/gN in the v1 cpu, cpuacct,
# memory and pids hierarchies) holding 4,000 sleeping processes (4 per cgroup). Everything
# made here is killed and removed at exit (trap). CPU = user + system of the tool (getrusage
# of the child), not wall time: the machine is shared.
# Usage: bench/top_vs_cgtop.sh [BUILD_DIR] [REFRESHES] [DELAY]     (as root)
# Prints both per-refresh costs and the ratio nsview/cgtop (target <= 0.33).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
N=${2:-5}
D=${3:-1}
NSVIEW=$BUILD/tools/nsview
NAME=nsview-top-bench-$$
CG=/sys/fs/cgroup
HIERS="cpu cpuacct memory pids"
CGROUPS=1000
PER=4
PIDS=()

cleanup() {
  # Only what this script made: its own sleeps, then its own cgroups.
  # $(jobs -p) too: a signal can land between a fork and its PIDS+=.
  kill -9 ${PIDS[@]+"${PIDS[@]}"} $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
  # The script itself may be in one of them (a signal during set-up): back to the root.
  for h in $HIERS; do echo $BASHPID > $CG/$h/cgroup.procs; done 2>/dev/null || true
  for h in $HIERS; do
    [ -d $CG/$h/$NAME ] || continue
    for _ in $(seq 50); do
      find $CG/$h/$NAME -depth -type d -exec rmdir {} + 2>/dev/null && break
      sleep 0.1
    done
  done
}
trap cleanup EXIT
trap 'exit 130' INT   # a trap that only cleaned up would let the script run on
trap 'exit 143' TERM

for h in $HIERS; do
  mkdir $CG/$h/$NAME
  (cd $CG/$h/$NAME && mkdir $(seq -f "g%g" 0 $((CGROUPS - 1))))
done
# Each starter moves itself into its cgroups, then forks PER sleeps there (they inherit it).
for i in $(seq 0 $((CGROUPS - 1))); do
  for h in $HIERS; do echo $BASHPID > $CG/$h/$NAME/g$i/cgroup.procs; done 2>/dev/null
  for _ in $(seq $PER); do sleep 100000 & PIDS+=($!); done
  for h in $HIERS; do echo $BASHPID > $CG/$h/cgroup.procs; done   # the script itself leaves again
done
# The starter is this shell: it moved back to the root above, the sleeps stayed.
echo "made $CGROUPS cgroups in each of: $HIERS; ${#PIDS[@]} processes in them;" \
     "$(ls /proc | grep -c '^[0-9]') processes on the node"
echo "checks: $(cat $CG/pids/$NAME/g0/pids.current) tasks in g0, $(cat $CG/pids/$NAME/pids.current) under /$NAME"

# CPU seconds (user+sys) of one command, from getrusage of its process.
cpu_of() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{r.ru_utime:.3f} {r.ru_stime:.3f}")
PY
}

# Per refresh = (CPU of N+1 samples - CPU of 1 sample) / N: the steady refresh cost without
# the start-up (nsview's first sample scans /proc once for container labels); the start-up
# (one sample) is printed too.
# Warm-up, not measured: the first reads of new cgroups make the kernel's dentries and
# inodes for their files, a one-time cost that would otherwise land on whichever run is first.
$NSVIEW top -b -n 1 --group cgroup >/dev/null
systemd-cgtop -b -n 1 >/dev/null
read -r O1U O1S < <(cpu_of $NSVIEW top -b -n 1 --group cgroup)
read -r ONU ONS < <(cpu_of $NSVIEW top -b -n $((N + 1)) -d $D --group cgroup)
# The container group (top's default on a node with containers) on the same node: it scans
# /proc for container identity, so its cost is shown beside the others (no ratio target).
read -r K1U K1S < <(cpu_of $NSVIEW top -b -n 1 --group container)
read -r KNU KNS < <(cpu_of $NSVIEW top -b -n $((N + 1)) -d $D --group container)
read -r C1U C1S < <(cpu_of systemd-cgtop -b -n 1)
read -r CNU CNS < <(cpu_of systemd-cgtop -b -n $((N + 1)) -d $D)
python3 - "$N" "$O1U" "$O1S" "$ONU" "$ONS" "$C1U" "$C1S" "$CNU" "$CNS" "$K1U" "$K1S" "$KNU" "$KNS" <<'PY'
import sys
n = int(sys.argv[1])
o1u, o1s, onu, ons, c1u, c1s, cnu, cns, k1u, k1s, knu, kns = map(float, sys.argv[2:])
def show(name, u1, s1, un, sn):
    per = ((un + sn) - (u1 + s1)) / n
    print(f"{name}: 1 sample {u1:.3f} s user + {s1:.3f} s sys; {n + 1} samples {un:.3f} s user + {sn:.3f} s sys"
          f" -> {per * 1000:.1f} ms CPU per refresh, {(un + sn) / (n + 1) * 1000:.1f} ms per sample with start-up")
    return per, (un + sn) / (n + 1)
ours, ours_all = show("nsview top --group cgroup", o1u, o1s, onu, ons)
theirs, theirs_all = show("systemd-cgtop            ", c1u, c1s, cnu, cns)
cont, _ = show("nsview top --group container", k1u, k1s, knu, kns)
print(f"ratio nsview/cgtop per refresh: {ours / theirs:.2f} (target <= 0.33); "
      f"including start-up over {n + 1} samples: {ours_all / theirs_all:.2f}; "
      f"container group/cgtop per refresh: {cont / theirs:.2f}")
PY
