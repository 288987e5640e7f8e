#include "metrics_view.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "nsinspect/container_lookup.hpp"

namespace nsview::metrics {

using nsinspect::UsageRow;

namespace {

// A value of one series: unknown (not written), an exact integer, or a real number.
struct Value {
  enum Kind : uint8_t { none, integer, real } kind = none;
  uint64_t u = 0;
  double d = 0;
};
Value of(std::optional<uint64_t> v) { return v ? Value{Value::integer, *v, 0} : Value{}; }
Value scaled(std::optional<uint64_t> v, double per) {
  return v ? Value{Value::real, 0, static_cast<double>(*v) / per} : Value{};
}
// A limit: its value, +Inf when there is none, unknown when it could not be read.
Value of(const nsinspect::Limit& l) {
  if (l.is_unlimited()) return {Value::real, 0, std::numeric_limits<double>::infinity()};
  return of(l.get());
}

struct UsageFamily {
  const char* name;  // after the prefix
  MetricType type;
  const char* help;
  const char* unit;
  Value (*get)(const UsageRow&);
};

// The families every cgroup-based object has (container, pod, cgroup); docs/metrics.md.
const std::array<UsageFamily, 19> kUsage{{
    {"cpu_usage_seconds", MetricType::counter, "CPU time used (cpu.stat usage_usec; v1 cpuacct.usage).", "seconds",
     [](const UsageRow& r) { return scaled(r.totals.cpu_ns, 1e9); }},
    {"cpu_cfs_periods", MetricType::counter, "Enforcement periods elapsed with a CPU quota (cpu.stat nr_periods).", "",
     [](const UsageRow& r) { return of(r.totals.cpu_periods); }},
    {"cpu_cfs_throttled_periods", MetricType::counter, "Periods in which the CPU quota throttled the cgroup (cpu.stat nr_throttled).", "",
     [](const UsageRow& r) { return of(r.totals.cpu_throttled_periods); }},
    {"cpu_cfs_throttled_seconds", MetricType::counter, "Time throttled by the CPU quota (cpu.stat throttled_usec; v1 throttled_time).", "seconds",
     [](const UsageRow& r) { return scaled(r.totals.cpu_throttled_ns, 1e9); }},
    {"memory_usage_bytes", MetricType::gauge, "Memory in use, page cache included (memory.current; v1 memory.usage_in_bytes).", "bytes",
     [](const UsageRow& r) { return of(r.mem_bytes); }},
    {"memory_working_set_bytes", MetricType::gauge, "Memory in use less inactive file pages (memory.stat inactive_file), as cAdvisor's working set.", "bytes",
     [](const UsageRow& r) { return of(r.totals.mem_working_set); }},
    {"memory_limit_bytes", MetricType::gauge, "Memory limit (memory.max; v1 memory.limit_in_bytes); +Inf when there is none.", "bytes",
     [](const UsageRow& r) { return of(r.mem_limit); }},
    {"oom_kills", MetricType::counter, "Processes killed by the OOM killer in the cgroup (memory.events oom_kill).", "",
     [](const UsageRow& r) { return of(r.totals.oom_kills); }},
    {"io_read_bytes", MetricType::counter, "Bytes read from block devices (io.stat rbytes; v1 blkio service bytes).", "bytes",
     [](const UsageRow& r) { return of(r.totals.io_read_bytes); }},
    {"io_write_bytes", MetricType::counter, "Bytes written to block devices (io.stat wbytes; v1 blkio service bytes).", "bytes",
     [](const UsageRow& r) { return of(r.totals.io_write_bytes); }},
    {"pids", MetricType::gauge, "Tasks (processes and threads) in the cgroup (pids.current).", "",
     [](const UsageRow& r) { return of(r.pids); }},
    {"pids_limit", MetricType::gauge, "Task limit (pids.max); +Inf when there is none.", "",
     [](const UsageRow& r) { return of(r.pids_limit); }},
    {"processes", MetricType::gauge, "Processes in the cgroup.", "",
     [](const UsageRow& r) { return Value{Value::integer, r.nprocs, 0}; }},
    {"pressure_cpu_waiting_seconds", MetricType::counter, "Time some tasks waited for CPU (cpu.pressure some total).", "seconds",
     [](const UsageRow& r) { return scaled(r.totals.psi_cpu_some_us, 1e6); }},
    {"pressure_cpu_stalled_seconds", MetricType::counter, "Time all tasks were stalled on CPU (cpu.pressure full total).", "seconds",
     [](const UsageRow& r) { return scaled(r.totals.psi_cpu_full_us, 1e6); }},
    {"pressure_memory_waiting_seconds", MetricType::counter, "Time some tasks waited for memory (memory.pressure some total).", "seconds",
     [](const UsageRow& r) { return scaled(r.totals.psi_mem_some_us, 1e6); }},
    {"pressure_memory_stalled_seconds", MetricType::counter, "Time all tasks were stalled on memory (memory.pressure full total).", "seconds",
     [](const UsageRow& r) { return scaled(r.totals.psi_mem_full_us, 1e6); }},
    {"pressure_io_waiting_seconds", MetricType::counter, "Time some tasks waited for I/O (io.pressure some total).", "seconds",
     [](const UsageRow& r) { return scaled(r.totals.psi_io_some_us, 1e6); }},
    {"pressure_io_stalled_seconds", MetricType::counter, "Time all tasks were stalled on I/O (io.pressure full total).", "seconds",
     [](const UsageRow& r) { return scaled(r.totals.psi_io_full_us, 1e6); }},
}};

// One object (a container, pod or cgroup): its row and its labels.
struct Object {
  const UsageRow* row = nullptr;
  std::vector<std::pair<const char*, std::string>> labels;  // on every series
  std::vector<std::pair<const char*, std::string>> info;    // on the _info series only
  int depth = 0;
  std::size_t series = 0;
  bool kept = true;
};

Labels view_of(const std::vector<std::pair<const char*, std::string>>& a,
               const std::vector<std::pair<const char*, std::string>>* b = nullptr) {
  Labels l;
  l.reserve(a.size() + (b ? b->size() : 0));
  for (const auto& [k, v] : a) l.emplace_back(k, v);
  if (b)
    for (const auto& [k, v] : *b) l.emplace_back(k, v);
  return l;
}

std::size_t count_series(const Object& o) {
  std::size_t n = 1;  // info
  for (const auto& f : kUsage)
    if (f.get(*o.row).kind != Value::none) ++n;
  return n;
}

void write_usage(Exposition& e, const std::string& prefix, const char* what, const std::vector<Object>& objs) {
  std::string info_help = std::string("Labels of each ") + what + " (value 1).";
  e.family(prefix, MetricType::info, info_help);  // written as PREFIX_info
  for (const auto& o : objs)
    if (o.kept) e.info(view_of(o.labels, &o.info));
  // Each object's labels are escaped once for its 19 families.
  std::vector<std::string> label_sets(objs.size());
  for (std::size_t i = 0; i < objs.size(); ++i)
    if (objs[i].kept) label_sets[i] = Exposition::label_set(view_of(objs[i].labels));
  for (const auto& f : kUsage) {
    e.family(prefix + "_" + f.name, f.type, f.help, f.unit);
    for (std::size_t i = 0; i < objs.size(); ++i) {
      const auto& o = objs[i];
      if (!o.kept) continue;
      Value v = f.get(*o.row);
      if (v.kind == Value::integer) e.sample_with(label_sets[i], v.u);
      else if (v.kind == Value::real) e.sample_with(label_sets[i], v.d);
    }
  }
}

std::string pod_name(const nsinspect::Pod& p) { return p.name.empty() ? p.id.substr(0, 12) : p.name; }

}  // namespace

std::string short_id(const std::string& id) {
  const bool hex64 = id.size() == 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  return hex64 ? id.substr(0, 12) : id;
}

Rendered render(const Collection& c, const AgentStats& agent, ExpositionFormat fmt, std::size_t max_series) {
  const nsinspect::Snapshot* s = c.snapshot;
  std::vector<Object> containers, pods, cgroups;
  if (c.containers)
    for (const auto& r : c.containers->rows) {
      Object o;
      o.row = &r;
      const nsinspect::Container* k = s ? nsinspect::container_by_id(*s, r.id) : nullptr;
      const nsinspect::Pod* p = s && k ? nsinspect::pod_of(*s, *k) : nullptr;
      std::string pod_ns = p ? p->namespace_ : k && k->pod ? k->pod->namespace_ : std::string();
      o.labels = {{"container", r.container}, {"container_id", short_id(k ? k->id : r.id)}, {"pod", r.pod},
                  {"pod_namespace", pod_ns}, {"engine", r.engine}};
      o.info = {{"image", k ? k->image : std::string()}, {"cgroup", r.cgroup}, {"id", r.id}};
      containers.push_back(std::move(o));
    }
  if (c.pods)
    for (const auto& r : c.pods->rows) {
      Object o;
      o.row = &r;
      const nsinspect::Pod* p = s ? nsinspect::pod_by_id(*s, r.id) : nullptr;
      o.labels = {{"pod", p ? pod_name(*p) : r.pod}, {"pod_namespace", p ? p->namespace_ : std::string()},
                  {"engine", r.engine}};
      o.info = {{"cgroup", r.cgroup}, {"id", r.id}};
      pods.push_back(std::move(o));
    }
  if (c.cgroups)
    for (const auto& r : c.cgroups->rows) {
      Object o;
      o.row = &r;
      o.depth = r.depth;
      o.labels = {{"cgroup", r.cgroup}};
      o.info = {{"container", r.container}, {"pod", r.pod}, {"engine", r.engine}};
      cgroups.push_back(std::move(o));
    }

  // Namespaces per type: how many, their processes, and those that no process is in (held
  // by a bind mount, an fd or a thread). Hidden ones (known only as a parent or owner) are
  // not counted: nothing was read of them.
  struct NsCount {
    uint64_t namespaces = 0, processes = 0, without_process = 0;
  };
  std::array<NsCount, nsinspect::kNsTypeCount> ns{};
  if (s)
    for (const auto& n : s->namespaces) {
      if (n.hidden) continue;
      auto& k = ns[nsinspect::index_of(n.type)];
      ++k.namespaces;
      k.processes += n.pids.size();
      if (n.pids.empty()) ++k.without_process;
    }

  // The budget: whole objects in order of value; cgroups shallow ones first.
  std::size_t used = 0, dropped = 0;
  auto admit = [&](std::size_t n) {
    if (max_series && used + n > max_series) {
      dropped += n;
      return false;
    }
    used += n;
    return true;
  };
  for (auto& o : containers) o.series = count_series(o), o.kept = admit(o.series);
  for (auto& o : pods) o.series = count_series(o), o.kept = admit(o.series);
  std::array<bool, nsinspect::kNsTypeCount> ns_kept{};
  for (std::size_t t = 0; t < ns.size(); ++t) ns_kept[t] = s && admit(3);
  std::vector<Object*> by_depth;
  for (auto& o : cgroups) o.series = count_series(o), by_depth.push_back(&o);
  std::stable_sort(by_depth.begin(), by_depth.end(), [](const Object* a, const Object* b) { return a->depth < b->depth; });
  for (Object* o : by_depth) o->kept = admit(o->series);

  Exposition e(fmt);
  // Written without growing: a body of 600 kB (100 containers) grown by doubling was a
  // fifth of a scrape's CPU, in copies and in page faults on the fresh memory.
  auto length = [](const std::vector<std::pair<const char*, std::string>>& ls) {
    std::size_t n = 2;  // {}
    for (const auto& [k, v] : ls) n += std::strlen(k) + v.size() + 4;  // k="v",
    return n;
  };
  std::size_t bytes = 16384 + 3 * (kUsage.size() + 1) * 256;  // the agent's families; HELP and TYPE lines
  for (const auto* objs : {&containers, &pods, &cgroups})
    for (const auto& o : *objs)
      if (o.kept) bytes += o.series * (length(o.labels) + 72) + length(o.info);  // 72: a name and a value
  e.reserve(bytes);
  write_usage(e, "nsview_container", "container", containers);
  write_usage(e, "nsview_pod", "pod", pods);
  if (s) {
    struct NsFamily {
      const char* name;
      const char* help;
      uint64_t NsCount::*field;
    };
    for (const NsFamily& f : {NsFamily{"nsview_namespaces", "Namespaces of each type.", &NsCount::namespaces},
                              NsFamily{"nsview_namespace_processes", "Processes counted in the namespaces of each type.", &NsCount::processes},
                              NsFamily{"nsview_namespaces_without_process", "Namespaces no process is in, kept by a bind mount (with --ns-fds: an open file or a thread).", &NsCount::without_process}}) {
      e.family(f.name, MetricType::gauge, f.help);
      for (std::size_t t = 0; t < ns.size(); ++t)
        if (ns_kept[t]) {
          const std::string type(nsinspect::ns_type_name(nsinspect::kAllNsTypes[t]));
          e.sample({{"type", type}}, ns[t].*f.field);
        }
    }
  }
  write_usage(e, "nsview_cgroup", "cgroup", cgroups);

  // The agent's own cost.
  const std::size_t budgeted = e.series();
  e.family("nsview_scrape_duration_seconds", MetricType::gauge, "Wall time of the collection this exposition shows.", "seconds");
  e.sample({}, agent.collect_seconds);
  e.family("nsview_scrape_cpu_seconds", MetricType::gauge, "CPU time of the process while the collection this exposition shows ran.", "seconds");
  e.sample({}, agent.collect_cpu_seconds);
  e.family("nsview_collections", MetricType::counter, "Collections made since the agent started.");
  e.sample({}, agent.collections);
  e.family("nsview_collection_errors", MetricType::counter, "Collections that failed since the agent started.");
  e.sample({}, agent.errors);
  e.family("nsview_series", MetricType::gauge, "Series of containers, pods, namespaces and cgroups in this exposition.");
  e.sample({}, static_cast<uint64_t>(budgeted));
  e.family("nsview_series_dropped", MetricType::counter, "Series left out by --max-series since the agent started.");
  e.sample({}, agent.dropped_before + dropped);
  if (agent.process_cpu_seconds) {
    e.family("process_cpu_seconds", MetricType::counter, "User and system CPU time of the agent.", "seconds");
    e.sample({}, *agent.process_cpu_seconds);
  }
  if (agent.process_max_rss_bytes) {
    e.family("nsview_process_max_resident_memory_bytes", MetricType::gauge, "Peak resident memory of the agent.", "bytes");
    e.sample({}, *agent.process_max_rss_bytes);
  }
  e.family("nsview_build", MetricType::info, "The agent's version (value 1).");
  e.info({{"version", NSVIEW_VERSION}});
  Rendered out;
  out.series = e.series();
  out.dropped = dropped;
  out.body = e.finish();
  return out;
}

}  // namespace nsview::metrics
