// The Sampler: builds the rows of a group from a snapshot, reads cgroup usage through one
// CgroupReader whose handles live as long as their row (keyed by id and directory inode, so
// a recreated cgroup starts a new history), and turns successive counters into rates.
#include "nsinspect/sampler.hpp"

#include <algorithm>
#include <ctime>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>

#include "cgroups/cgroups_internal.hpp"
#include "nsinspect/container_lookup.hpp"
#include "nsinspect/container_sources.hpp"
#include "sampler/cgroup_walk.hpp"
#include "sampler/rates.hpp"

namespace nsinspect {

using detail::Counters;

std::string_view usage_group_name(UsageGroup g) {
  switch (g) {
    case UsageGroup::container: return "container";
    case UsageGroup::pod: return "pod";
    case UsageGroup::cgroup: return "cgroup";
    case UsageGroup::ns: return "namespace";
    case UsageGroup::process: return "process";
  }
  return "?";
}

std::optional<UsageGroup> parse_usage_group(std::string_view s) {
  for (auto g : {UsageGroup::container, UsageGroup::pod, UsageGroup::cgroup, UsageGroup::ns, UsageGroup::process})
    if (s == usage_group_name(g)) return g;
  return std::nullopt;
}

namespace {

double now_of(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// What a row remembers between samples.
struct RowState {
  uint64_t sig = 0;  // directory inode(s) / process start time: a change starts a new history
  bool has_handle = false;
  CgroupReader::Handle handle = 0;
  Counters prev;
  double prev_time = 0;
  uint64_t gen = 0;  // last sample that saw the row
  std::optional<uint64_t> nprocs;  // container rows: cgroup.procs lines at the last sample
};

// A process's counters between samples (namespace group).
struct ProcState {
  uint64_t start_time = 0;
  Counters prev;
  uint64_t gen = 0;
};

uint64_t mix(uint64_t sig, uint64_t inode) { return sig * 1000003u ^ inode; }

}  // namespace

struct Sampler::Impl {
  SamplerOptions opt;
  std::unique_ptr<CgroupReader> reader;
  std::vector<CgroupHierarchy> reader_hierarchies;  // the layout the reader was built for
  std::unordered_map<std::string, RowState> rows;
  std::unordered_map<pid_t, ProcState> procs;
  uint64_t gen = 0;
  double last_time = -1;
  std::shared_ptr<const Snapshot> last_scan;  // cgroup, container, pod groups: labels between scans
  double last_scan_time = 0;                   // mono() of last_scan
  ScanMemo memo;                // what a rescan keeps from the one before
  double last_full_scan = 0;    // mono() of the last scan that kept no process's links
  bool scanned = false;
  CgroupReadings readings;  // reused
  long hz = sysconf(_SC_CLK_TCK);

  // The cgroup group also counts each cgroup's processes; the container group reads the count
  // to notice a process start or end without a /proc scan.
  unsigned read_fields() const {
    return opt.fields | (opt.group == UsageGroup::cgroup || opt.group == UsageGroup::container ? kCgProcs : 0u);
  }
  bool procs_changed = false;  // a container's cgroup.procs count changed in the last run()
  std::shared_ptr<CgroupReadingsByPath> kept;       // keep_readings: this run's
  const CgroupReadingsByPath* same = nullptr;       // cgroup group: readings to take

  double mono() const { return opt.clock ? opt.clock() : now_of(CLOCK_MONOTONIC); }

  void ensure_reader(const Snapshot& s) {
    const auto& h = s.cgroup_tree.layout.hierarchies;
    bool same = reader && h.size() == reader_hierarchies.size();
    for (std::size_t i = 0; same && i < h.size(); ++i)
      same = h[i].mount_point == reader_hierarchies[i].mount_point && h[i].ns_root == reader_hierarchies[i].ns_root;
    if (same) return;
    rows.clear();  // their handles belong to the old reader
    reader = std::make_unique<CgroupReader>(s.cgroup_tree.layout, s.root, read_fields());
    reader->set_keep_limits(true);  // the same cgroups every sample: limits only after a write
    reader_hierarchies = h;
  }

  // The row's state for this sample; a new signature drops the old history and handle.
  RowState& state(const std::string& id, uint64_t sig, bool& fresh) {
    auto [it, inserted] = rows.try_emplace(id);
    RowState& st = it->second;
    if (!inserted && st.sig != sig) {
      if (st.has_handle) reader->close(st.handle);
      st = RowState{};
      inserted = true;
    }
    fresh = inserted;
    st.sig = sig;
    st.gen = gen;
    return st;
  }

