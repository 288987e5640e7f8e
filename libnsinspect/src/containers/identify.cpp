// Containers from what the kernel and runtimes leave on the node: the cgroup of every process
// says which container it is in; the monitor (parent of the container's init), the runtime
// state and the OCI bundle say the rest; engine stores add names. No engine socket is used,
// so this works for every engine at once and also when an engine hangs.
#include "containers/identify.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <memory>
#include <mutex>
#include <optional>
#include <sys/stat.h>
#include <tuple>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>

#include "containers/node_files.hpp"
#include "discovery/fs_util.hpp"
#include "nsinspect/container_lookup.hpp"
#include "nsinspect/procfs.hpp"

namespace nsinspect::containers {

namespace {

using ImageMap = std::unordered_map<std::string, std::string>;  // "NS/ID" -> image
using PodNames = std::unordered_map<std::string, std::string>;  // podman pod id -> name

// containerd's image names, parsed again only when meta.db changed. top and the TUI identify
// containers on every refresh, and the walk would read the containers' pages each time.
// Shared by every scan of the process.
std::shared_ptr<const ImageMap> containerd_images_of(const NodeFiles& files) {
  static const std::string kPath = "/var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db";
  struct Cache {
    std::mutex lock;
    std::string where;  // the scan root's prefix plus the path
    NodeFiles::Version version{};
    std::shared_ptr<const ImageMap> images;
  };
  static Cache cache;
  auto before = files.version(kPath);
  if (!before) return std::make_shared<const ImageMap>();
  const std::string where = files.prefix() + kPath;
  {
    std::lock_guard<std::mutex> g(cache.lock);
    if (cache.images && cache.where == where && cache.version == *before) return cache.images;
  }
  // Only the pages on the way to the containers' records are read, not the file.
  auto file = files.open(kPath);
  auto images = std::make_shared<const ImageMap>(file ? parse_containerd_images(*file, file->size) : ImageMap());
  // Kept only when the file did not change while it was read: a write would leave the same
  // version on the next scan and a torn parse for good.
  if (file && files.version(kPath) == before) {
    std::lock_guard<std::mutex> g(cache.lock);
    cache.where = where;
    cache.version = *before;
    cache.images = images;
  }
  return images;
}

// Engine state parsed on earlier scans, while its file stays the same.
using StorageMap = std::unordered_map<std::string, StorageContainer>;
struct StateCaches {
  ParsedFiles<std::optional<RuntimeState>> runc, crun;
  ParsedFiles<std::optional<OciConfig>> config;
  ParsedFiles<StorageMap> storage;
  ParsedFiles<std::optional<DockerContainer>> docker;
  ParsedFiles<PodNames> podman_names;
  void sweep() {
    runc.sweep(), crun.sweep(), config.sweep(), storage.sweep(), docker.sweep(), podman_names.sweep();
  }
};
StateCaches& state_caches() {
  static StateCaches c;
  return c;
}

// An id from a command line that is safe to use as one component of a state path.
bool safe_id(std::string_view id) {
  return !id.empty() && id != "." && id != ".." && id.find('/') == std::string_view::npos;
}

std::string_view basename(std::string_view p) {
  auto s = p.rfind('/');
  return s == std::string_view::npos ? p : p.substr(s + 1);
}

}  // namespace

// The process's container cgroup: a container match beats a monitor or pod match; among
// equals the unified line wins, then name=systemd, then any v1 line (on a hybrid host conmon
// sits in "/" of v2 but in libpod_parent/conmon of v1).
std::optional<CgroupMatch> decode_process(const Process& p, const procfs::CgroupLine** line) {
  auto rank = [](const procfs::CgroupLine& l) {
    if (l.hierarchy_id == 0 && l.controllers.empty()) return 0;
    if (!l.controllers.empty() && l.controllers.front() == "name=systemd") return 1;
    return 2;
  };
  std::optional<CgroupMatch> best;
  int best_rank = 99;
  const std::string* last_path = nullptr;
  for (const auto& l : p.cgroups) {
    if (l.path == "/" || (last_path && *last_path == l.path)) continue;  // v1 lines repeat
    last_path = &l.path;
    const int r = rank(l);
    const bool have_container = best && best->role == CgroupRole::container;
    if (have_container && r >= best_rank) continue;
    auto m = decode_cgroup_path(l.path);
    if (!m) continue;
    const bool is_container = m->role == CgroupRole::container;
    if (!best || (is_container && !have_container) || (is_container == have_container && r < best_rank)) {
      best = std::move(m);
      best_rank = r;
      *line = &l;
    }
  }
  return best;
}

namespace {

struct Identifier {
  Snapshot& s;
  NodeFiles files;
  std::vector<Evidence> evidence;
  // A container by id and own cgroup: containerd lets two namespaces hold the same id
  // (/default/ID and /k8s.io/ID are two containers).
  std::unordered_map<std::string, std::size_t> by_id;
  std::unordered_map<pid_t, std::size_t> owner;              // pid -> container
  std::unordered_map<pid_t, MonitorInfo> monitors;           // pid -> monitor
  std::unordered_multimap<std::string, pid_t> monitor_by_id;  // conmon -c ID, shim -id, lxc name, ...
  std::unordered_set<pid_t> claimed;                          // monitors a container has taken
  std::optional<std::vector<std::shared_ptr<const StorageMap>>> storage;  // first wins
  bool storage_denied = false;
  std::shared_ptr<const ImageMap> containerd_images;
  std::optional<int64_t> btime;
  long ticks = sysconf(_SC_CLK_TCK);

