// `nsview tree cgroup`: one cgroup hierarchy with member processes (like systemd-cgls) and
// columns of readings; readings are fetched only for the columns asked for.
#include <algorithm>
#include <stdexcept>


#include "nsinspect/cgroups.hpp"
#include "tree_model.hpp"
#include "usage_columns.hpp"

namespace nsview::tree {

using namespace nsinspect;

const std::vector<Column>& cgroup_columns() {
  static const std::vector<Column> cols = {
      view_column("NPROCS", Unit::count, "processes in the cgroup itself (scanned), as in top", JsonType::number),
      mem_column(),
      mem_limit_column(),
      view_column("CPUTIME", Unit::seconds, "cpu time used (cpu.stat usage / cpuacct.usage); CPU is a percentage", JsonType::number, "cpu_seconds"),
      pids_column(),
      pids_limit_column(),
      view_column("CPUQUOTA", Unit::cores, "cpu.max / cfs_quota_us as cores ('max': none)", JsonType::number, "cpu_quota_cores"),
      view_column("NTHROTTLED", Unit::count, "cpu periods throttled since the cgroup was made (nr_throttled)", JsonType::number, "cpu_throttled_periods"),
      view_column("MEMHIGH", Unit::limit, "memory.high (v2)", JsonType::number, "mem_high_bytes"),
      view_column("SWAP", Unit::bytes, "swap in use", JsonType::number, "swap_bytes"),
      view_column("OOMKILLS", Unit::count, "oom kills since the cgroup was made", JsonType::number, "oom_kills_total"),
      view_column("IOREAD", Unit::bytes, "bytes read since the cgroup was made", JsonType::number, "io_read_bytes"),
      view_column("IOWRITE", Unit::bytes, "bytes written since the cgroup was made", JsonType::number, "io_write_bytes"),
      view_column("CGROUP", Unit::text, "full cgroup path"),
  };
  return cols;
}

namespace {

unsigned fields_for(const std::vector<std::string>& cols) {
  unsigned f = 0;
  for (const auto& c : cols) {
    if (c == "MEM" || c == "MEMLIMIT" || c == "MEMHIGH" || c == "SWAP" || c == "OOMKILLS") f |= kCgMemory;
    else if (c == "CPUTIME" || c == "NTHROTTLED") f |= kCgCpu;
    else if (c == "CPUQUOTA") f |= kCgCpuLimits;
    else if (c == "PIDS" || c == "PIDSLIMIT") f |= kCgPids;
    else if (c == "IOREAD" || c == "IOWRITE") f |= kCgIoBytes;
  }
  return f;
}

struct Builder {
  const Snapshot& s;
  const CgroupHierarchyTree& t;
  bool all;
  unsigned fields;
  CgroupReader* reader;
  std::vector<std::size_t> tasks;  // per node: processes in its subtree (empty subtrees are hidden)

  std::size_t count(std::size_t i) {
    std::size_t n = t.nodes[i].pids.size();
    for (auto c : t.nodes[i].children) n += count(c);
    return tasks[i] = n;
  }

