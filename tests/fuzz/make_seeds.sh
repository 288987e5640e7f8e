#!/usr/bin/env bash
# Regenerates tests/fuzz/seeds/ from this machine's real files (what was there when it ran:
# /proc, /sys/fs/cgroup, container engines' state) and from the fixtures. The result is
# committed; run.sh adds the fixture trees themselves at run time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fx=$here/../fixtures
out=$here/seeds
rm -rf "$out"
mkdir -p "$out"/{procfs,cgroup_files,cgroup_layout,container_files,containerd_meta,cgroup_path,filter,enter_args}
n=0
seed() {  # seed TARGET NAME < text
  cat > "$out/$1/$2"
}
# procfs: this process's and pid 1's files; ns and socket link texts.
for f in stat status io cgroup mountinfo cmdline; do
  cat /proc/self/$f > "$out/procfs/self-$f" 2>/dev/null || true
  cat /proc/1/$f > "$out/procfs/1-$f" 2>/dev/null || true
done
for ns in /proc/self/ns/*; do readlink "$ns"; done > "$out/procfs/ns-links"
readlink /proc/self/ns/net | tr -d '\n' | seed procfs ns-link-net
printf 'socket:[123456]' | seed procfs socket-link
head -5 /etc/passwd | seed procfs passwd
# cgroup files of the first cgroups found in each hierarchy (v2 and v1 on a hybrid host).
for f in cpu.stat memory.stat io.stat cpu.pressure memory.pressure io.pressure cpu.max memory.max \
         memory.events cgroup.events cgroup.stat pids.max cpuacct.stat cpuacct.usage cpu.cfs_quota_us \
         memory.limit_in_bytes memory.oom_control blkio.throttle.io_service_bytes freezer.state; do
  p=$(find /sys/fs/cgroup -maxdepth 4 -name "$f" 2>/dev/null | sed -n 2p)
  [ -n "$p" ] && head -c 8192 "$p" > "$out/cgroup_files/$f" 2>/dev/null || true
done
grep '^btime' /proc/stat | seed cgroup_files proc-stat-btime
# cgroup layout: MOUNTINFO \0 CGROUP \0 CONTROLLERS \0 PATH, from this machine and the fixtures.
layout() {  # layout NAME MOUNTINFO CGROUP CONTROLLERS
  { cat "$2"; printf '\0'; cat "$3"; printf '\0'; cat "$4" 2>/dev/null || true; printf '\0/..'; } > "$out/cgroup_layout/$1"
}
layout host /proc/self/mountinfo /proc/self/cgroup /sys/fs/cgroup/unified/cgroup.controllers
[ -f /sys/fs/cgroup/cgroup.controllers ] && layout host-v2 /proc/self/mountinfo /proc/self/cgroup /sys/fs/cgroup/cgroup.controllers
layout fixture-v2 "$fx/cgroup-v2-host/proc/self/mountinfo" "$fx/cgroup-v2-host/proc/self/cgroup" \
  "$fx/cgroup-v2-host/sys/fs/cgroup/cgroup.controllers"
layout fixture-v1 "$fx/cgroup-v1/mountinfo-v1" "$fx/proc-host/proc/1/cgroup" /dev/null
# container files: real engine state where it exists (one of each kind).
first() { find "$@" 2>/dev/null | head -1; }
copy() {  # copy NAME PATH
  [ -n "$2" ] && [ -f "$2" ] && head -c 65536 "$2" > "$out/container_files/$1" || true
}
copy runc-state.json "$(first /run/runc /run/containerd/runc /run/docker/runtime-runc -name state.json)"
copy crun-status "$(first /run/crun -name status)"
copy oci-config.json "$(first /run/containerd/io.containerd.runtime.v2.task /run/containers/storage -name config.json)"
copy containers.json "$(first /var/lib/containers/storage/overlay-containers -name containers.json -size +2c)"
copy docker-config.v2.json "$(first /var/lib/docker/containers -name config.v2.json)"
copy lxc-config "$(first /var/lib/lxc -maxdepth 2 -name config)"
# containerd's meta.db: a running containerd's, the fixture's (real, 4 KiB pages), and a small
# one by hand (512-byte pages, inline buckets, one id in two namespaces) that mutates quickly.
meta=/var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db
[ -f "$meta" ] && cp "$meta" "$out/containerd_meta/host.db"
cp "$fx/containers/oci/containerd-meta.db" "$out/containerd_meta/fixture-oci.db"
python3 - "$out/containerd_meta/handmade-512.db" <<'PY'
import struct, sys
PS = 512
def leaf(entries):  # (key, value, is_bucket)
    elems, data, n = b'', b'', len(entries)
    for i, (k, v, b) in enumerate(entries):
        elems += struct.pack('<IIII', 1 if b else 0, 16 + 16 * n + len(data) - (16 + 16 * i), len(k), len(v))
        data += k + v
    return struct.pack('<QHHI', 0, 0x02, n, 0) + elems + data
def inline(entries):  # a nested bucket held in its parent's value: header {root 0, sequence}
    return struct.pack('<QQ', 0, 0) + leaf(entries)
def fnv(b):
    h = 14695981039346656037
    for c in b:
        h = ((h ^ c) * 1099511628211) & 0xffffffffffffffff
    return h
def meta(pgid, root, txid):
    body = struct.pack('<IIIIQQQQQ', 0xED0CDAED, 2, PS, 0, root, 0, 2, 5, txid)
    return struct.pack('<QHHI', pgid, 0x04, 0, 0) + body + struct.pack('<Q', fnv(body))
def container(image):
    return inline([(b'image', image, False), (b'runtime', inline([(b'name', b'io.containerd.runc.v2', False)]), True)])
def ns(*cs):
    return inline([(b'containers', inline([(i, container(im), True) for i, im in cs]), True)])
v1 = inline([(b'a', ns((b'same', b'localhost/a:1'), (b'x', b'')), True), (b'b', ns((b'same', b'localhost/b:2')), True),
             (b'default', ns((b'web1', b'docker.io/library/bb:latest')), True), (b'version', b'\x03', False)])
root = leaf([(b'v1', v1, True)])
overflow = (len(root) - 1) // PS
root = struct.pack('<QHHI', 3, 0x02, 1, overflow) + root[16:]
pages = [meta(0, 3, 4), meta(1, 3, 3), struct.pack('<QHHI', 2, 0x10, 0, 0)]
open(sys.argv[1], 'wb').write(b''.join(p.ljust(PS, b'\0') for p in pages) + root.ljust((overflow + 1) * PS, b'\0'))
PY
for t in 2026-11-27T18:47:16.962488307Z 2026-11-27T19:47:16+01:00 "2026-11-27 18:47:15-"; do
  n=$((n + 1)); printf '%s' "$t" | seed container_files "time-$n"
done
# cgroup paths and monitor command lines: this machine's processes.
for p in /proc/[0-9]*; do cat "$p/cgroup" 2>/dev/null; done | cut -d: -f3- | sort -u | head -200 > "$out/cgroup_path/host-paths" || true
i=0
for p in /proc/[0-9]*; do
  case "$(cat "$p/comm" 2>/dev/null)" in
    conmon|containerd-shim*|systemd-nspawn|lxc-*|"[lxc monitor]")
      i=$((i + 1)); cat "$p/cmdline" > "$out/cgroup_path/monitor-$i" 2>/dev/null || true ;;
  esac
done
# filter expressions (the -Q language), some with cells after NUL.
i=0
while IFS= read -r e; do
  i=$((i + 1)); printf '%b' "$e" | seed filter "expr-$i"
done <<'EXPRS'
TYPE == "net" && NPROCS > 1
NPROCS > 1K || MEM >= 1.5M
!(COMMAND =~ "^sleep") and TYPE eq 'pid'
NOT (TYPE EQ 'net') AND NPROCS GT 1
COMMAND !~ "a.*b"\x004026531836\x00net\x0012\x00sleep 100\x001.5M\x001
NS =~ "(a+)+b"\x00aaaaaaaaaaaaaaaaaaaaaaaaaaaaab
((((NPROCS))))
PAUSED == true || PAUSED
COMMAND =~ "(e)\\1|[[:digit:]]{3}"
NPROCS == 2KiB && TYPE != ''
EXPRS
# enter arguments: -t, -S/-G, -N values and targets.
for a in 1234 1234:4026531840 +12 " 7" -1 4026531840 'net:[4026531840]' net:4026531840 /run/netns/x \
         ./ns pod/name web1 18446744073709551616 follow; do
  i=$((i + 1)); printf '%s' "$a" | seed enter_args "arg-$i"
done
printf 'root:x:0:0:root:/root:/bin/bash\nu:x:1000:1000::/home/u:/bin/sh\n\x001000' | seed enter_args passwd-shell
du -sh "$out"
