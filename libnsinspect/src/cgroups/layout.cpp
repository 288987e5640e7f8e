// Which cgroup hierarchies are mounted where (v1, hybrid, unified), from mountinfo.
#include <algorithm>

#include "nsinspect/cgroups.hpp"
#include "procfs/parse_util.hpp"

namespace nsinspect {

using namespace detail::parse_words;

std::string_view cgroup_mode_name(CgroupMode m) {
  switch (m) {
    case CgroupMode::none: return "none";
    case CgroupMode::v1: return "v1";
    case CgroupMode::hybrid: return "hybrid";
    case CgroupMode::unified: return "unified";
  }
  return "?";
}

bool CgroupHierarchy::has(std::string_view controller) const {
  return std::find(controllers.begin(), controllers.end(), controller) != controllers.end();
}

const CgroupHierarchy* CgroupLayout::unified() const {
  for (const auto& h : hierarchies)
    if (h.v2) return &h;
  return nullptr;
}

int CgroupLayout::index_of_id(int id) const {
  for (std::size_t i = 0; i < hierarchies.size(); ++i)
    if (hierarchies[i].id == id && (id == 0) == hierarchies[i].v2) return static_cast<int>(i);
  return -1;
}

int CgroupLayout::index_of_controller(std::string_view c) const {
  for (std::size_t i = 0; i < hierarchies.size(); ++i)
    if (hierarchies[i].v2 && hierarchies[i].has(c)) return static_cast<int>(i);
  for (std::size_t i = 0; i < hierarchies.size(); ++i)
    if (!hierarchies[i].v2 && hierarchies[i].has(c)) return static_cast<int>(i);
  return -1;
}

int CgroupLayout::index_of_name(std::string_view name) const {
  if (name == "unified" || name == "v2" || name == "cgroup2" || name == "0") {
    for (std::size_t i = 0; i < hierarchies.size(); ++i)
      if (hierarchies[i].v2) return static_cast<int>(i);
    return -1;
  }
  if (name == "systemd") name = "name=systemd";
  for (std::size_t i = 0; i < hierarchies.size(); ++i)
    if (hierarchies[i].name == name) return static_cast<int>(i);
  if (auto id = detail::to_number<int>(name)) return index_of_id(*id);
  return index_of_controller(name);
}

namespace {

// Mount options that are not controllers.
bool is_controller_option(std::string_view o) {
  static constexpr std::string_view skip[] = {"rw", "ro", "clone_children", "noprefix", "xattr",
                                              "cpuset_v2_mode", "favordynmods", "none"};
  for (auto s : skip)
    if (o == s) return false;
  return o.find('=') == std::string_view::npos || o.substr(0, 5) == "name=";
}

std::size_t dotdot_depth(std::string_view root) {
  std::size_t n = 0;
  for (auto part : split(root, '/')) {
    if (part == "..") ++n;
    else if (!part.empty()) break;
  }
  return n;
}

}  // namespace

CgroupLayout detect_cgroup_layout(const std::vector<procfs::MountInfo>& mounts,
                                  const std::vector<procfs::CgroupLine>& self,
                                  std::string_view v2_controllers) {
  CgroupLayout layout;
  std::vector<CgroupHierarchy> v1;
  std::optional<CgroupHierarchy> v2;
  // The shortest mount root wins when a hierarchy is mounted more than once.
  auto better = [](const CgroupHierarchy& a, const std::string& root) { return root.size() < a.mount_root.size(); };

  for (const auto& m : mounts) {
    if (m.fstype == "cgroup2") {
      if (v2 && !better(*v2, m.root)) continue;
      CgroupHierarchy h;
      h.v2 = true;
      h.id = 0;
      h.name = "unified";
      for (auto c : split_ws(detail::trim(v2_controllers))) h.controllers.emplace_back(c);
      h.mount_point = m.mount_point;
      h.mount_root = m.root;
      v2 = std::move(h);
      continue;
    }
    if (m.fstype != "cgroup") continue;
    std::vector<std::string> ctrls;
    for (auto o : split(m.super_options, ','))
      if (is_controller_option(o)) ctrls.emplace_back(o);
    std::sort(ctrls.begin(), ctrls.end());
    int id = 0;
    for (const auto& l : self) {
      if (l.hierarchy_id == 0 || l.controllers.empty()) continue;
      auto lc = l.controllers;
      std::sort(lc.begin(), lc.end());
      if (lc == ctrls) id = l.hierarchy_id;
    }
    auto same = std::find_if(v1.begin(), v1.end(), [&](auto& h) { return h.controllers == ctrls; });
    if (same != v1.end()) {
      if (better(*same, m.root)) {
        same->mount_point = m.mount_point;
        same->mount_root = m.root;
      }
      continue;
    }
    CgroupHierarchy h;
    h.id = id;
    h.controllers = ctrls;
    for (const auto& c : ctrls) h.name += (h.name.empty() ? "" : ",") + c;
    h.mount_point = m.mount_point;
    h.mount_root = m.root;
    v1.push_back(std::move(h));
  }
  std::sort(v1.begin(), v1.end(), [](auto& a, auto& b) { return a.id < b.id; });
  layout.hierarchies = std::move(v1);
  bool any_v1 = !layout.hierarchies.empty();
  if (v2) layout.hierarchies.push_back(std::move(*v2));
  layout.mode = v2 ? (any_v1 ? CgroupMode::hybrid : CgroupMode::unified)
                   : (any_v1 ? CgroupMode::v1 : CgroupMode::none);
  for (auto& h : layout.hierarchies)
    if (dotdot_depth(h.mount_root) > 0) {
      h.ns_root_known = false;  // resolved by the scan (it can look at the directories)
    }
  layout.primary = layout.index_of_name("unified");
  if (layout.primary < 0) layout.primary = layout.index_of_name("name=systemd");
  if (layout.primary < 0) layout.primary = layout.index_of_controller("cpu");
  if (layout.primary < 0 && !layout.hierarchies.empty()) layout.primary = 0;
  return layout;
}

std::vector<procfs::MountInfo> mounts_below_root(std::vector<procfs::MountInfo> mounts, std::string_view root) {
  while (root.size() > 1 && root.back() == '/') root.remove_suffix(1);
  if (root.empty() || root == "/") return mounts;
  std::vector<procfs::MountInfo> kept;
  for (auto& m : mounts) {
    std::string_view mp = m.mount_point;
    if (mp.substr(0, root.size()) != root) continue;
    std::string_view rest = mp.substr(root.size());
    if (!rest.empty() && rest.front() != '/') continue;  // "/hostile" is not below "/host"
    m.mount_point = rest.empty() ? "/" : std::string(rest);
    kept.push_back(std::move(m));
  }
  return kept;
}

std::string cgroup_host_path(std::string_view ns_root, std::string_view seen) {
  std::vector<std::string_view> parts;
  auto add = [&](std::string_view p) {
    for (auto c : split(p, '/')) {
      if (c.empty() || c == ".") continue;
      if (c == "..") {
        if (!parts.empty()) parts.pop_back();
        continue;
      }
      parts.push_back(c);
    }
  };
  add(ns_root);
  add(seen);
  std::string out;
  for (auto p : parts) {
    out += '/';
    out += p;
  }
  return out.empty() ? "/" : out;
}

std::string primary_cgroup_path(const CgroupLayout& layout, const std::vector<procfs::CgroupLine>& lines) {
  if (layout.primary < 0) return {};
  const auto& h = layout.hierarchies[static_cast<std::size_t>(layout.primary)];
  // A v1 hierarchy's id is 0 when /proc/self/cgroup did not list it: unknown, not the v2 line.
  for (const auto& l : lines) {
    if (h.v2 ? (l.hierarchy_id == 0 && l.controllers.empty()) : (h.id != 0 && l.hierarchy_id == h.id))
      return l.path;
  }
  return {};
}

}  // namespace nsinspect