  Row row(std::size_t i, bool is_root) {
    const CgroupNode& n = t.nodes[i];
    Row r;
    r.label = is_root ? n.path : std::string(n.name());
    r.style = Style::cgroup;
    r.ref.cgroup = n.path;
    // Processes whose /proc/PID/cgroup was refused are missing from every count.
    r.cells["NPROCS"] = partial_cell(number_cell(n.pids.size()), s.stats.cgroup_partial());
    r.cells["CGROUP"] = text_cell(n.path);
    r.json = {{"path", n.path}, {"pids", n.pids}, {"inode", n.inode}};
    if (fields && reader) {
      // Readings from the hierarchy the rows' membership comes from, never from another
      // hierarchy's cgroup of the same name (on a hybrid host those hold other processes).
      auto h = reader->open_in(t.hierarchy, n.path);
      CgroupReadings rd = reader->read(h, fields);
      reader->close(h);
      r.cells["MEM"] = bytes_cell(rd.memory_current);
      r.cells["MEMLIMIT"] = limit_cell(rd.memory_limit, true);
      r.cells["MEMHIGH"] = limit_cell(rd.memory_high, true);
      r.cells["SWAP"] = bytes_cell(rd.swap_current);
      r.cells["OOMKILLS"] = number_cell(rd.oom_kills);
      r.cells["CPUTIME"] = decimal_cell(rd.cpu_usage_ns ? std::optional<double>(static_cast<double>(*rd.cpu_usage_ns) / 1e9)
                                                        : std::nullopt);
      r.cells["NTHROTTLED"] = number_cell(rd.cpu_throttled_periods);
      if (rd.cpu_quota_us.is_unlimited()) r.cells["CPUQUOTA"] = Cell(std::string("max"));
      else if (auto q = rd.cpu_quota_us.get(); q && rd.cpu_period_us && *rd.cpu_period_us)
        r.cells["CPUQUOTA"] = decimal_cell(static_cast<double>(*q) / static_cast<double>(*rd.cpu_period_us));
      else r.cells["CPUQUOTA"] = unknown_cell();
      r.cells["PIDS"] = number_cell(rd.pids_current);
      r.cells["PIDSLIMIT"] = limit_cell(rd.pids_limit, false);
      r.cells["IOREAD"] = bytes_cell(rd.io_read_bytes);
      r.cells["IOWRITE"] = bytes_cell(rd.io_write_bytes);
    }
    for (pid_t pid : n.pids)
      if (const Process* p = s.process(pid)) {
        Row m;
        m.label = std::to_string(p->pid) + " " + p->command();
        m.style = Style::process;
        m.member = true;
        r.children.push_back(std::move(m));
      }
    for (auto c : n.children)
      if (all || tasks[c] > 0) r.children.push_back(row(c, false));
    return r;
  }
};

}  // namespace

std::vector<Row> build_cgroup_tree(const BuildArgs& a) {
  const Snapshot& s = a.snap;
  const CgroupTree& ct = s.cgroup_tree;
  const CgroupHierarchyTree* t = a.hierarchy.empty() ? ct.primary() : ct.by_name(a.hierarchy);
  if (!t) {
    if (a.hierarchy.empty()) throw std::invalid_argument("no cgroup hierarchy is mounted");
    throw std::invalid_argument("no cgroup hierarchy '" + a.hierarchy + "'");
  }
  if (t->nodes.empty()) throw std::invalid_argument("cgroup hierarchy cannot be read");
  const auto& h = ct.layout.hierarchies[t->hierarchy];
  std::size_t start = 0;
  if (!a.root.empty()) {
    std::string path = a.root;
    if (path.front() != '/') {
      if (path.find_first_not_of("0123456789") != std::string::npos)
        throw std::invalid_argument("root must be a cgroup path or a pid: '" + a.root + "'");
      const Process* p = s.process(static_cast<pid_t>(std::strtol(path.c_str(), nullptr, 10)));
      if (!p) throw std::invalid_argument("no process " + a.root);
      path.clear();
      for (const auto& l : p->cgroups)
        if (h.v2 ? (l.hierarchy_id == 0 && l.controllers.empty()) : l.hierarchy_id == h.id) path = l.path;
      if (path.empty()) throw std::invalid_argument("process " + a.root + " has no cgroup in " + h.name);
    }
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    auto i = t->find_index(path);
    if (!i) throw std::invalid_argument("no cgroup " + path + " in " + h.name);
    start = *i;
  }
  unsigned fields = fields_for(a.columns);
  std::unique_ptr<CgroupReader> reader;
  if (fields) reader = std::make_unique<CgroupReader>(ct.layout, s.root);
  Builder b{s, *t, a.all, fields, reader.get(), std::vector<std::size_t>(t->nodes.size(), 0)};
  b.count(start);
  return {b.row(start, true)};
}

}  // namespace nsview::tree