  const KnownEngineFiles* known = nullptr;

  Identifier(Snapshot& snap, const ScanOptions& o, const KnownEngineFiles* k) : s(snap), files(o.root), known(k) {}

  // A monitor's command line, read here when the scan read none for it (list reads only each
  // namespace's first process's): monitors name the containers no cgroup shape names. Only
  // what it names is kept: a conmon's argv is 4 KiB, and a node has one per container.
  std::optional<MonitorInfo> monitor_of(const Process& p) {
    if (!p.cmdline.empty()) return parse_monitor_cmdline(p.cmdline);
    const std::string_view comm = p.comm;  // 15 characters at most
    if (comm != "conmon" && !comm.starts_with("containerd-shim") && comm != "docker-containe" &&
        comm != "systemd-nspawn" && !comm.starts_with("lxc"))
      return std::nullopt;
    auto text = files.read("/proc/" + std::to_string(p.pid) + "/cmdline");
    return text ? parse_monitor_cmdline(procfs::parse_cmdline(*text)) : std::nullopt;
  }

  // The mount namespace of a process, also when the scan read no namespaces (top's container
  // group): read for the few processes adoption looks at.
  std::optional<NsInode> mnt_of(const Process* p) {
    if (!p) return std::nullopt;
    if (auto m = p->ns_of(NsType::mnt)) return m;
    auto l = procfs::parse_ns_link(files.link("/proc/" + std::to_string(p->pid) + "/ns/mnt"));
    return l ? std::optional<NsInode>(l->inode) : std::nullopt;
  }

  void collect() {
    for (Process& p : s.processes) {
      const procfs::CgroupLine* line = nullptr;
      auto m = decode_process(p, &line);
      if (auto mon = monitor_of(p)) {
        // nspawn's child in the payload is the container's init before it execs, not a monitor.
        const bool nspawn_child = mon->kind == "nspawn" && m && m->role == CgroupRole::container &&
                                  m->engine == "nspawn" && m->cgroup.size() > 8 &&
                                  m->cgroup.compare(m->cgroup.size() - 8, 8, "/payload") == 0;
        if (!nspawn_child) {
          if (!mon->id.empty()) monitor_by_id.emplace(mon->id, p.pid);
          monitors.emplace(p.pid, std::move(*mon));
          continue;  // monitors are not members even when they share the cgroup (old nspawn)
        }
      }
      if (!m || m->role != CgroupRole::container || m->id.empty()) continue;
      const std::string own = m->cgroup.empty() ? line->path : m->cgroup;
      auto [it, fresh] = by_id.try_emplace(m->id + '\0' + own, s.containers.size());
      if (fresh) {
        Container c;
        c.id = m->id;
        c.engine = m->engine;
        c.cgroup = own;
        c.state = "running";
        s.containers.push_back(std::move(c));
        Evidence e;
        e.pod_key = m->pod_id;
        e.kubernetes = m->kubernetes;
        e.qos = m->qos;
        evidence.push_back(std::move(e));
      }
      s.containers[it->second].pids.push_back(p.pid);
      owner.emplace(p.pid, it->second);
    }
    for (Container& c : s.containers) claim_monitor(c);
    adopt_unshaped();
  }