  // Rates against the previous counters of the row, then remember the current ones.
  void finish_row(UsageRow& row, RowState& st, bool fresh, const Counters& now, double t) {
    detail::apply_rates(row, fresh ? nullptr : &st.prev, now, t - st.prev_time);
    st.prev = now;
    st.prev_time = t;
  }

  void read_cgroup(RowState& st, bool fresh, auto open) {
    if (fresh || !st.has_handle) {
      st.handle = open();
      st.has_handle = true;
    }
    reader->read(st.handle, read_fields(), readings);
  }

  // Where the row's readings came from, by hierarchy name.
  void set_sources(UsageRow& row, const CgroupReadings& r) const {
    const auto& H = reader->layout().hierarchies;
    auto name = [&](int i) { return i >= 0 && static_cast<std::size_t>(i) < H.size() ? H[static_cast<std::size_t>(i)].name : std::string(); };
    row.sources = {name(r.from.cpu), name(r.from.memory), name(r.from.io), name(r.from.pids), name(r.from.pressure)};
  }

  // A cgroup directory's signature: from this sample's walk when it has the path (the
  // inodes of every hierarchy it walked, no system call), else the directory's inode in the
  // primary hierarchy (0 when it has none there).
  bool walk_current = false;  // merged is this sample's walk
  uint64_t dir_sig(const Snapshot& s, const std::string& path) const {
    if (walk_current)
      if (auto it = merged_index.find(path); it != merged_index.end()) return merged[it->second].sig;
    return dir_inode(s, path);
  }
  uint64_t dir_inode(const Snapshot& s, const std::string& path) const {
    const auto& L = s.cgroup_tree.layout;
    if (L.primary < 0) return 0;
    const auto& h = L.hierarchies[static_cast<std::size_t>(L.primary)];
    auto rel = detail::cgroup_dir_in_mount(h, path);
    if (!rel) return 0;
    std::string dir = detail::cgroup_mount_dir(s.root, h) + "/" + *rel;
    struct stat st;
    return ::stat(dir.c_str(), &st) == 0 ? st.st_ino : 0;
  }

  void container_rows(const Snapshot& s, double t, std::vector<UsageRow>& out) {
    if (opt.keep_readings) {
      kept = std::make_shared<CgroupReadingsByPath>();
      kept->fields = read_fields();
    }
    for (const auto& c : s.containers) {
      UsageRow row;
      row.id = container_key(c);  // NS/ID for containerd: twins in two namespaces stay apart
      row.name = display_name(c);
      row.cgroup = c.cgroup;
      row.container = row.name;
      if (const Pod* p = pod_of(s, c)) row.pod = p->name.empty() ? p->id.substr(0, 12) : p->name;
      else if (c.pod) row.pod = c.pod->name;
      row.engine = c.engine;
      row.pid = c.init_pid.value_or(0);
      row.nprocs = c.pids.size();
      bool fresh;
      RowState& st = state(container_key(c), mix(dir_sig(s, c.cgroup), 0), fresh);
      // The container's cgroup in each hierarchy where one of its processes is at or below
      // it; a hierarchy where it is not is someone else's cgroup and is never read.
      const Process* p = c.init_pid ? s.process(*c.init_pid) : nullptr;
      if (!p && !c.pids.empty()) p = s.process(c.pids.front());
      read_cgroup(st, fresh, [&] { return p && !p->cgroups.empty() ? reader->open_own(p->cgroups, c.cgroup) : reader->open(c.cgroup); });
      if (readings.nprocs) {
        procs_changed = procs_changed || (!fresh && st.nprocs && *st.nprocs != *readings.nprocs);
        st.nprocs = readings.nprocs;
      }
      // The container ended (its cgroup is gone): the next sample scans again.
      if (reader->vanished(st.handle)) procs_changed = true;
      for (auto& o : reader->outside(st.handle))
        row.outside.push_back({reader->layout().hierarchies[o.hierarchy].name, std::move(o.path)});
      detail::fill_levels(row, readings);
      set_sources(row, readings);
      finish_row(row, st, fresh, detail::counters_of(readings), t);
      if (kept && row.outside.empty()) kept->by_path.insert_or_assign(c.cgroup, readings);
      out.push_back(std::move(row));
    }
  }

