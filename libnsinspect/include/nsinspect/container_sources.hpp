// Pure decoders and parsers for what container engines leave on a node: cgroup paths,
// monitor command lines, OCI config.json, runtime state, containers/storage, docker's and
// podman's own stores. Text in, structs out: nothing here opens a file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>
#include <sys/types.h>

#include "nsinspect/types.hpp"

namespace nsinspect::containers {

// ---- cgroup paths ----

enum class CgroupRole : uint8_t {
  container,  // a container's own cgroup (or a child of it)
  monitor,    // conmon / lxc monitor / nspawn supervisor cgroup of a container
  pod,        // a pod's cgroup itself (kubepods pod slice, podman pod parent)
};

struct CgroupMatch {
  std::string engine;   // "podman", "docker", "containerd", "cri-o", "lxc", "nspawn"; "" when
                        // the shape does not say (a bare id under a cgroupfs kubepods pod)
  std::string id;       // container id (lxc/nspawn: the name); may be empty for role pod
  CgroupRole role = CgroupRole::container;
  // The container's (or monitor's) own cgroup: the path through the component that names
  // it, nspawn's ".../payload" included ("/lxc.payload.web01" of ".../init.scope"); every
  // process of the container is at or below it. "" for role pod.
  std::string cgroup;
  std::string pod_id;   // Kubernetes pod UID (with '-') or podman pod id; "" when none
  bool kubernetes = false;         // under kubepods
  std::optional<std::string> qos;  // kubepods: "guaranteed", "burstable", "besteffort"
};

// Decodes one cgroup path (both cgroup drivers, v1 or v2). The innermost container wins
// ("/docker/A/docker/B" is B). "/.." parts (a path seen through a cgroup namespace) are skipped.
std::optional<CgroupMatch> decode_cgroup_path(std::string_view path);

// systemd unit name unescaping: "\x2d" -> '-', any "\xHH".
std::string unescape_systemd(std::string_view s);

bool is_hex_id(std::string_view s);  // 64 lower-case hex characters

// Whether a cgroup path is `own` or lies below it; an own of "/" or "" (not known) holds every path.
bool cgroup_at_or_below(std::string_view path, std::string_view own);

// ---- monitors ----

struct MonitorInfo {
  std::string kind;     // "conmon", "containerd-shim", "docker-shim", "lxc-monitor", "nspawn"
  std::string id;       // conmon -c, shim -id (the sandbox for shim v2 of a pod), lxc name
  std::string name;     // conmon -n
  std::string bundle;   // conmon -b
  std::string runtime;  // conmon -r (path), shim: "runc" from containerd-shim-runc-v2
  std::string ns;       // containerd namespace (shim -namespace): "moby", "k8s.io", "default"
  std::string engine;   // engine the monitor implies, "" when it does not say
  std::string hostname; // nspawn: the container's hostname (--hostname, else the machine name)
};
// Recognises a monitor from its argv; nullopt for any other process.
std::optional<MonitorInfo> parse_monitor_cmdline(const std::vector<std::string>& argv);

// ---- OCI bundle config.json ----

struct OciConfig {
  std::string hostname;
  std::map<std::string, std::string> annotations;
  std::vector<std::pair<NsType, std::string>> namespaces;  // type, path ("" = new namespace)
  std::string cgroups_path;
  std::vector<std::string> args;
};
std::optional<OciConfig> parse_oci_config(std::string_view json);

// What the annotations of the known engines say, engine-neutral.
struct AnnotationInfo {
  std::string engine;          // from io.container.manager or the annotation family
  std::string container_name;  // io.kubernetes.container.name, io.kubernetes.cri.container-name
  std::string pod_name, pod_namespace, pod_uid;
  std::string sandbox_id;      // the pod's infra/sandbox container
  bool sandbox = false;        // this container is the pod's infra/pause container
  std::string image;
  std::string name;            // other engine-level names (nerdctl/name, cri-o ContainerName)
};
AnnotationInfo interpret_annotations(const std::map<std::string, std::string>& a);

// ---- runtime state ----

struct RuntimeState {
  std::string id;
  std::optional<pid_t> init_pid;
  std::optional<uint64_t> init_start;  // clock ticks after boot (runc), to detect pid reuse
  std::string created;                 // RFC 3339
  std::string bundle;
  std::string hostname;
};
// runc's ROOT/ID/state.json (/run/runc, /run/containerd/runc/NS, /run/docker/runtime-runc/moby).
std::optional<RuntimeState> parse_runc_state(std::string_view json);
// crun's ROOT/ID/status (/run/crun).
std::optional<RuntimeState> parse_crun_status(std::string_view json);

// ---- engine stores (enrichment; none required) ----

// containers/storage's overlay-containers/containers.json (podman and CRI-O).
struct StorageContainer {
  std::string id;
  std::string name;        // first of "names"
  std::string image_name;  // metadata "image-name"
  std::string image_id;
  std::string created;     // RFC 3339
  std::string pod_name, pod_id;  // CRI-O metadata
};
std::vector<StorageContainer> parse_storage_containers(std::string_view json);

// docker's /var/lib/docker/containers/ID/config.v2.json.
struct DockerContainer {
  std::string id, name, image, hostname, created;
  bool paused = false;
  std::map<std::string, std::string> labels;
};
std::optional<DockerContainer> parse_docker_config(std::string_view json);

// podman's state database (bolt_state.db or db.sql) holds each pod's and container's config as
// a JSON text starting {"id":"ID","name":"NAME"; this finds them in the raw bytes without a
// database library: id -> name.
std::unordered_map<std::string, std::string> parse_podman_db_names(std::string_view bytes);

// containerd's metadata database (ROOT/io.containerd.metadata.v1.bolt/meta.db, a bbolt file,
// read without a database library): the image each container was made from, keyed
// "NAMESPACE/ID". Empty for a file that is no bbolt database; a torn one gives fewer entries.
std::unordered_map<std::string, std::string> parse_containerd_images(std::string_view bytes);
// The same, reading only the pages it walks through read_at(offset, length) from a file of
// `size` bytes: the file (tens of MiB on a busy node, mostly content and snapshot records) is
// never held whole.
std::unordered_map<std::string, std::string> parse_containerd_images(
    const std::function<std::string(uint64_t, std::size_t)>& read_at, uint64_t size);

// LXC's /var/lib/lxc/NAME/config: "key = value" lines.
struct LxcConfig {
  std::string hostname;  // lxc.uts.name (lxc.utsname before LXC 3)
  std::string rootfs;    // lxc.rootfs.path (lxc.rootfs)
};
LxcConfig parse_lxc_config(std::string_view text);

// ---- small formats ----

// "2026-11-27T18:47:16.962488307Z", "...+01:00" -> unix seconds.
std::optional<int64_t> parse_rfc3339(std::string_view s);
// The "btime" line of /proc/stat.
std::optional<int64_t> parse_btime(std::string_view proc_stat);
// v1 freezer.state ("FROZEN") or v2 cgroup.events ("frozen 1").
bool parse_frozen(std::string_view text);

}  // namespace nsinspect::containers
