// Cgroup path decoders for every engine and both cgroup drivers (systemd and cgroupfs).
// Shapes: docker-ID.scope, /docker/ID, cri-containerd-ID.scope, ...:cri-containerd:ID,
// /default/ID, crio-ID[.scope], crio-conmon-ID (monitor), libpod-ID[.scope],
// libpod-conmon-ID.scope (monitor), libpod_parent/[POD/]libpod-ID, *libpod_pod_POD.slice,
// kubepods (systemd: kubepods-QOS-podUID.slice, cgroupfs: /kubepods/QOS/podUID/ID),
// lxc.payload.NAME, /lxc/NAME, lxc.monitor.NAME, machine.slice/machine-NAME.scope.
#include <algorithm>

#include "nsinspect/container_sources.hpp"

namespace nsinspect::containers {

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}
std::string_view strip_suffix(std::string_view s, std::string_view suf) {
  return ends_with(s, suf) ? s.substr(0, s.size() - suf.size()) : s;
}

// Kubernetes writes pod UIDs with '_' for '-' in systemd slice names.
std::string uid_from_slice(std::string_view s) {
  std::string u(s);
  std::replace(u.begin(), u.end(), '_', '-');
  return u;
}

struct Decoder {
  std::optional<CgroupMatch> container, monitor;
  bool kube = false;
  std::optional<std::string> qos;
  std::string pod_id;
  std::string prev;
  std::string_view path;  // the whole path being decoded
  std::size_t end = 0;    // where the current component ends in it

  void set(std::optional<CgroupMatch>& slot, std::string engine, std::string_view id, CgroupRole role) {
    if (id.empty()) return;  // "machine-.scope", "lxc.payload.": no name, no container
    CgroupMatch m;
    m.engine = std::move(engine);
    m.id = std::string(id);
    m.role = role;
    m.cgroup = std::string(path.substr(0, end));
    slot = std::move(m);
  }

  // kubepods slices of the systemd driver, also under a --cgroup-root prefix
  // ("kubelet-kubepods-besteffort-pod..."): the qos class and pod UID are in the name.
  void kube_slice(std::string_view body) {
    auto at = body.find("kubepods");
    if (at == std::string_view::npos) return;
    kube = true;
    body.remove_prefix(at + 8);
    if (!qos) qos = "guaranteed";
    for (std::string_view q : {"burstable", "besteffort"})
      if (starts_with(body, "-" + std::string(q))) {
        qos = std::string(q);
        body.remove_prefix(q.size() + 1);
      }
    if (starts_with(body, "-pod")) pod_id = uid_from_slice(body.substr(4));
  }

  void component(std::string_view c) {
    if (c.empty() || c == "..") return;
    if (c == "kubepods") {
      kube = true;
      qos = "guaranteed";
    } else if (kube && prev == "kubepods" && (c == "burstable" || c == "besteffort")) {
      qos = std::string(c);
    } else if (kube && starts_with(c, "pod") && pod_id.empty() && !ends_with(c, ".slice")) {
      pod_id = std::string(c.substr(3));
    } else if (ends_with(c, ".slice")) {
      std::string_view body = strip_suffix(c, ".slice");
      if (auto p = body.find("libpod_pod_"); p != std::string_view::npos) {
        pod_id = std::string(body.substr(p + 11));
      } else {
        kube_slice(body);
      }
    } else if (prev == "libpod_parent" && is_hex_id(c)) {
      pod_id = std::string(c);
    } else {
      container_shape(c);
    }
    prev = std::string(c);
  }