  // A pod's cgroup: the common parent of its containers' cgroups (podman's pod cgroup,
  // kubelet's pod slice); "" when they have none in common below the root.
  static std::string pod_cgroup(const Snapshot& s, const Pod& p) {
    std::string parent;
    for (const auto& id : p.containers) {
      const Container* c = container_by_id(s, id);
      if (!c || c->cgroup.empty()) continue;
      auto slash = c->cgroup.rfind('/');
      std::string up = slash == 0 || slash == std::string::npos ? "/" : c->cgroup.substr(0, slash);
      if (parent.empty()) parent = up;
      else if (parent != up) return {};
    }
    return parent == "/" ? std::string() : parent;
  }

  void pod_rows(const Snapshot& s, double t, std::vector<UsageRow>& out) {
    for (const auto& p : s.pods) {
      UsageRow row;
      row.id = p.id;
      row.pod = p.name.empty() ? p.id.substr(0, 12) : p.name;
      row.name = row.pod;
      row.engine = p.engine;
      row.cgroup = pod_cgroup(s, p);
      for (const auto& id : p.containers)
        if (const Container* c = container_by_id(s, id)) {
          row.nprocs += c->pids.size();
          if (c->infra && c->init_pid) row.pid = *c->init_pid;
        }
      bool fresh;
      if (!row.cgroup.empty()) {
        RowState& st = state(p.id, dir_sig(s, row.cgroup), fresh);
        read_cgroup(st, fresh, [&] { return reader->open(row.cgroup); });
        detail::fill_levels(row, readings);
        set_sources(row, readings);
        finish_row(row, st, fresh, detail::counters_of(readings), t);
      } else {
        // No pod cgroup: the sum of the members' cgroups, each with a handle of its own.
        uint64_t sig = 0;
        Counters sum;
        bool first = true;
        for (const auto& id : p.containers) {
          const Container* c = container_by_id(s, id);
          if (!c) continue;
          bool cf;
          RowState& cs = state(p.id + "/" + c->id, dir_sig(s, c->cgroup), cf);
          sig = mix(sig, cs.sig);
          read_cgroup(cs, cf, [&] { return reader->open(c->cgroup); });
          Counters now = detail::counters_of(readings);
          UsageRow part;
          detail::fill_levels(part, readings);
          if (first) {
            sum = now;
            row.mem_bytes = part.mem_bytes;
            row.pids = part.pids;
            row.totals = part.totals;
            row.totals.psi_cpu_some_us = row.totals.psi_cpu_full_us = row.totals.psi_mem_some_us =
                row.totals.psi_mem_full_us = row.totals.psi_io_some_us = row.totals.psi_io_full_us = std::nullopt;
            set_sources(row, readings);
          } else {
            for (auto f : detail::kCounterFields) sum.*f = detail::add_known(sum.*f, now.*f);
            row.mem_bytes = detail::add_known(row.mem_bytes, part.mem_bytes);
            row.pids = detail::add_known(row.pids, part.pids);
            for (auto f : detail::kSummedTotals) row.totals.*f = detail::add_known(row.totals.*f, part.totals.*f);
          }
          first = false;
        }
        RowState& st = state(p.id, sig, fresh);
        finish_row(row, st, fresh, sum, t);
      }
      out.push_back(std::move(row));
    }
  }

  // The cgroup group: the union by path of the hierarchies that supply readings (as
  // systemd-cgtop merges them), walked below cgroup_root on every sample, depth-first.
  struct Merged {
    std::string path;
    uint64_t sig = 0;  // the directory inodes of every hierarchy: any recreation shows
    int depth = 0;
    std::vector<std::size_t> children;
  };
  std::vector<Merged> merged;
  std::unordered_map<std::string, std::size_t> merged_index;
  std::unordered_map<std::string, std::size_t> last_nprocs;  // path -> processes (carried)
  std::unique_ptr<detail::CgroupWalker> walker;  // every hierarchy: one inotify instance

  // What a walk found against the previous one.
  struct WalkChange {
    bool appeared = false;  // a path the previous walk did not have (or no previous walk)
    bool vanished = false;  // a path of the previous walk is gone
    // The same, counting only paths of a container's, its monitor's or a pod's shape: other
    // cgroups (a login session, a cron job, a systemd service) come and go all the time and
    // change no container row. A container whose cgroup has no known shape (docker
    // --cgroup-parent) shows at the next timed rescan; one that ends, when its cgroup vanishes
    // from under its row.
    bool container_appeared = false, container_vanished = false;
  };

