// CgroupReader: decides once which hierarchy supplies which field, keeps one directory fd
// per (cgroup, supplying hierarchy) open, and on each read opens only the requested files.
#include <cerrno>
#include <cstring>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/cgroups_internal.hpp"
#include "cgroups/limit_watch.hpp"
#include "cgroups/readings_internal.hpp"
#include "discovery/fs_util.hpp"

namespace nsinspect {

namespace detail {

namespace {
// Reads a whole open file from offset 0 into buf. Returns 0 or an errno value.
int pread_all(int fd, std::string& buf, bool one_record) {
  buf.clear();
  char chunk[16384];
  off_t off = 0;
  for (;;) {
    ssize_t n = ::pread(fd, chunk, sizeof chunk, off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return 0;
    buf.append(chunk, static_cast<std::size_t>(n));
    off += n;
    // A one-record seq_file returns all its text at once, so a short read is the end and
    // the pread that would only return 0 is saved. Multi-record files (cgroup.procs) stop
    // at each full page of the kernel's buffer (4095 bytes of 6000 measured): a read that
    // left room for another record (a pid line is at most 8 bytes) in the smallest page
    // there is ended at the end of the file.
    if (one_record && static_cast<std::size_t>(n) < sizeof chunk) return 0;
    if (!one_record && n + 16 < 4096) return 0;
  }
}
}  // namespace

bool CgFiles::read(const char* name, bool one_record, bool keep_open) {
  if (cache && keep_open)
    for (auto& [n, fd] : *cache)
      if (n == name || std::strcmp(n, name) == 0) {
        int err = pread_all(fd.get(), buf, one_record);
        if (err == 0) return true;
        if (is_vanished(err)) gone = true;
        else failed = true;
        return false;
      }
  Fd fd(::openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) {
    if (is_vanished(errno)) gone = true;
    else failed = true;
    return false;
  }
  int err = pread_all(fd.get(), buf, one_record);
  if (err) {
    if (is_vanished(err)) gone = true;
    else failed = true;
    return false;
  }
  if (keep_open && cache && budget && *budget > 0) {
    --*budget;
    cache->emplace_back(name, std::move(fd));
  }
  return true;
}

}  // namespace detail

using detail::CgSource;
using detail::Fd;

namespace {

struct Task {
  CgSource source;
  std::size_t hierarchy;
  unsigned fields;  // which requested fields make this task run
  // A fallback: runs instead of the tasks of this hierarchy when a handle cannot read the
  // cgroup there (outside the container's own cgroup, or no such directory); -1 otherwise.
  int instead_of = -1;
};

constexpr unsigned kLimitFields = kCgCpuLimits | kCgMemoryLimits | kCgPidsLimit;

// The limits of a read, kept for the next ones (see limit_watch.hpp).
struct KeptLimits {
  Limit cpu_quota_us, memory_limit, memory_high, pids_limit;
  std::optional<uint64_t> cpu_period_us, cpu_weight, cpu_shares;

  void take(const CgroupReadings& r) {
    cpu_quota_us = r.cpu_quota_us;
    memory_limit = r.memory_limit;
    memory_high = r.memory_high;
    pids_limit = r.pids_limit;
    cpu_period_us = r.cpu_period_us;
    cpu_weight = r.cpu_weight;
    cpu_shares = r.cpu_shares;
  }
  void give(unsigned fields, CgroupReadings& r) const {
    if (fields & kCgCpuLimits) {
      r.cpu_quota_us = cpu_quota_us;
      r.cpu_period_us = cpu_period_us;
      r.cpu_weight = cpu_weight;
      r.cpu_shares = cpu_shares;
    }
    if (fields & kCgMemoryLimits) {
      r.memory_limit = memory_limit;
      r.memory_high = memory_high;
    }
    if (fields & kCgPidsLimit) r.pids_limit = pids_limit;
  }
};

struct HandleData {
  bool used = false;
  std::vector<Fd> dirs;        // per hierarchy; invalid when not opened / not present
  std::vector<std::string> paths;  // per hierarchy: the directory path (fallback when out of fds)
  std::vector<bool> gone;      // per hierarchy: the directory vanished
  std::vector<detail::FileCache> files;  // per hierarchy: files kept open
  std::vector<bool> outside;   // per hierarchy: the process's cgroup is not the container's
  std::vector<std::string> outside_path;  // per hierarchy: that cgroup
  std::vector<bool> fallback;  // per hierarchy: its fields come from its fallback tasks
  std::vector<bool> opened;    // per hierarchy: a directory was looked up (needed or fallback)
  std::vector<int> wds;        // per hierarchy: its LimitWatch watch, -1 none
  unsigned kept_fields = 0;    // the limit fields in `kept`, 0: none kept
  KeptLimits kept;
};

bool is_v1(CgSource s) { return s >= CgSource::v1_cpuacct; }

}  // namespace

struct CgroupReader::Impl {
  CgroupLayout layout;
  std::string root;
  std::vector<Task> tasks;
  std::vector<bool> needed;  // per hierarchy: supplies some field
  std::vector<HandleData> handles;
  std::vector<Handle> free_list;
  std::string buf;
  long file_budget = 0;  // file fds the reader may keep open (half the fd limit)
  bool pid_lists_expired = false;  // see CgroupReader::set_pid_lists_expired
  std::unique_ptr<detail::LimitWatch> limit_watch;  // see CgroupReader::set_keep_limits
  std::vector<Handle> changed;
  std::vector<detail::LimitWatch::Dropped> dropped;