  // The monitor that names a container found by its cgroup. Two containerd shims may name
  // the same id in two namespaces: the one whose namespace the cgroup (/NAMESPACE/ID) names
  // is this container's; the other's container is found by adoption.
  void claim_monitor(Container& c) {
    auto [first, last] = monitor_by_id.equal_range(c.id);
    std::optional<pid_t> pick;
    int candidates = 0;
    for (auto it = first; it != last; ++it) {
      if (claimed.count(it->second)) continue;
      ++candidates;
      const std::string& ns = monitors[it->second].ns;
      if (!pick) pick = it->second;
      if (!ns.empty() && c.cgroup.ends_with("/" + ns + "/" + c.id)) {
        pick = it->second;
        candidates = 1;
        break;
      }
    }
    if (!pick || candidates > 1) return;
    c.monitor_pid = *pick;
    claimed.insert(*pick);
  }

  // A monitor whose container has no known cgroup shape (docker --cgroup-parent, ctr's
  // /NAMESPACE/ID for any namespace or id, cgroups disabled): its container is its children
  // that are no monitor, with their descendants. conmon and a containerd shim name their
  // container; an lxc monitor or nspawn is found through its own cgroup shapes instead.
  void adopt_unshaped() {
    std::vector<std::pair<pid_t, const MonitorInfo*>> lost;
    for (const auto& [pid, m] : monitors)
      if ((m.kind == "conmon" || m.kind == "containerd-shim" || m.kind == "docker-shim") &&
          safe_id(m.id) && !claimed.count(pid))
        lost.emplace_back(pid, &m);
    // Lowest pid first: the same result on every scan.
    std::sort(lost.begin(), lost.end());
    if (lost.empty()) return;
    std::unordered_map<pid_t, std::vector<pid_t>> children;
    for (const Process& p : s.processes)
      if (!monitors.count(p.pid) && !owner.count(p.pid)) children[p.ppid].push_back(p.pid);
    for (const auto& [mon_pid, m] : lost) {
      auto kids = children.find(mon_pid);
      if (kids == children.end()) continue;
      // Only children in a mount namespace of their own (every OCI container has one): not
      // conmon's exit command (podman container cleanup) after the container ended.
      const auto mon_mnt = mnt_of(s.process(mon_pid));
      std::vector<pid_t> todo;
      for (pid_t kid : kids->second) {
        auto mnt = mnt_of(s.process(kid));
        if (mnt && mon_mnt && mnt != mon_mnt) todo.push_back(kid);
      }
      if (todo.empty()) continue;
      const std::size_t idx = s.containers.size();
      Container c;
      c.id = m->id;
      c.engine = m->engine;
      c.monitor_pid = mon_pid;
      claimed.insert(mon_pid);
      while (!todo.empty()) {
        pid_t pid = todo.back();
        todo.pop_back();
        if (!owner.emplace(pid, idx).second) continue;
        c.pids.push_back(pid);
        if (auto k = children.find(pid); k != children.end()) todo.insert(todo.end(), k->second.begin(), k->second.end());
      }
      std::sort(c.pids.begin(), c.pids.end());
      if (const Process* first = s.process(c.pids.front()); first && !first->cgroups.empty())
        c.cgroup = first->cgroups.back().path;  // the unified line is last in /proc/PID/cgroup
      by_id.emplace(c.id + '\0' + c.cgroup, idx);
      s.containers.push_back(std::move(c));
      evidence.emplace_back();
    }
  }

  // The container's first process: the oldest whose parent is outside the container.
  std::optional<pid_t> init_by_tree(std::size_t idx) {
    const Process* best = nullptr;
    for (pid_t pid : s.containers[idx].pids) {
      const Process* p = s.process(pid);
      if (!p) continue;
      auto o = owner.find(p->ppid);
      if (o != owner.end() && o->second == idx) continue;
      if (!best || p->start_time < best->start_time) best = p;
    }
    return best ? std::optional<pid_t>(best->pid) : std::nullopt;
  }