  static bool container_shaped(std::string_view path) {
    if (containers::decode_cgroup_path(path)) return true;
    auto slash = path.rfind('/');
    return containers::is_hex_id(slash == std::string_view::npos ? path : path.substr(slash + 1));
  }

  // Walks the hierarchies that supply the requested fields: below cgroup_root for the cgroup
  // group (its rows), the whole tree for the others (only to notice cgroups come and go).
  WalkChange walk_merged(const Snapshot& s) {
    ensure_reader(s);
    std::unordered_map<std::string, std::size_t> before = std::move(merged_index);
    merged.clear();
    merged_index.clear();
    WalkChange change;
    change.appeared = before.empty();
    std::size_t kept = 0;  // paths of the previous walk seen again
    const bool rows = opt.group == UsageGroup::cgroup;
    const auto& L = s.cgroup_tree.layout;
    if (!walker) walker = std::make_unique<detail::CgroupWalker>(opt.watch_cgroups);
    walker->begin();
    for (std::size_t hi = 0; hi < L.hierarchies.size(); ++hi) {
      const auto& h = L.hierarchies[hi];
      if (!reader->supplies(hi, read_fields())) continue;
      auto walked = walker->walk(h, s.root, rows ? opt.cgroup_root : "/", rows ? opt.cgroup_depth : -1);
      std::vector<std::size_t> merged_of(walked.size());
      for (std::size_t i = 0; i < walked.size(); ++i) {
        auto& w = walked[i];
        auto [it, fresh] = merged_index.try_emplace(w.path, merged.size());
        if (fresh) {
          if (before.count(w.path)) ++kept;
          else {
            change.appeared = true;
            if (!change.container_appeared) change.container_appeared = container_shaped(w.path);
          }
          merged.push_back({w.path, 0, w.depth, {}});
          if (w.parent != CgroupNode::kNone) merged[merged_of[w.parent]].children.push_back(it->second);
        }
        merged_of[i] = it->second;
        merged[it->second].sig = mix(merged[it->second].sig, w.inode);
      }
    }
    walker->end();
    change.vanished = kept != before.size();
    if (change.vanished)
      for (const auto& [path, index] : before)
        if (!merged_index.count(path) && container_shaped(path)) {
          change.container_vanished = true;
          break;
        }
    if (before.empty()) change.container_appeared = true;
    return change;
  }

  // fresh: the snapshot was scanned for this sample (its process counts are current).
  // Processes per cgroup path counted from the processes of nprocs_snapshot.
  std::weak_ptr<const Snapshot> nprocs_snapshot;
  std::unordered_map<std::string, std::size_t> nprocs_by_path;