  // Forgets the limits of handles whose directories had a limit written (or are gone).
  void poll_limits() {
    changed.clear();
    dropped.clear();
    limit_watch->poll(changed, dropped);
    for (Handle h : changed)
      if (h < handles.size()) handles[h].kept_fields = 0;
    for (const auto& x : dropped) {
      if (x.handle >= handles.size()) continue;
      auto& d = handles[x.handle];
      d.kept_fields = 0;
      for (int& wd : d.wds)
        if (wd == x.wd) wd = -1;
    }
  }

  // Watches every directory the limit fields are read from; false when one cannot be.
  bool watch_limit_dirs(Handle h, HandleData& d, unsigned fields) {
    for (const auto& t : tasks) {
      if (!(t.fields & fields & kLimitFields) || d.gone[t.hierarchy] || d.outside[t.hierarchy]) continue;
      if (t.instead_of >= 0 || d.fallback[t.hierarchy]) continue;  // no limits come from fallbacks
      int& wd = d.wds[t.hierarchy];
      if (wd < 0) wd = limit_watch->add(d.dirs[t.hierarchy].get(), h);
      if (wd < 0) return false;
    }
    return true;
  }

  // Which hierarchy supplies which fields; only hierarchies that supply some of `fields`
  // get directories opened.
  void plan(unsigned fields) {
    needed.assign(layout.hierarchies.size(), false);
    auto add = [&](CgSource s, int h, unsigned supplies) {
      if (h < 0) return false;
      if (supplies & fields) {
        tasks.push_back({s, static_cast<std::size_t>(h), supplies});
        needed[static_cast<std::size_t>(h)] = true;
      }
      return true;
    };
    int v2 = layout.index_of_name("unified");
    auto v2_has = [&](std::string_view c) { return v2 >= 0 && (layout.mode == CgroupMode::unified || layout.hierarchies[static_cast<std::size_t>(v2)].has(c)); };
    auto v1_of = [&](std::string_view c) -> int {
      for (std::size_t i = 0; i < layout.hierarchies.size(); ++i)
        if (!layout.hierarchies[i].v2 && layout.hierarchies[i].has(c)) return static_cast<int>(i);
      return -1;
    };
    // CPU usage: v2 with the controller, else v1 cpuacct, else v2's always-present core stat.
    if (v2_has("cpu")) {
      add(CgSource::v2_cpu, v2, kCgCpu);
      add(CgSource::v2_cpu_limits, v2, kCgCpuLimits);
    } else {
      const int cpuacct = v1_of("cpuacct");
      if (!add(CgSource::v1_cpuacct, cpuacct, kCgCpuUsage | kCgCpuTimes))
        add(CgSource::v2_cpu_usage, v2, kCgCpuUsage | kCgCpuTimes);
      else if (v2 >= 0 && (fields & (kCgCpuUsage | kCgCpuTimes)))
        tasks.push_back({CgSource::v2_cpu_usage, static_cast<std::size_t>(v2), kCgCpuUsage | kCgCpuTimes, cpuacct});
      add(CgSource::v1_cpu_stat, v1_of("cpu"), kCgCpuThrottle);
      add(CgSource::v1_cpu_limits, v1_of("cpu"), kCgCpuLimits);
    }
    if (v2_has("memory")) {
      add(CgSource::v2_memory, v2, kCgMemory);
      add(CgSource::v2_memory_stat, v2, kCgMemoryStat);
    } else {
      add(CgSource::v1_memory, v1_of("memory"), kCgMemory);
      add(CgSource::v1_memory_stat, v1_of("memory"), kCgMemoryStat);
    }
    if (v2_has("io")) add(CgSource::v2_io, v2, kCgIo);
    else add(CgSource::v1_blkio, v1_of("blkio"), kCgIo);
    if (v2_has("pids")) add(CgSource::v2_pids, v2, kCgPids);
    else add(CgSource::v1_pids, v1_of("pids"), kCgPids);
    if (v2_has("pids") || v1_of("pids") < 0) add(CgSource::procs, v2, kCgProcs);
    else add(CgSource::v1_procs, v1_of("pids"), kCgProcs);
    add(CgSource::v2_pressure, v2, kCgPressure);
    add(CgSource::v2_state, v2, kCgState);
  }

