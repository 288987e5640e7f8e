// What a process's mount table says about its security (read-only root, masked and
// read-only /proc paths) and its volumes: each mount classified, binds resolved against the
// host's mount table, kubelet volume directories recognised by their path shapes. Pure.
#include <algorithm>
#include <map>

#include "nsinspect/inspect.hpp"
#include "procfs/parse_util.hpp"

namespace nsinspect::inspect {

using detail::split;
using procfs::MountInfo;

namespace {

bool has_opt(std::string_view opts, std::string_view want) {
  for (auto o : split(opts, ','))
    if (o == want) return true;
  return false;
}

bool read_only(const MountInfo& m) { return has_opt(m.options, "ro") || has_opt(m.super_options, "ro"); }

// Whether path is dir or below it.
bool under(std::string_view path, std::string_view dir) {
  if (dir == "/") return true;
  return path.starts_with(dir) && (path.size() == dir.size() || path[dir.size()] == '/');
}

// The mounts on top at each mount point: a later line at the same point covers an earlier one.
std::vector<const MountInfo*> top_mounts(const std::vector<MountInfo>& mounts) {
  std::map<std::string_view, std::size_t> last;
  for (std::size_t i = 0; i < mounts.size(); ++i) last[mounts[i].mount_point] = i;
  std::vector<const MountInfo*> out;
  for (std::size_t i = 0; i < mounts.size(); ++i)
    if (last[mounts[i].mount_point] == i) out.push_back(&mounts[i]);
  return out;
}

// Runtimes mask a directory with a read-only tmpfs and a file with a bind of /dev/null
// (runc's and crun's maskPath); anything else under /proc or /sys (podman's tmpfs at
// /sys/fs/cgroup, binfmt_misc, ...) is not a mask.
bool is_mask(const MountInfo& m) {
  if (!under(m.mount_point, "/proc") && !under(m.mount_point, "/sys")) return false;
  if (m.mount_point == "/proc" || m.mount_point == "/sys") return false;
  if (m.fstype == "tmpfs" && m.root == "/" && read_only(m)) return true;
  return (m.fstype == "tmpfs" || m.fstype == "devtmpfs") && (m.root == "/null" || m.root.ends_with("/null"));
}

std::string propagation(const MountInfo& m) {
  bool shared = false, slave = false, unbindable = false;
  for (const auto& f : m.optional_fields) {
    if (f.starts_with("shared:")) shared = true;
    else if (f.starts_with("master:")) slave = true;
    else if (f == "unbindable") unbindable = true;
  }
  if (unbindable) return "unbindable";
  if (shared && slave) return "shared+slave";
  if (shared) return "shared";
  if (slave) return "slave";
  return "private";
}

// The host path of a mount's source: the host mount of the same filesystem whose root holds
// the mount's root most closely.
std::optional<std::string> resolve_on_host(const MountInfo& m, const std::vector<MountInfo>& host) {
  const MountInfo* best = nullptr;
  for (const auto& h : host) {
    if (h.major != m.major || h.minor != m.minor || !under(m.root, h.root)) continue;
    if (!best || h.root.size() > best->root.size()) best = &h;
  }
  if (!best) return std::nullopt;
  std::string rest = best->root == "/" ? m.root : m.root.substr(best->root.size());
  if (rest == "/") rest.clear();
  std::string p = best->mount_point == "/" ? rest : best->mount_point + rest;
  return p.empty() ? "/" : p;
}

// kubelet's pod volume directories: ROOT/pods/UID/volumes/kubernetes.io~PLUGIN/NAME[/...].
bool kubelet_volume(std::string_view path, Volume& v) {
  auto vol = path.find("/volumes/kubernetes.io~");
  if (vol == std::string_view::npos) return false;
  std::string_view before = path.substr(0, vol);
  auto pods = before.rfind("/pods/");
  if (pods == std::string_view::npos) return false;
  std::string_view uid = before.substr(pods + 6);
  if (uid.empty() || uid.find('/') != std::string_view::npos) return false;
  auto parts = split(path.substr(vol + 23), '/');
  if (parts.size() < 2 || parts[0].empty() || parts[1].empty()) return false;
  static const std::map<std::string_view, std::string_view> kinds = {
      {"secret", "secret"},         {"configmap", "configMap"}, {"projected", "projected"},
      {"downward-api", "downwardAPI"}, {"empty-dir", "emptyDir"}, {"csi", "csi"},
      {"nfs", "nfs"},               {"local-volume", "local"}};
  auto k = kinds.find(parts[0]);
  v.kind = k != kinds.end() ? std::string(k->second) : "kubernetes.io~" + std::string(parts[0]);
  v.pod_uid = std::string(uid);
  v.k8s_volume = std::string(parts[1]);
  if (v.kind == "csi") v.pv = v.k8s_volume;
  return true;
}

// An engine's named volume: podman's and docker's VOLUMES/NAME/_data (podman kube play makes
// configMap and emptyDir volumes this way).
bool engine_volume(std::string_view path, Volume& v) {
  static constexpr std::string_view roots[] = {"/var/lib/containers/storage/volumes/", "/var/lib/docker/volumes/"};
  for (auto r : roots) {
    if (!path.starts_with(r)) continue;
    auto parts = split(path.substr(r.size()), '/');
    if (parts.size() < 2 || parts[0].empty() || parts[1] != "_data") return false;
    v.kind = "volume";
    v.k8s_volume = std::string(parts[0]);
    return true;
  }
  return false;
}

// Files an engine writes for each container and binds in (/etc/hosts, resolv.conf, ...).
bool runtime_file(std::string_view path) {
  static constexpr std::string_view prefixes[] = {
      "/var/lib/containers/storage/overlay-containers/", "/run/containers/storage/overlay-containers/",
      "/var/lib/docker/containers/", "/var/lib/containerd/io.containerd.grpc.v1.cri/",
      "/run/containerd/io.containerd.grpc.v1.cri/", "/run/libpod/", "/var/run/containers/storage/"};
  for (auto p : prefixes)
    if (path.starts_with(p)) return true;
  auto pods = path.find("/pods/");
  if (path.find("/kubelet/") != std::string_view::npos && pods != std::string_view::npos) {
    auto rest = split(path.substr(pods + 6), '/');
    return rest.size() >= 2 && (rest[1] == "etc-hosts" || rest[1] == "containers");
  }
  return false;
}

}  // namespace

MountSecurity mount_security(const std::vector<MountInfo>& mounts) {
  MountSecurity s;
  for (const MountInfo* m : top_mounts(mounts)) {
    if (m->mount_point == "/") s.read_only_root = read_only(*m);
    if (m->mount_point == "/proc" && m->fstype == "proc") s.proc_mounted = true;
    if (m->mount_point == "/sys") s.sys_read_only = read_only(*m);
    if (is_mask(*m)) s.masked_paths.push_back(m->mount_point);
    else if (m->fstype == "proc" && m->mount_point.starts_with("/proc/") && has_opt(m->options, "ro"))
      s.readonly_paths.push_back(m->mount_point);
  }
  std::sort(s.masked_paths.begin(), s.masked_paths.end());
  std::sort(s.readonly_paths.begin(), s.readonly_paths.end());
  return s;
}

std::vector<Volume> classify_mounts(const std::vector<MountInfo>& mounts, const std::vector<MountInfo>& host) {
  std::vector<Volume> out;
  for (const MountInfo& m : mounts) {
    Volume v;
    v.mount_point = m.mount_point;
    v.fstype = m.fstype;
    v.source = m.source;
    v.root = m.root;
    v.read_only = read_only(m);
    v.propagation = propagation(m);
    if (m.fstype == "nfs" || m.fstype == "nfs4") {
      if (auto c = m.source.find(':'); c != std::string::npos) {
        v.nfs_server = m.source.substr(0, c);
        v.nfs_export = m.source.substr(c + 1);
      }
    }
    if (m.mount_point == "/" && m.fstype == "overlay") {
      v.kind = "overlay-root";
      for (auto o : split(m.super_options, ',')) {
        if (o.starts_with("lowerdir="))
          for (auto l : split(o.substr(9), ':'))
            if (!l.empty()) v.lower_dirs.emplace_back(l);
        if (o.starts_with("upperdir=")) v.upper_dir = std::string(o.substr(9));
      }
      out.push_back(std::move(v));
      continue;
    }
    if (is_mask(m)) v.kind = "masked";
    else if (m.fstype == "proc") v.kind = "proc";
    else if (m.fstype == "sysfs") v.kind = "sysfs";
    else if (m.fstype == "devpts") v.kind = "devpts";
    else if (m.fstype == "mqueue") v.kind = "mqueue";
    else if (m.fstype == "cgroup" || m.fstype == "cgroup2") v.kind = "cgroup";
    if (!v.kind.empty()) {
      out.push_back(std::move(v));
      continue;
    }
    v.host_path = resolve_on_host(m, host);
    if (v.host_path && kubelet_volume(*v.host_path, v)) {
    } else if (v.host_path && engine_volume(*v.host_path, v)) {
    } else if (v.host_path && runtime_file(*v.host_path)) {
      v.kind = "runtime-file";
    } else if (m.fstype == "nfs" || m.fstype == "nfs4") {
      v.kind = "nfs";
    } else if (v.host_path && (m.fstype == "devtmpfs" || under(*v.host_path, "/dev"))) {
      v.kind = "device";
    } else if (v.host_path) {
      v.kind = m.mount_point == "/" ? "root" : "bind";
    } else if (m.fstype == "tmpfs") {
      v.kind = "tmpfs";
    } else {
      v.kind = m.mount_point == "/" ? "root" : "other";
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace nsinspect::inspect