  void cgroup_rows(const std::shared_ptr<const Snapshot>& snapshot, double t, bool fresh_scan, std::vector<UsageRow>& out) {
    const Snapshot& s = *snapshot;
    // Processes per cgroup: cgroup.procs of the pids hierarchy, else (a cgroup without a
    // pids directory) counted from a fresh scan's processes, else carried from the last one.
    // The count walks every process's cgroup lines: done once per snapshot, when a row needs it
    // (`nsview serve` hands the same snapshot to many samples between its scans).
    const std::unordered_map<std::string, std::size_t>* scan_nprocs = nullptr;
    auto scan_count = [&](const std::string& path) -> std::optional<std::size_t> {
      if (!fresh_scan) return std::nullopt;
      if (!scan_nprocs) {
        if (nprocs_snapshot.lock().get() != &s) {
          nprocs_by_path.clear();
          std::unordered_map<std::string, std::size_t> per_hierarchy;  // "id:path" -> count
          for (const auto& p : s.processes)
            for (const auto& l : p.cgroups) ++per_hierarchy[std::to_string(l.hierarchy_id) + ":" + l.path];
          for (const auto& [key, count] : per_hierarchy) {
            auto& v = nprocs_by_path[key.substr(key.find(':') + 1)];
            v = std::max(v, count);
          }
          nprocs_snapshot = snapshot;
        }
        scan_nprocs = &nprocs_by_path;
      }
      auto it = scan_nprocs->find(path);
      return it == scan_nprocs->end() ? std::optional<std::size_t>(0) : std::optional<std::size_t>(it->second);
    };
    // Container and pod cgroups, to label their rows.
    std::unordered_map<std::string_view, const Container*> by_cgroup;
    for (const auto& c : s.containers)
      if (!c.cgroup.empty()) by_cgroup.emplace(c.cgroup, &c);
    std::unordered_map<std::string, const Pod*> pod_by_cgroup;
    for (const auto& p : s.pods)
      if (auto pc = pod_cgroup(s, p); !pc.empty()) pod_by_cgroup.emplace(pc, &p);

    if (merged.empty()) return;
    out.reserve(merged.size());
    std::vector<std::size_t> stack{0};
    while (!stack.empty()) {
      const std::size_t m = stack.back();
      stack.pop_back();
      Merged& n = merged[m];
      UsageRow row;
      row.id = n.path;
      row.name = n.path;
      row.cgroup = n.path;
      row.depth = n.depth;
      if (auto c = by_cgroup.find(n.path); c != by_cgroup.end()) {
        row.container = display_name(*c->second);
        row.engine = c->second->engine;
        row.pid = c->second->init_pid.value_or(0);
        if (const Pod* p = pod_of(s, *c->second)) row.pod = p->name.empty() ? p->id.substr(0, 12) : p->name;
      } else if (auto p = pod_by_cgroup.find(n.path); p != pod_by_cgroup.end()) {
        row.pod = p->second->name.empty() ? p->second->id.substr(0, 12) : p->second->name;
        row.engine = p->second->engine;
      }
      bool fresh;
      RowState& st = state(n.path, n.sig, fresh);
      auto taken = same ? same->by_path.find(n.path) : decltype(same->by_path.end()){};
      const bool take = same && taken != same->by_path.end();
      if (take) {
        readings = taken->second;
        if (st.has_handle) reader->close(st.handle), st.has_handle = false;  // its fds too
      } else {
        read_cgroup(st, fresh, [&] { return reader->open(n.path); });
      }
      if (take || !reader->vanished(st.handle)) {  // removed since the walk: no row
        if (readings.nprocs) row.nprocs = *readings.nprocs;
        else if (auto counted = scan_count(n.path)) row.nprocs = *counted;
        else if (auto l = last_nprocs.find(n.path); l != last_nprocs.end()) row.nprocs = l->second;
        last_nprocs[n.path] = row.nprocs;
        detail::fill_levels(row, readings);
        set_sources(row, readings);
        finish_row(row, st, fresh, detail::counters_of(readings), t);
        out.push_back(std::move(row));
      }
      std::sort(n.children.begin(), n.children.end(),
                [&](std::size_t a, std::size_t b) { return merged[a].path > merged[b].path; });
      for (std::size_t c : n.children) stack.push_back(c);  // reversed: popped by name
    }
    if (last_nprocs.size() > 2 * out.size() + 64) {
      std::unordered_map<std::string, std::size_t> keep;
      for (const auto& r : out) keep.emplace(r.id, r.nprocs);
      last_nprocs = std::move(keep);
    }
  }

  Counters process_counters(const Process& p) const {
    Counters c;
    if (p.cpu_ticks) c.cpu_ns = *p.cpu_ticks * (1000000000ull / static_cast<uint64_t>(hz));
    c.io_read = p.io_read_bytes;
    c.io_write = p.io_write_bytes;
    return c;
  }

  void process_rows(const Snapshot& s, double t, std::vector<UsageRow>& out) {
    out.reserve(s.processes.size());
    for (const auto& p : s.processes) {
      UsageRow row;
      row.id = std::to_string(p.pid);
      row.name = p.comm;
      row.cgroup = p.cgroup;
      row.pid = p.pid;
      row.nprocs = 1;
      if (const Container* c = container_of_pid(s, p.pid)) {
        row.container = display_name(*c);
        row.engine = c->engine;
        if (const Pod* pod = pod_of(s, *c)) row.pod = pod->name.empty() ? pod->id.substr(0, 12) : pod->name;
      }
      row.mem_bytes = p.rss_bytes;
      row.pids = static_cast<uint64_t>(std::max<int64_t>(p.threads, 0));
      bool fresh;
      RowState& st = state(row.id, p.start_time, fresh);
      finish_row(row, st, fresh, process_counters(p), t);
      out.push_back(std::move(row));
    }
  }