  std::optional<RuntimeState> runtime_state(const Container& c, const MonitorInfo* mon, std::string* runtime) {
    if (!safe_id(c.id)) return std::nullopt;
    std::vector<std::pair<std::string, std::string>> paths = {
        {"/run/runc/" + c.id + "/state.json", "runc"},
        {"/run/crun/" + c.id + "/status", "crun"},
    };
    std::vector<std::string> nss = {"k8s.io", "default", "moby"};
    if (mon && safe_id(mon->ns)) nss.insert(nss.begin(), mon->ns);
    for (const auto& ns : nss) paths.emplace_back("/run/containerd/runc/" + ns + "/" + c.id + "/state.json", "runc");
    paths.emplace_back("/run/docker/runtime-runc/moby/" + c.id + "/state.json", "runc");
    StateCaches& cache = state_caches();
    for (const auto& [path, rt] : paths) {
      if (known)
        if (auto it = known->states.find(path); it != known->states.end()) {
          *runtime = rt;
          return it->second;
        }
      auto st = rt == "crun" ? cache.crun.get(files, path, parse_crun_status) : cache.runc.get(files, path, parse_runc_state);
      if (!st || !*st) continue;
      *runtime = rt;
      return *st;
    }
    return std::nullopt;
  }

  std::shared_ptr<const std::optional<OciConfig>> bundle_config(Container& c, const MonitorInfo* mon) {
    std::vector<std::string> dirs;
    if (!c.bundle.empty()) dirs.push_back(c.bundle);
    std::vector<std::string> nss = {"k8s.io", "moby", "default"};
    if (mon && safe_id(mon->ns)) nss.insert(nss.begin(), mon->ns);
    for (const auto& ns : nss)
      if (safe_id(c.id)) dirs.push_back("/run/containerd/io.containerd.runtime.v2.task/" + ns + "/" + c.id);
    for (const auto& d : dirs) {
      auto cfg = state_caches().config.get(files, d + "/config.json", parse_oci_config);
      if (cfg && *cfg) {
        c.bundle = d;
        return cfg;
      }
    }
    return nullptr;
  }

  const StorageContainer* storage_entry(const std::string& id) {
    if (!storage && known && known->storage) {
      auto m = std::make_shared<StorageMap>();
      for (const auto& e : *known->storage) m->emplace(e.id, e);  // first wins
      storage.emplace();
      storage->push_back(std::move(m));
    }
    if (!storage) {
      storage.emplace();
      const std::size_t before = files.denied();
      for (const char* p : {"/var/lib/containers/storage/overlay-containers/containers.json",
                            "/var/lib/containers/storage/vfs-containers/containers.json"})
        if (auto m = state_caches().storage.get(files, p, [](std::string_view text) {
              StorageMap m;
              for (auto& e : parse_storage_containers(text)) m.emplace(e.id, std::move(e));
              return m;
            }))
          storage->push_back(std::move(m));
      storage_denied = files.denied() > before;
    }
    for (const auto& m : *storage)
      if (auto it = m->find(id); it != m->end()) return &it->second;
    return nullptr;
  }

  // The image of a plain containerd container (ctr, nerdctl without annotations): only
  // containerd's database names it. The namespace is the shim's; without a shim, an id found in
  // one namespace only.
  std::string containerd_image(const Container& c, const MonitorInfo* mon) {
    if (!containerd_images) containerd_images = containerd_images_of(files);
    if (mon && !mon->ns.empty()) {
      auto it = containerd_images->find(mon->ns + "/" + c.id);
      return it == containerd_images->end() ? std::string() : it->second;
    }
    std::string found;
    const std::string suffix = "/" + c.id;
    for (const auto& [key, image] : *containerd_images)
      if (key.size() > suffix.size() && key.ends_with(suffix)) {
        if (!found.empty()) return {};  // in two namespaces: which one is unknown
        found = image;
      }
    return found;
  }

