// Pure parts of `enter`: what a target string means, which container it names, a user's
// shell, where a process's cgroups are mounted. Text in, answers out; nothing is opened here.
#include <algorithm>
#include <unordered_set>

#include "nsinspect/enter.hpp"
#include "nsinspect/procfs.hpp"
#include "procfs/parse_util.hpp"

namespace nsinspect::enter {

namespace {

using detail::split;
using detail::to_number;

// PID_MAX_LIMIT on 64-bit kernels: no pid is larger, and nsfs inodes are far larger.
constexpr uint64_t kPidMax = 4u * 1024 * 1024;

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<TargetSpec> parse_target(std::string_view s) {
  if (s.empty()) return std::nullopt;
  TargetSpec t;
  t.text = std::string(s);
  if (s.front() == '/' || s.starts_with("./") || s.starts_with("../")) {
    t.kind = TargetSpec::Kind::ns_path;
    return t;
  }
  if (all_digits(s)) {
    auto v = to_number<uint64_t>(s);
    if (!v || *v == 0) return std::nullopt;
    if (*v <= kPidMax) {
      t.kind = TargetSpec::Kind::pid;
      t.pid = static_cast<pid_t>(*v);
    } else {
      t.kind = TargetSpec::Kind::ns_inode;
      t.inode = *v;
    }
    return t;
  }
  if (auto colon = s.find(':'); colon != std::string_view::npos) {
    std::string_view head = s.substr(0, colon), tail = s.substr(colon + 1);
    if (all_digits(head)) {  // PID:PIDFD_INODE (nsenter -t)
      auto pid = to_number<uint64_t>(head);
      auto ino = to_number<uint64_t>(tail);
      if (!pid || *pid == 0 || *pid > kPidMax || !ino || *ino == 0) return std::nullopt;
      t.kind = TargetSpec::Kind::pid;
      t.pid = static_cast<pid_t>(*pid);
      t.pidfd_inode = *ino;
      return t;
    }
    if (auto type = ns_type_from_name(head)) {  // net:[INODE] or net:INODE
      if (tail.size() >= 2 && tail.front() == '[' && tail.back() == ']') tail = tail.substr(1, tail.size() - 2);
      auto ino = to_number<uint64_t>(tail);
      if (!ino || *ino == 0) return std::nullopt;
      t.kind = TargetSpec::Kind::ns_inode;
      t.type = type;
      t.inode = *ino;
      return t;
    }
  }
  t.kind = TargetSpec::Kind::container;
  return t;
}

ContainerMatch find_container(const Snapshot& snap, std::string_view query) {
  ContainerMatch m;
  // True when this rule decided: one match, or an ambiguity to report.
  auto settle = [&](std::vector<const Container*>& found) {
    if (found.empty()) return false;
    if (found.size() == 1) m.container = found.front();
    else m.candidates = std::move(found);
    return true;
  };
  std::vector<const Container*> found;
  if (query.empty()) return m;
  // containerd ids are unique within a namespace only: NAMESPACE/ID names one (container_key).
  auto key = [](const Container& c) { return c.containerd_namespace + "/" + c.id; };

  for (const auto& c : snap.containers)
    if (!c.name.empty() && c.name == query) found.push_back(&c);
  if (settle(found)) return m;

  if (auto slash = query.find('/'); slash != std::string_view::npos) {
    std::string_view pod = query.substr(0, slash), name = query.substr(slash + 1);
    for (const auto& c : snap.containers) {
      if (!c.pod || (c.pod->name != pod && c.pod->id != pod)) continue;
      auto k8s = c.labels.find("io.kubernetes.container.name");
      bool named = c.name == name || (k8s != c.labels.end() && k8s->second == name) ||
                   c.name == std::string(pod) + "-" + std::string(name);  // podman kube play
      if (named) found.push_back(&c);
    }
    if (settle(found)) return m;
  }

  for (const auto& c : snap.containers)
    if (c.id == query || (!c.containerd_namespace.empty() && key(c) == query)) found.push_back(&c);
  if (settle(found)) return m;

  for (const auto& c : snap.containers)
    if (c.id.starts_with(query) || (!c.containerd_namespace.empty() && key(c).starts_with(query)))
      found.push_back(&c);
  settle(found);
  return m;
}

std::optional<std::string> passwd_shell(std::string_view passwd, uid_t uid) {
  std::optional<std::string> shell;
  detail::for_each_line(passwd, [&](std::string_view line) {
    if (shell || line.empty() || line[0] == '#') return;
    auto f = split(line, ':');
    if (f.size() < 7 || to_number<uid_t>(f[2]) != uid || f[6].empty()) return;
    shell = std::string(f[6]);
  });
  return shell;
}

std::vector<std::string> cgroup_procs_paths(std::string_view proc_pid_cgroup,
                                            std::string_view self_mountinfo) {
  auto mounts = procfs::parse_mountinfo(self_mountinfo);
  std::vector<std::string> out;
  for (const auto& line : procfs::parse_cgroup(proc_pid_cgroup)) {
    const bool v2 = line.hierarchy_id == 0 && line.controllers.empty();
    for (const auto& m : mounts) {
      if (m.fstype != (v2 ? "cgroup2" : "cgroup")) continue;
      if (!v2) {
        auto opts = split(m.super_options, ',');
        std::unordered_set<std::string_view> have(opts.begin(), opts.end());
        bool all = !line.controllers.empty() &&
                   std::all_of(line.controllers.begin(), line.controllers.end(),
                               [&](const std::string& c) { return have.count(c) > 0; });
        if (!all) continue;
      }
      // The line's path is relative to the hierarchy's root; the mount shows m.root of it.
      std::string_view rel = line.path;
      if (m.root != "/") {
        if (!rel.starts_with(m.root) || (rel.size() > m.root.size() && rel[m.root.size()] != '/')) continue;
        rel.remove_prefix(m.root.size());
      }
      if (rel.find("/..") != std::string_view::npos) continue;  // outside our cgroup namespace
      std::string path = m.mount_point;
      if (!rel.empty() && rel != "/") path += std::string(rel);
      out.push_back(path + "/cgroup.procs");
      break;
    }
  }
  return out;
}

}  // namespace nsinspect::enter