  std::string mount_dir(const CgroupHierarchy& h) const { return (root == "/" ? std::string() : root) + h.mount_point; }

  Handle alloc() {
    Handle h;
    if (!free_list.empty()) {
      h = free_list.back();
      free_list.pop_back();
    } else {
      h = handles.size();
      handles.emplace_back();
    }
    auto& d = handles[h];
    d.used = true;
    d.dirs.clear();
    d.dirs.resize(layout.hierarchies.size());
    d.paths.assign(layout.hierarchies.size(), std::string());
    d.gone.assign(layout.hierarchies.size(), false);
    d.files.clear();
    d.files.resize(layout.hierarchies.size());
    d.outside.assign(layout.hierarchies.size(), false);
    d.outside_path.assign(layout.hierarchies.size(), std::string());
    d.fallback.assign(layout.hierarchies.size(), false);
    d.opened.assign(layout.hierarchies.size(), false);
    d.wds.assign(layout.hierarchies.size(), -1);
    d.kept_fields = 0;
    return h;
  }

  // After the needed directories are open: a hierarchy that cannot be read for this handle
  // hands its fields to its fallback tasks, whose directory (path_in(i), "" for none) opens now.
  template <class PathIn>
  void plan_fallbacks(HandleData& d, PathIn path_in) {
    for (const auto& t : tasks) {
      if (t.instead_of < 0) continue;
      const auto from = static_cast<std::size_t>(t.instead_of);
      if (!d.gone[from] && !d.outside[from]) continue;
      if (d.outside[t.hierarchy] || (d.opened[t.hierarchy] && d.gone[t.hierarchy])) continue;
      d.fallback[from] = true;
      if (!d.opened[t.hierarchy]) {
        std::string p = path_in(t.hierarchy);
        if (p.empty()) d.gone[t.hierarchy] = true;
        else open_dir(d, t.hierarchy, p);
      }
    }
  }

