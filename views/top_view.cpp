#include "top_view.hpp"
#include "usage_columns.hpp"

#include "format.hpp"
#include "json_writer.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <strings.h>

namespace nsview::top {

using nsinspect::Limit;
using nsinspect::UsageGroup;
using nsinspect::UsageRow;

const std::vector<Column>& columns() {
  static const std::vector<Column> cols = [] {
    std::vector<Column> v = {
        view_column("ID", Unit::text, "identity: container/pod id, cgroup path, TYPE:INODE, pid"),
        view_column("NAME", Unit::text, "container or pod name, cgroup path, TYPE:[INODE], command"),
        view_column("CGROUP", Unit::text, "primary cgroup path"),
        view_column("CONTAINER", Unit::text, "container name"),
        view_column("POD", Unit::text, "pod name"),
        view_column("ENGINE", Unit::text, "container engine"),
        view_column("PID", Unit::id, "process; container init; namespace lowest pid", JsonType::number),
        view_column("NPROCS", Unit::count, "processes in the row", JsonType::number),
        view_column("DEPTH", Unit::count, "cgroup depth below the shown root", JsonType::number),
        view_column("CPU", Unit::percent, "cpu % (100 = one core)", JsonType::number, "cpu_pct"),
        mem_column(),
        mem_limit_column(),
        view_column("MEMPCT", Unit::percent, "memory % of the limit", JsonType::number, "mem_pct"),
        view_column("IOR", Unit::bytes_per_s, "bytes read per second", JsonType::number, "io_read_bps"),
        view_column("IOW", Unit::bytes_per_s, "bytes written per second", JsonType::number, "io_write_bps"),
        pids_column(),
        pids_limit_column(),
        view_column("THROTTLED", Unit::percent, "% of cpu periods throttled", JsonType::number, "throttled_pct"),
        view_column("OOM", Unit::count, "OOM kills since the previous sample", JsonType::number, "oom_kills"),
        view_column("PSI-CPU", Unit::percent, "cpu pressure some avg10 %", JsonType::number, "psi_cpu_some"),
        view_column("PSI-MEM", Unit::percent, "memory pressure some avg10 %", JsonType::number, "psi_mem_some"),
        view_column("PSI-IO", Unit::percent, "io pressure some avg10 %", JsonType::number, "psi_io_some"),
    };
    // Long text columns may be cut to the terminal's width.
    for (int c : {T_ID, T_NAME, T_CGROUP, T_CONTAINER}) v[c].trunc = true;
    return v;
  }();
  return cols;
}

std::vector<int> default_columns(UsageGroup g) {
  switch (g) {
    case UsageGroup::container:
      return {T_NAME, T_POD, T_PID, T_NPROCS, T_CPU, T_MEM, T_MEMPCT, T_IOR, T_IOW, T_PIDS, T_THROTTLED, T_OOM};
    case UsageGroup::pod: return {T_NAME, T_NPROCS, T_CPU, T_MEM, T_MEMPCT, T_IOR, T_IOW, T_PIDS, T_OOM};
    case UsageGroup::cgroup: return {T_NAME, T_NPROCS, T_CPU, T_MEM, T_IOR, T_IOW, T_PIDS};
    case UsageGroup::ns: return {T_NAME, T_PID, T_NPROCS, T_CONTAINER, T_POD, T_CPU, T_MEM, T_IOR, T_IOW, T_PIDS};
    case UsageGroup::process: return {T_PID, T_NAME, T_CONTAINER, T_CPU, T_MEM, T_IOR, T_IOW, T_PIDS};
  }
  return {T_NAME, T_CPU, T_MEM};
}

int column_index(std::string_view name) {
  const auto& cols = columns();
  for (std::size_t i = 0; i < cols.size(); ++i)
    if (cols[i].name.size() == name.size() && strncasecmp(cols[i].name.c_str(), name.data(), name.size()) == 0)
      return static_cast<int>(i);
  return -1;
}

std::vector<int> parse_columns(const std::string& list, UsageGroup g) {
  std::vector<int> out;
  std::string_view rest = list;
  if (!rest.empty() && rest.front() == '+') {
    out = default_columns(g);
    rest.remove_prefix(1);
  }
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto name = rest.substr(0, comma);
    if (!name.empty()) {
      int c = column_index(name);
      if (c < 0) throw std::invalid_argument("unknown column '" + std::string(name) + "'");
      out.push_back(c);
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (out.empty()) throw std::invalid_argument("no columns given");
  return out;
}

bool is_numeric(int col) { return col >= T_PID; }

bool is_partial(const UsageRow& r, int col) {
  if (!r.partial) return false;
  switch (col) {
    case T_NPROCS: case T_CPU: case T_MEM: case T_IOR: case T_IOW: case T_PIDS: return true;
    default: return false;
  }
}

namespace {
std::optional<double> opt(std::optional<uint64_t> v) { return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt; }
std::optional<double> limit(const Limit& l) { return opt(l.get()); }

}  // namespace

std::optional<double> number_of(const UsageRow& r, int col) {
  switch (col) {
    case T_PID: return r.pid > 0 ? std::optional<double>(r.pid) : std::nullopt;
    case T_NPROCS: return static_cast<double>(r.nprocs);
    case T_DEPTH: return static_cast<double>(r.depth);
    case T_CPU: return r.cpu_pct;
    case T_MEM: return opt(r.mem_bytes);
    case T_MEMLIMIT: return limit(r.mem_limit);
    case T_MEMPCT: return r.mem_pct;
    case T_IOR: return r.io_read_bps;
    case T_IOW: return r.io_write_bps;
    case T_PIDS: return opt(r.pids);
    case T_PIDSLIMIT: return limit(r.pids_limit);
    case T_THROTTLED: return r.throttled_pct;
    case T_OOM: return opt(r.oom_kills);
    case T_PSI_CPU: return r.psi_cpu_some;
    case T_PSI_MEM: return r.psi_mem_some;
    case T_PSI_IO: return r.psi_io_some;
    default: return std::nullopt;
  }
}

static const std::string& text_of(const UsageRow& r, int col) {
  static const std::string none;
  switch (col) {
    case T_ID: return r.id;
    case T_NAME: return r.name;
    case T_CGROUP: return r.cgroup;
    case T_CONTAINER: return r.container;
    case T_POD: return r.pod;
    case T_ENGINE: return r.engine;
    default: return none;
  }
}

Cell cell(const UsageRow& r, int col) {
  Cell c;
  switch (col) {
    case T_CPU: case T_MEMPCT: case T_THROTTLED: case T_PSI_CPU: case T_PSI_MEM: case T_PSI_IO:
      c = percent_cell(number_of(r, col));
      break;
    case T_MEM: c = bytes_cell(r.mem_bytes); break;
    case T_MEMLIMIT: c = limit_cell(r.mem_limit, true); break;
    case T_PIDSLIMIT: c = limit_cell(r.pids_limit, false); break;
    case T_IOR: c = rate_cell(r.io_read_bps); break;
    case T_IOW: c = rate_cell(r.io_write_bps); break;
    default: {
      if (!is_numeric(col)) return text_cell(text_of(r, col));
      auto v = number_of(r, col);
      c = number_cell(v ? std::optional<uint64_t>(static_cast<uint64_t>(*v)) : std::nullopt);
    }
  }
  return partial_cell(c, is_partial(r, col) && !c.unknown);
}

void sort_rows(std::vector<const UsageRow*>& rows, int col, bool reverse) {
  if (is_numeric(col)) {
    std::stable_sort(rows.begin(), rows.end(), [&](const UsageRow* a, const UsageRow* b) {
      auto x = number_of(*a, col), y = number_of(*b, col);
      if (!x || !y) return x.has_value() && !y.has_value();  // unknown last
      return reverse ? *x < *y : *x > *y;
    });
  } else {
    std::stable_sort(rows.begin(), rows.end(), [&](const UsageRow* a, const UsageRow* b) {
      const auto& x = text_of(*a, col);
      const auto& y = text_of(*b, col);
      if (x.empty() != y.empty()) return y.empty();
      return reverse ? y < x : x < y;
    });
  }
}

namespace {
nlohmann::json jnum(std::optional<double> v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }
nlohmann::json jint(std::optional<uint64_t> v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }
nlohmann::json jlimit(const Limit& l) {
  if (l.is_unlimited()) return "max";
  return jint(l.get());
}
nlohmann::json jstr(const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }
}  // namespace

nlohmann::json row_json(const UsageRow& r, UsageGroup g) {
  nlohmann::json j = nlohmann::json::object();
  // Keys of column values are the columns' own, so they are the same in every view.
  auto key = [](int col) { return columns()[col].json_key(); };
  j[key(T_ID)] = r.id;
  j[key(T_NAME)] = r.name;
  j[key(T_CGROUP)] = jstr(r.cgroup);
  j[key(T_CONTAINER)] = jstr(r.container);
  j[key(T_POD)] = jstr(r.pod);
  j[key(T_ENGINE)] = jstr(r.engine);
  j[key(T_PID)] = r.pid > 0 ? nlohmann::json(r.pid) : nlohmann::json(nullptr);
  j[key(T_NPROCS)] = r.nprocs;
  if (g == UsageGroup::cgroup) j[key(T_DEPTH)] = r.depth;
  j[key(T_CPU)] = jnum(r.cpu_pct);
  j[key(T_MEM)] = jint(r.mem_bytes);
  j[key(T_MEMLIMIT)] = jlimit(r.mem_limit);
  j[key(T_MEMPCT)] = jnum(r.mem_pct);
  j[key(T_IOR)] = jnum(r.io_read_bps);
  j[key(T_IOW)] = jnum(r.io_write_bps);
  j[key(T_PIDS)] = jint(r.pids);
  j[key(T_PIDSLIMIT)] = jlimit(r.pids_limit);
  j[key(T_THROTTLED)] = jnum(r.throttled_pct);
  j[key(T_OOM)] = jint(r.oom_kills);
  j[key(T_PSI_CPU)] = jnum(r.psi_cpu_some);
  j["psi_cpu_full"] = jnum(r.psi_cpu_full);
  j[key(T_PSI_MEM)] = jnum(r.psi_mem_some);
  j["psi_mem_full"] = jnum(r.psi_mem_full);
  j[key(T_PSI_IO)] = jnum(r.psi_io_some);
  j["psi_io_full"] = jnum(r.psi_io_full);
  // Which hierarchy each kind of value came from, and (container rows) the hierarchies whose
  // cgroup of the container's process was not the container's and so was not read.
  if (g == UsageGroup::container || g == UsageGroup::pod || g == UsageGroup::cgroup)
    j["sources"] = {{"cpu", jstr(r.sources.cpu)}, {"memory", jstr(r.sources.memory)}, {"io", jstr(r.sources.io)},
                    {"pids", jstr(r.sources.pids)}, {"pressure", jstr(r.sources.pressure)}};
  if (g == UsageGroup::container) {
    auto& o = j["outside_cgroups"] = nlohmann::json::object();
    for (const auto& x : r.outside) o[x.hierarchy] = x.path;
  }
  if (r.partial)  // lower bounds: the sums miss members that could not be read
    for (int c : {T_NPROCS, T_CPU, T_MEM, T_IOR, T_IOW, T_PIDS})
      if (!j[key(c)].is_null()) j[key(c) + "_partial"] = true;
  return j;
}

std::string json_line(const nsinspect::UsageSample& s, const std::vector<const UsageRow*>& rows) {
  nlohmann::json j = nlohmann::json::object();
  j["time"] = s.time;
  j["interval_s"] = s.interval_s;
  j["group"] = std::string(nsinspect::usage_group_name(s.group));
  auto& a = j["rows"] = nlohmann::json::array();
  for (const auto* r : rows) a.push_back(row_json(*r, s.group));
  return json_text(j, -1);
}

}  // namespace nsview::top
