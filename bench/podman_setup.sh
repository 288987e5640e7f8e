# Sourced by the podman benches (ps_vs_podman.sh, inspect_vs_podman.sh): podman with this
# machine's test configuration (runc; default ulimits within the hard limits) and
# the busybox image localhost/nsview-bb, built from busybox-static when it is missing.
# Sets: img (the image), CONTAINERS_CONF (exported).
conf=/tmp/nsview-bench-podman.conf
printf '[containers]\ndefault_ulimits = ["nofile=10000:10000", "nproc=10000:10000"]\n[engine]\nruntime = "runc"\n' > "$conf"
export CONTAINERS_CONF=$conf
img=localhost/nsview-bb
if ! podman image exists $img; then
  d=$(mktemp -d); mkdir -p "$d"/r/{bin,proc,sys,dev,etc,tmp}
  cp /bin/busybox "$d"/r/bin/ && ln -s busybox "$d"/r/bin/sh && ln -s busybox "$d"/r/bin/sleep
  tar -C "$d"/r -cf "$d"/bb.tar . && podman import --change "ENV PATH=/bin" "$d"/bb.tar $img >/dev/null
  rm -rf "$d"
fi