  // Paused: runc/crun pause through the freezer (v1 freezer.state, v2 cgroup.events). A
  // freezer cgroup that is not at or below the container's own is someone else's (nspawn on
  // a hybrid host stays in its launcher's): never read as the container's.
  bool frozen(const Container& c) {
    std::vector<std::string> candidates;
    if (const Process* p = c.init_pid ? s.process(*c.init_pid) : nullptr)
      for (const auto& l : p->cgroups)
        for (const auto& ctl : l.controllers)
          if (ctl == "freezer" && cgroup_at_or_below(l.path, c.cgroup))
            candidates.push_back("/sys/fs/cgroup/freezer" + l.path + "/freezer.state");
    candidates.push_back("/sys/fs/cgroup" + c.cgroup + "/cgroup.events");
    candidates.push_back("/sys/fs/cgroup/unified" + c.cgroup + "/cgroup.events");
    for (const auto& path : candidates)
      if (auto text = files.read(path)) return parse_frozen(*text);
    return false;
  }

  void complete(std::size_t idx) {
    Container& c = s.containers[idx];
    Evidence& ev = evidence[idx];
    const std::size_t denied_before = files.denied();

    const MonitorInfo* mon = c.monitor_pid ? &monitors[*c.monitor_pid] : nullptr;

    std::string state_runtime;
    auto st = runtime_state(c, mon, &state_runtime);
    if (st && st->init_pid) {
      // Trust the recorded pid only while it is still that process in this container.
      auto o = owner.find(*st->init_pid);
      const Process* p = s.process(*st->init_pid);
      if (o != owner.end() && o->second == idx && p && (!st->init_start || *st->init_start == p->start_time))
        c.init_pid = st->init_pid;
    }
    if (!c.init_pid) c.init_pid = init_by_tree(idx);
    const Process* init = c.init_pid ? s.process(*c.init_pid) : nullptr;

    // The monitor is the init's parent (conmon, shim, lxc monitor, systemd-nspawn).
    if (!mon && init)
      if (auto m = monitors.find(init->ppid); m != monitors.end()) {
        c.monitor_pid = init->ppid;
        mon = &m->second;
      }
    // LXC names the payload cgroup "lxc.payload.NAME-1" when a stale one of that name is
    // still there: the monitor that started the init knows the real name.
    if (c.engine == "lxc" && init)
      if (auto m = monitors.find(init->ppid); m != monitors.end() && m->second.kind == "lxc-monitor" && !m->second.id.empty()) {
        c.monitor_pid = init->ppid;
        mon = &m->second;
        c.id = mon->id;
      }

    if (mon && !mon->runtime.empty()) c.runtime = std::string(basename(mon->runtime));
    else c.runtime = state_runtime;
    if (mon && !mon->bundle.empty()) c.bundle = mon->bundle;
    else if (st && !st->bundle.empty()) c.bundle = st->bundle;

    std::shared_ptr<const std::optional<OciConfig>> parsed;
    const std::size_t denied_before_config = files.denied();
    if (c.engine != "lxc" && c.engine != "nspawn") parsed = bundle_config(c, mon);
    const OciConfig* cfg = parsed ? &**parsed : nullptr;
    const bool config_denied = !cfg && files.denied() > denied_before_config;
    if (cfg) {
      c.labels = cfg->annotations;
      c.hostname = cfg->hostname;
      ev.annotations = interpret_annotations(cfg->annotations);
    }
    const AnnotationInfo& ann = ev.annotations;
    if (c.hostname.empty() && st) c.hostname = st->hostname;
    if (c.hostname.empty() && mon) c.hostname = mon->hostname;
    if (c.engine == "lxc")
      if (auto text = files.read("/var/lib/lxc/" + c.id + "/config")) c.hostname = parse_lxc_config(*text).hostname;

    // Engine: an explicit io.container.manager, else the cgroup shape, else the monitor, else
    // the annotation family.
    if (cfg && cfg->annotations.count("io.container.manager")) c.engine = ann.engine;
    if (c.engine.empty() && mon) c.engine = mon->engine;
    if (c.engine.empty()) c.engine = ann.engine;

    const StorageContainer* sc = nullptr;
    if (c.engine == "podman" || c.engine == "cri-o") sc = storage_entry(c.id);
    std::optional<DockerContainer> dc;
    if (c.engine == "docker")
      if (auto d = state_caches().docker.get(files, "/var/lib/docker/containers/" + c.id + "/config.v2.json", parse_docker_config))
        dc = *d;

    c.kube_container_name = ann.container_name;
    if (!ann.container_name.empty()) c.name = ann.container_name;
    else if (sc && !sc->name.empty()) c.name = sc->name;
    else if (mon && !mon->name.empty()) c.name = mon->name;
    else if (dc && !dc->name.empty()) c.name = dc->name;
    else if (!ann.name.empty()) c.name = ann.name;
    else if (c.engine == "lxc" || c.engine == "nspawn") c.name = c.id;

    if (!ann.image.empty()) c.image = ann.image;
    else if (sc && !sc->image_name.empty()) c.image = sc->image_name;
    else if (dc) c.image = dc->image;
    else if (c.engine == "containerd") c.image = containerd_image(c, mon);
    if (dc) {
      for (const auto& [k, v] : dc->labels) c.labels.emplace(k, v);
      if (c.hostname.empty()) c.hostname = dc->hostname;
    }
    if (sc) ev.storage_pod_name = sc->pod_name;
    if (ev.pod_key.empty()) ev.pod_key = ann.pod_uid;
    if (!ann.pod_uid.empty()) ev.kubernetes = true;

    if (init) {
      for (auto t : kAllNsTypes) c.namespaces[index_of(t)] = init->ns_of(t);
      c.start_time = init->start_time;
      c.command = init->command();
      if (btime && ticks > 0) c.started = *btime + static_cast<int64_t>(init->start_time / static_cast<uint64_t>(ticks));
    }
    // The engine's creation time first: the runtime's is that of the latest (re)start.
    if (sc) c.created = parse_rfc3339(sc->created);
    if (!c.created && dc) c.created = parse_rfc3339(dc->created);
    if (!c.created && st) c.created = parse_rfc3339(st->created);
    // The init's start is the creation only when no engine record was refused: after a
    // restart it is much later (an unprivileged reader would show "4 seconds ago").
    const bool records_denied = files.denied() > denied_before || (!sc && storage_denied && (c.engine == "podman" || c.engine == "cri-o"));
    if (!c.created && !records_denied) c.created = c.started;

    if (c.engine == "containerd" && mon) c.containerd_namespace = mon->ns;
    c.labels_unknown = c.labels.empty() && config_denied;
    c.state = ((dc && dc->paused) || frozen(c)) ? "paused" : "running";
  }