  void container_shape(std::string_view c) {
    std::string_view body = strip_suffix(c, ".scope");
    struct Prefix {
      std::string_view prefix, engine;
      CgroupRole role;
    };
    static constexpr Prefix prefixes[] = {
        {"libpod-conmon-", "podman", CgroupRole::monitor},
        {"libpod-", "podman", CgroupRole::container},
        {"crio-conmon-", "cri-o", CgroupRole::monitor},
        {"crio-", "cri-o", CgroupRole::container},
        {"docker-", "docker", CgroupRole::container},
        {"cri-containerd-", "containerd", CgroupRole::container},
    };
    for (const auto& p : prefixes) {
      if (!starts_with(body, p.prefix) || !is_hex_id(body.substr(p.prefix.size()))) continue;
      set(p.role == CgroupRole::container ? container : monitor, std::string(p.engine),
          body.substr(p.prefix.size()), p.role);
      return;
    }
    // containerd's systemd-style cgroupsPath under the cgroupfs driver: "SLICE:cri-containerd:ID".
    if (auto p = c.find(":cri-containerd:"); p != std::string_view::npos) {
      if (is_hex_id(c.substr(p + 16))) set(container, "containerd", c.substr(p + 16), CgroupRole::container);
      // The slice part names the pod.
      kube_slice(strip_suffix(c.substr(0, p), ".slice"));
      return;
    }
    if (is_hex_id(c)) {
      if (prev == "docker") set(container, "docker", c, CgroupRole::container);
      else if (prev == "default" || prev == "k8s.io") set(container, "containerd", c, CgroupRole::container);
      else if (kube && !pod_id.empty()) set(container, "", c, CgroupRole::container);
      return;
    }
    if (starts_with(c, "lxc.payload.")) return set(container, "lxc", c.substr(12), CgroupRole::container);
    if (starts_with(c, "lxc.monitor.")) return set(monitor, "lxc", c.substr(12), CgroupRole::monitor);
    if ((prev == "lxc" || prev == "lxc.payload") && !container)
      return set(container, "lxc", c, CgroupRole::container);
    if (prev == "machine.slice" && starts_with(c, "machine-") && ends_with(c, ".scope")) {
      std::string name = unescape_systemd(body.substr(8));
      // machined also registers virtual machines (libvirt's "qemu-N-NAME"): not containers.
      if (!starts_with(name, "qemu-")) set(container, "nspawn", name, CgroupRole::container);
      return;
    }
    // nspawn splits its scope into payload (the container) and supervisor (itself).
    if (c == "payload" && container && container->engine == "nspawn" && starts_with(prev, "machine-")) {
      container->cgroup = std::string(path.substr(0, end));
      return;
    }
    if (c == "supervisor" && container && container->engine == "nspawn" && prev != "payload") {
      monitor = container;
      monitor->role = CgroupRole::monitor;
      container.reset();
    }
  }

  std::optional<CgroupMatch> result() {
    std::optional<CgroupMatch> m = container ? container : monitor;
    if (!m && !pod_id.empty()) {
      m = CgroupMatch{};
      m->role = CgroupRole::pod;
      m->engine = kube ? "" : "podman";
    }
    if (!m) return std::nullopt;
    m->kubernetes = kube;
    if (kube) m->qos = qos;
    m->pod_id = pod_id;
    return m;
  }
};

}  // namespace

bool is_hex_id(std::string_view s) {
  if (s.size() != 64) return false;
  for (char ch : s)
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  return true;
}

bool cgroup_at_or_below(std::string_view path, std::string_view own) {
  while (own.size() > 1 && own.back() == '/') own.remove_suffix(1);
  if (own.empty() || own == "/") return true;
  return path.substr(0, own.size()) == own && (path.size() == own.size() || path[own.size()] == '/');
}

std::string unescape_systemd(std::string_view s) {
  auto hex = [](char ch) -> int {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x' && hex(s[i + 2]) >= 0 && hex(s[i + 3]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 2]) * 16 + hex(s[i + 3])));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::optional<CgroupMatch> decode_cgroup_path(std::string_view path) {
  Decoder d;
  d.path = path;
  std::size_t at = 0;
  while (at < path.size()) {
    auto slash = path.find('/', at);
    d.end = slash == std::string_view::npos ? path.size() : slash;
    d.component(path.substr(at, d.end - at));
    if (slash == std::string_view::npos) break;
    at = slash + 1;
  }
  return d.result();
}

}  // namespace nsinspect::containers