  void open_dir(HandleData& d, std::size_t i, std::string_view host_path) {
    d.opened[i] = true;
    const auto& hier = layout.hierarchies[i];
    auto rel = detail::cgroup_dir_in_mount(hier, host_path);
    if (!rel) {
      d.gone[i] = true;
      return;
    }
    d.paths[i] = mount_dir(hier) + "/" + *rel;
    d.dirs[i] = detail::open_dir_at(AT_FDCWD, d.paths[i].c_str());
    if (!d.dirs[i]) {
      if (errno == EMFILE || errno == ENFILE) return;  // read through the path instead
      d.gone[i] = true;
    }
  }
};

CgroupReader::CgroupReader(CgroupLayout layout, std::string root, unsigned fields) : impl_(std::make_unique<Impl>()) {
  impl_->layout = std::move(layout);
  impl_->root = std::move(root);
  impl_->plan(fields);
  rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
    impl_->file_budget = static_cast<long>(rl.rlim_cur / 2);
  else
    impl_->file_budget = 4096;
}

CgroupReader::~CgroupReader() = default;

const CgroupLayout& CgroupReader::layout() const { return impl_->layout; }

CgroupReader::Handle CgroupReader::open(std::string_view path) {
  Handle h = impl_->alloc();
  auto& d = impl_->handles[h];
  for (std::size_t i = 0; i < impl_->needed.size(); ++i)
    if (impl_->needed[i]) impl_->open_dir(d, i, path);
  impl_->plan_fallbacks(d, [&](std::size_t) { return std::string(path); });
  return h;
}

namespace {
// The process's path in hierarchy h; nullptr when it has no line for it.
const std::string* line_path(const CgroupHierarchy& h, const std::vector<procfs::CgroupLine>& lines) {
  for (const auto& l : lines)
    // A v1 id of 0 is unknown (not in /proc/self/cgroup), never the v2 line's.
    if (h.v2 ? (l.hierarchy_id == 0 && l.controllers.empty()) : (h.id != 0 && l.hierarchy_id == h.id)) return &l.path;
  return nullptr;
}
}  // namespace

CgroupReader::Handle CgroupReader::open(const std::vector<procfs::CgroupLine>& lines) { return open_own(lines, ""); }

CgroupReader::Handle CgroupReader::open_own(const std::vector<procfs::CgroupLine>& lines, std::string_view own) {
  while (own.size() > 1 && own.back() == '/') own.remove_suffix(1);
  const bool any = own.empty() || own == "/";
  Handle h = impl_->alloc();
  auto& d = impl_->handles[h];
  const auto& L = impl_->layout;
  // The directory to read in hierarchy i; "" when the process has none there or it is outside.
  auto path_in = [&](std::size_t i) -> std::string {
    const std::string* p = line_path(L.hierarchies[i], lines);
    if (!p) return {};
    if (any) return *p;
    if (p->compare(0, own.size(), own) == 0 && (p->size() == own.size() || (*p)[own.size()] == '/'))
      return std::string(own);
    d.outside[i] = true;
    d.outside_path[i] = *p;
    return {};
  };
  for (std::size_t i = 0; i < impl_->needed.size(); ++i) {
    if (!impl_->needed[i]) continue;
    std::string p = path_in(i);
    if (p.empty()) d.gone[i] = !d.outside[i];
    else impl_->open_dir(d, i, p);
  }
  impl_->plan_fallbacks(d, path_in);
  return h;
}

CgroupReader::Handle CgroupReader::open_in(std::size_t hierarchy, std::string_view path) {
  Handle h = impl_->alloc();
  auto& d = impl_->handles[h];
  for (std::size_t i = 0; i < impl_->needed.size(); ++i) {
    if (i == hierarchy && impl_->needed[i]) impl_->open_dir(d, i, path);
    else d.gone[i] = true;
  }
  return h;
}

void CgroupReader::close(Handle h) {
  if (h >= impl_->handles.size() || !impl_->handles[h].used) return;
  auto& d = impl_->handles[h];
  d.used = false;
  if (impl_->limit_watch)
    for (int wd : d.wds)
      if (wd >= 0) impl_->limit_watch->remove(wd, h);
  d.wds.clear();
  d.dirs.clear();
  for (auto& f : d.files) impl_->file_budget += static_cast<long>(f.size());
  d.files.clear();
  impl_->free_list.push_back(h);
}

void CgroupReader::read(Handle h, unsigned fields, CgroupReadings& out) {
  // memory.stat's keys keep their storage from the last read into `out` (read_memory_stat
  // writes over them); cleared below when memory.stat is not read this time.
  auto stat = std::move(out.memory_stat);
  out = CgroupReadings{};
  out.memory_stat = std::move(stat);
  bool stat_read = false;
  struct ClearStat {
    CgroupReadings& r;
    const bool& read;
    ~ClearStat() { if (!read) r.memory_stat.clear(); }
  } clear_stat{out, stat_read};
  if (h >= impl_->handles.size() || !impl_->handles[h].used) return;
  auto& d = impl_->handles[h];
  // Limits kept from an earlier read stand in for their files while no write was seen; a
  // read that has to read them keeps them when their directories are watched (the watches
  // are added first, so a write after the read is seen).
  const unsigned limits = fields & kLimitFields;
  unsigned kept = 0;
  bool keep = false;
  if (limits && impl_->limit_watch) {
    impl_->poll_limits();
    if ((d.kept_fields & limits) == limits) kept = limits;
    else keep = impl_->watch_limit_dirs(h, d, fields);
  }
  fields &= ~kept;
  bool failed = false;
  for (const auto& t : impl_->tasks) {
    if (!(t.fields & fields) || d.gone[t.hierarchy] || d.outside[t.hierarchy]) continue;
    if (t.instead_of >= 0 ? !d.fallback[static_cast<std::size_t>(t.instead_of)] : d.fallback[t.hierarchy]) continue;
    Fd temp;
    int dirfd = d.dirs[t.hierarchy].get();
    if (dirfd < 0) {  // opened by path when fds ran out
      temp = detail::open_dir_at(AT_FDCWD, d.paths[t.hierarchy].c_str());
      if (!temp) continue;
      dirfd = temp.get();
    }
    detail::CgFiles f{dirfd, impl_->buf, temp ? nullptr : &d.files[t.hierarchy], &impl_->file_budget};
    f.want = fields;
    f.pid_lists_expired = impl_->pid_lists_expired;
    const bool had_cpu = out.cpu_usage_ns.has_value(), had_mem = out.memory_current.has_value(),
               had_io = out.io_read_bytes.has_value(), had_pids = out.pids_current.has_value(),
               had_psi = out.cpu_pressure.some.has_value();
    if (t.source == CgSource::v1_memory_stat || t.source == CgSource::v2_memory_stat) stat_read = true;
    if (is_v1(t.source)) detail::read_v1(t.source, f, out);
    else detail::read_v2(t.source, f, out);
    const int hi = static_cast<int>(t.hierarchy);
    if (!had_cpu && out.cpu_usage_ns) out.from.cpu = hi;
    if (!had_mem && out.memory_current) out.from.memory = hi;
    if (!had_io && out.io_read_bytes) out.from.io = hi;
    if (!had_pids && out.pids_current) out.from.pids = hi;
    if (!had_psi && out.cpu_pressure.some) out.from.pressure = hi;
    // A missing file may just be a controller that is not enabled; a removed cgroup has
    // lost cgroup.procs too.
    if (f.gone && faccessat(dirfd, "cgroup.procs", F_OK, 0) != 0 && detail::is_vanished(errno))
      d.gone[t.hierarchy] = true;
    failed = failed || f.failed;
  }
  if (kept) {
    d.kept.give(kept, out);
  } else if (keep && !failed) {
    d.kept.take(out);
    d.kept_fields = limits;
  }
}

void CgroupReader::set_keep_limits(bool keep) {
  if (keep == static_cast<bool>(impl_->limit_watch)) return;
  for (auto& d : impl_->handles) {
    d.wds.assign(d.wds.size(), -1);
    d.kept_fields = 0;
  }
  if (keep) impl_->limit_watch = std::make_unique<detail::LimitWatch>();
  else impl_->limit_watch.reset();
}

void CgroupReader::set_pid_lists_expired(bool expired) { impl_->pid_lists_expired = expired; }

bool CgroupReader::vanished(Handle h) const {
  if (h >= impl_->handles.size() || !impl_->handles[h].used) return true;
  const auto& d = impl_->handles[h];
  for (std::size_t i = 0; i < impl_->needed.size(); ++i)
    if (d.opened[i] && !d.gone[i]) return false;
  return true;
}

std::vector<CgroupReader::Outside> CgroupReader::outside(Handle h) const {
  std::vector<Outside> out;
  if (h >= impl_->handles.size() || !impl_->handles[h].used) return out;
  const auto& d = impl_->handles[h];
  for (std::size_t i = 0; i < d.outside.size(); ++i)
    if (d.outside[i]) out.push_back({i, d.outside_path[i]});
  return out;
}

bool CgroupReader::supplies(std::size_t hierarchy, unsigned fields) const {
  for (const auto& t : impl_->tasks)
    if (t.hierarchy == hierarchy && t.instead_of < 0 && (t.fields & fields)) return true;
  return false;
}

std::size_t CgroupReader::open_dirfds() const {
  std::size_t n = 0;
  for (const auto& d : impl_->handles)
    if (d.used)
      for (const auto& f : d.dirs) n += f ? 1 : 0;
  return n;
}

std::size_t CgroupReader::kept_limits() const {
  std::size_t n = 0;
  for (const auto& d : impl_->handles) n += d.used && d.kept_fields != 0;
  return n;
}

std::size_t CgroupReader::open_files() const {
  std::size_t n = 0;
  for (const auto& d : impl_->handles)
    if (d.used)
      for (const auto& f : d.files) n += f.size();
  return n;
}

}  // namespace nsinspect