  // The namespace group: a namespace's counters are carried forward by the deltas of the
  // processes seen in both samples (a process that appeared counts from its first sample).
  void ns_rows(const Snapshot& s, double t, std::vector<UsageRow>& out) {
    std::unordered_map<pid_t, Counters> delta;  // this sample's increase per process
    for (const auto& p : s.processes) {
      Counters now = process_counters(p);
      auto [it, inserted] = procs.try_emplace(p.pid);
      ProcState& ps = it->second;
      Counters d{};
      if (!inserted && ps.start_time == p.start_time) {
        auto sub = [](std::optional<uint64_t> a, std::optional<uint64_t> b) -> std::optional<uint64_t> {
          if (!a || !b) return std::nullopt;
          return *b >= *a ? *b - *a : 0;
        };
        d.cpu_ns = sub(ps.prev.cpu_ns, now.cpu_ns);
        d.io_read = sub(ps.prev.io_read, now.io_read);
        d.io_write = sub(ps.prev.io_write, now.io_write);
      } else {
        d.cpu_ns = now.cpu_ns ? std::optional<uint64_t>(0) : std::nullopt;
        d.io_read = now.io_read ? std::optional<uint64_t>(0) : std::nullopt;
        d.io_write = now.io_write ? std::optional<uint64_t>(0) : std::nullopt;
      }
      ps.start_time = p.start_time;
      ps.prev = now;
      ps.gen = gen;
      delta.emplace(p.pid, d);
    }
    std::erase_if(procs, [&](const auto& kv) { return kv.second.gen != gen; });

    const NsType type = opt.ns_type;
    for (const auto& n : s.namespaces) {
      if (n.type != type || n.pids.empty()) continue;
      UsageRow row;
      row.id = std::string(ns_type_name(type)) + ":" + std::to_string(n.inode);
      row.name = std::string(ns_type_name(type)) + ":[" + std::to_string(n.inode) + "]";
      row.pid = n.lowest_pid.value_or(0);  // 0: unknown
      row.nprocs = n.pids.size();
      row.partial = n.members_partial;
      std::string owner = ns_owner_label(s, n.inode);
      if (owner.rfind("pod/", 0) == 0) row.pod = owner.substr(4);
      else if (owner != "host") row.container = owner;
      Counters d;
      uint64_t mem = 0, tasks = 0;
      bool any_io = false, any_cpu = false;
      d.cpu_ns = d.io_read = d.io_write = 0;
      for (pid_t pid : n.pids) {
        const Process* p = s.process(pid);
        if (!p) continue;
        mem += p->rss_bytes.value_or(0);
        tasks += static_cast<uint64_t>(std::max<int64_t>(p->threads, 0));
        const Counters& pd = delta[pid];
        if (pd.cpu_ns) any_cpu = true, *d.cpu_ns += *pd.cpu_ns;
        if (pd.io_read) any_io = true, *d.io_read += *pd.io_read;
        if (pd.io_write) *d.io_write += *pd.io_write;
      }
      if (!any_cpu) d.cpu_ns.reset();
      if (!any_io) d.io_read.reset(), d.io_write.reset();
      row.mem_bytes = mem;
      row.pids = tasks;
      bool fresh;
      RowState& st = state(row.id, 0, fresh);
      // Carry the namespace's own cumulative counters forward by this sample's deltas.
      Counters now;
      auto carry = [&](std::optional<uint64_t> before, std::optional<uint64_t> inc) -> std::optional<uint64_t> {
        if (!inc) return std::nullopt;
        return (fresh || !before ? 0 : *before) + *inc;
      };
      now.cpu_ns = carry(st.prev.cpu_ns, d.cpu_ns);
      now.io_read = carry(st.prev.io_read, d.io_read);
      now.io_write = carry(st.prev.io_write, d.io_write);
      finish_row(row, st, fresh, now, t);
      out.push_back(std::move(row));
    }
  }

