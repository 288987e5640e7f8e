#!/usr/bin/env bash
# Installs the Debian 12 packages nsview needs to build and test, only those missing.
set -euo pipefail
pkgs=(build-essential cmake pkg-config libfmt-dev libcli11-dev nlohmann-json3-dev libncurses-dev
      catch2 iproute2 util-linux procps podman runc catatonit busybox-static tmux
      docker.io containerd)
# docker.io and containerd: the engine end-to-end tests start the daemons themselves; docker.io's
# tini (docker-init, for --init) is a Depends, so --no-install-recommends keeps it.
# The LXC and systemd-nspawn end-to-end tests: lxc-create -t none needs no lxc-templates (a
# Recommends), and nspawn runs without systemd as PID 1 (--register=no --keep-unit).
pkgs+=(lxc systemd-container)
# strace: test_tree checks which files tree opens (priority optional, so not on a fresh machine).
pkgs+=(strace)
# The libFuzzer targets (test.sh --fuzz): clang, and the fuzzer and sanitizer runtimes, which
# clang-14 only recommends.
pkgs+=(clang-14 libclang-rt-14-dev libfuzzer-14-dev)
# nsview serve: libmicrohttpd (headers; the library is loaded at run time) and zlib (static, for
# gzip); its tests validate with promtool (package prometheus) and scrape with curl.
pkgs+=(libmicrohttpd-dev zlib1g-dev prometheus curl)
# deploy/: the manifests' test parses them with python3's yaml (no Kubernetes here); the
# image test builds the Containerfile with podman (already above).
pkgs+=(python3 python3-yaml)
# --bench: also the anchor tools the benchmarks compare with (the tests never need them).
if [ "${1:-}" = "--bench" ]; then pkgs+=(htop hey prometheus-process-exporter); fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