  void run() {
    collect();
    if (s.containers.empty()) return;
    if (auto text = files.read("/proc/stat")) btime = parse_btime(*text);
    for (std::size_t i = 0; i < s.containers.size(); ++i) complete(i);

    std::unordered_map<std::string, std::string> podman_names;
    bool podman_pods = false;
    for (std::size_t i = 0; i < s.containers.size(); ++i)
      podman_pods |= s.containers[i].engine == "podman" && !evidence[i].pod_key.empty();
    if (podman_pods)
      for (const char* p : {"/var/lib/containers/storage/libpod/bolt_state.db",
                            "/var/lib/containers/storage/db.sql"})
        if (auto names = state_caches().podman_names.get_loaded(files, p, [&]() -> std::optional<PodNames> {
              // A name record is under 400 bytes: a window that cuts one off leaves it whole
              // in the next one's overlap.
              PodNames all;
              if (!files.read_windows(p, 512, [&](std::string_view w) { all.merge(parse_podman_db_names(w)); }))
                return std::nullopt;
              return all;
            })) {
          auto copy = *names;
          podman_names.merge(copy);
        }
    group_pods(s, evidence, podman_names);
    s.stats.engine_files_denied = files.denied();

    std::sort(s.containers.begin(), s.containers.end(), [](const Container& a, const Container& b) {
      // Unknown first; start time breaks ties within a second (a pod's infra before its members).
      return std::tie(a.created, a.start_time, a.id) < std::tie(b.created, b.start_time, b.id);
    });
  }
};

}  // namespace

void identify_containers(Snapshot& s, const ScanOptions& options, const KnownEngineFiles* known) {
  s.containers.clear();
  s.pods.clear();
  Identifier(s, options, known).run();
  state_caches().sweep();
  index_containers(s);
}

}  // namespace nsinspect::containers