  // walked: sample() has just walked the hierarchies; fresh_scan: snap was scanned for this
  // sample (not kept from an earlier one).
  UsageSample run(std::shared_ptr<const Snapshot> snap, bool walked = false, bool fresh_scan = true) {
    const Snapshot& s = *snap;
    ++gen;
    const double t = mono();
    UsageSample out;
    out.time = now_of(CLOCK_REALTIME);
    out.interval_s = last_time < 0 ? 0 : t - last_time;
    last_time = t;
    out.group = opt.group;
    ensure_reader(s);
    reader->set_pid_lists_expired(out.interval_s >= 2.0);
    walk_current = walked;
    switch (opt.group) {
      case UsageGroup::container: container_rows(s, t, out.rows); break;
      case UsageGroup::pod: pod_rows(s, t, out.rows); break;
      case UsageGroup::cgroup:
        if (!walked) walk_merged(s);
        cgroup_rows(snap, t, fresh_scan, out.rows);
        break;
      case UsageGroup::ns: ns_rows(s, t, out.rows); break;
      case UsageGroup::process: process_rows(s, t, out.rows); break;
    }
    // Rows not seen this time vanished: close their handles.
    std::erase_if(rows, [&](auto& kv) {
      if (kv.second.gen == gen) return false;
      if (kv.second.has_handle) reader->close(kv.second.handle);
      return true;
    });
    out.snapshot = std::move(snap);
    out.readings = std::move(kept);
    kept.reset();
    return out;
  }
};

Sampler::Sampler(SamplerOptions options) : impl_(std::make_unique<Impl>()) { impl_->opt = std::move(options); }
Sampler::~Sampler() = default;

const SamplerOptions& Sampler::options() const { return impl_->opt; }

ScanOptions Sampler::scan_options() const {
  // Rows carry container and pod names; the cgroup group walks the hierarchies it reads
  // itself (no cgroup tree). Ten readlinks per process: only the namespace group needs them.
  // No command lines: no row shows one (the process group's name is the comm of stat), and
  // container identification reads the few monitors' itself. Reading every process's cost
  // three system calls each, a fifth of a scan (`nsview serve`'s rescans, bench/serve_scrape.sh).
  const UsageGroup g = impl_->opt.group;
  Sources s = kFindContainers;
  if (g == UsageGroup::ns || g == UsageGroup::process) s |= src_usage;
  if (g == UsageGroup::ns) s |= src_namespaces;
  ScanOptions o = scan_options_for(s, impl_->opt.root);
  o.uid_leaders_only = true;  // no row shows a user: with namespaces off, no uid is read
  return impl_->opt.also_scan ? merge(o, *impl_->opt.also_scan) : o;
}

UsageSample Sampler::sample() {
  Impl& m = *impl_;
  const UsageGroup g = m.opt.group;
  const bool cgroup_based = g == UsageGroup::cgroup || g == UsageGroup::container || g == UsageGroup::pod;
  auto rescan = [&] {
    const double now = m.mono();
    if (!m.scanned || now - m.last_full_scan >= m.opt.full_rescan_seconds) {
      m.memo.forget();
      m.last_full_scan = now;
      m.scanned = true;
    }
    m.last_scan = std::make_shared<const Snapshot>(scan(scan_options(), m.memo));
    m.last_scan_time = m.mono();
  };
  if (!cgroup_based || !m.last_scan) {
    rescan();
    // The container and pod groups walk once now, so that the next sample can tell whether
    // a cgroup came or went (the cgroup group walks in run()).
    if (cgroup_based && g != UsageGroup::cgroup) m.walk_merged(*m.last_scan);
    return m.run(m.last_scan, /*walked=*/cgroup_based && g != UsageGroup::cgroup);
  }
  // Groups built from cgroups read no /proc while the cgroups stay the same: the cgroup
  // files give every usage column, and the last scan labels the rows. A cgroup that
  // appeared (a new container?) brings a new scan; for containers and pods so does one that
  // vanished (a container stopped), a container whose process count changed, and a scan
  // older than rescan_seconds (their process counts and states come from the scan).
  auto change = m.walk_merged(*m.last_scan);
  bool fresh = change.appeared;
  if (g != UsageGroup::cgroup)
    fresh = change.container_appeared || change.container_vanished || m.procs_changed ||
            m.mono() - m.last_scan_time >= m.opt.rescan_seconds;
  if (fresh) rescan();
  m.procs_changed = false;
  return m.run(m.last_scan, /*walked=*/true, fresh);
}

UsageSample Sampler::sample(std::shared_ptr<const Snapshot> snapshot) { return impl_->run(std::move(snapshot)); }

UsageSample Sampler::sample(std::shared_ptr<const Snapshot> snapshot, const UsageSample& same) {
  Impl& m = *impl_;
  const bool usable = same.readings && same.readings->fields == m.read_fields();
  m.same = usable ? same.readings.get() : nullptr;
  auto out = m.run(std::move(snapshot));
  m.same = nullptr;
  return out;
}

}  // namespace nsinspect
