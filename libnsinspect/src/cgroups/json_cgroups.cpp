// JSON of the cgroup tree and of readings (docs/tree.md, docs/dump.schema.json).
#include "nsinspect/json.hpp"

namespace nsinspect {

namespace {
template <class T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}
nlohmann::json pressure(const Pressure& p) {
  auto line = [](const std::optional<PressureLine>& l) -> nlohmann::json {
    if (!l) return nullptr;
    return {{"avg10", l->avg10}, {"avg60", l->avg60}, {"avg300", l->avg300}, {"total_us", l->total_us}};
  };
  if (!p.some && !p.full) return nullptr;
  return {{"some", line(p.some)}, {"full", line(p.full)}};
}
}  // namespace

nlohmann::json to_json(const Limit& l) {
  switch (l.kind) {
    case Limit::Kind::unknown: return nullptr;
    case Limit::Kind::unlimited: return "max";
    case Limit::Kind::value: return l.value;
  }
  return nullptr;
}

nlohmann::json to_json(const CgroupReadings& r) {
  nlohmann::json j{
      {"cpu_usage_ns", opt(r.cpu_usage_ns)},     {"cpu_user_ns", opt(r.cpu_user_ns)},
      {"cpu_system_ns", opt(r.cpu_system_ns)},   {"cpu_periods", opt(r.cpu_periods)},
      {"cpu_throttled_periods", opt(r.cpu_throttled_periods)},
      {"cpu_throttled_ns", opt(r.cpu_throttled_ns)},
      {"cpu_quota_us", to_json(r.cpu_quota_us)}, {"cpu_period_us", opt(r.cpu_period_us)},
      {"cpu_weight", opt(r.cpu_weight)},         {"cpu_shares", opt(r.cpu_shares)},
      {"memory_current", opt(r.memory_current)}, {"memory_limit", to_json(r.memory_limit)},
      {"memory_high", to_json(r.memory_high)},   {"swap_current", opt(r.swap_current)},
      {"oom_kills", opt(r.oom_kills)},
      {"io_read_bytes", opt(r.io_read_bytes)},   {"io_write_bytes", opt(r.io_write_bytes)},
      {"io_read_ios", opt(r.io_read_ios)},       {"io_write_ios", opt(r.io_write_ios)},
      {"pids_current", opt(r.pids_current)},     {"pids_limit", to_json(r.pids_limit)},
      {"cpu_pressure", pressure(r.cpu_pressure)}, {"memory_pressure", pressure(r.memory_pressure)},
      {"io_pressure", pressure(r.io_pressure)},
      {"nr_descendants", opt(r.nr_descendants)}, {"nr_dying_descendants", opt(r.nr_dying_descendants)},
      {"populated", opt(r.populated)},           {"frozen", opt(r.frozen)}};
  if (!r.memory_stat.empty()) {
    nlohmann::json ms = nlohmann::json::object();
    for (const auto& [k, v] : r.memory_stat) ms[k] = v;
    j["memory_stat"] = ms;
  }
  return j;
}

nlohmann::json to_json(const CgroupTree& t) {
  nlohmann::json hs = nlohmann::json::array();
  for (std::size_t i = 0; i < t.layout.hierarchies.size(); ++i) {
    const auto& h = t.layout.hierarchies[i];
    nlohmann::json nodes = nlohmann::json::array();
    if (i < t.trees.size())
      for (const auto& n : t.trees[i].nodes) {
        nlohmann::json kids = nlohmann::json::array();
        for (auto c : n.children) kids.push_back(t.trees[i].nodes[c].path);
        nodes.push_back({{"path", n.path},
                         {"parent", n.parent == CgroupNode::kNone ? nlohmann::json(nullptr)
                                                                  : nlohmann::json(t.trees[i].nodes[n.parent].path)},
                         {"children", kids},
                         {"pids", n.pids},
                         {"inode", n.inode}});
      }
    hs.push_back({{"id", h.id},
                  {"name", h.name},
                  {"version", h.v2 ? 2 : 1},
                  {"controllers", h.controllers},
                  {"mount_point", h.mount_point},
                  {"mount_root", h.mount_root},
                  {"ns_root", h.ns_root_known ? nlohmann::json(h.ns_root) : nlohmann::json(nullptr)},
                  {"primary", static_cast<int>(i) == t.layout.primary},
                  {"cgroups", nodes}});
  }
  return {{"mode", cgroup_mode_name(t.layout.mode)}, {"hierarchies", hs}};
}

}  // namespace nsinspect
