// One container found without reading every process: the OCI runtimes' state directories
// list the running containers by id; names come from containers/storage, docker's
// config.v2.json and the annotations the runtime state repeats; each candidate's processes
// are its cgroup's. Identification then runs on those processes only, as scan() runs it.
#include "nsinspect/target_scan.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <unordered_set>
#include <vector>

#include "cgroups/cgroups_internal.hpp"
#include "containers/identify.hpp"
#include "discovery/fs_util.hpp"
#include "discovery/scan_internal.hpp"
#include "nsinspect/container_sources.hpp"
#include "nsinspect/procfs.hpp"
#include "procfs/parse_util.hpp"

namespace nsinspect {

namespace {

using detail::Fd;

// A container its runtime keeps state for; the state directory's name is the id.
struct StateEntry {
  std::string id;
  std::string ns;    // containerd namespace, "" for other runtimes' state
  std::string file;  // the state file (without the root prefix)
  bool crun = false, docker = false;
  std::string text;  // the state file, once read
};

class Files {
 public:
  explicit Files(const std::string& root) : prefix_(root == "/" ? std::string() : root) {}
  std::optional<std::string> read(const std::string& path) const {
    std::string out;
    if (detail::read_file_at(AT_FDCWD, (prefix_ + path).c_str(), out) != 0) return std::nullopt;
    return out;
  }
  // The whole file in scratch, which is reused and only grows (its size is its capacity; the
  // file is the view's length): the candidates' check reads every running container's state,
  // 35 KiB each for runc, and keeps only the matches'. nullopt when absent or unreadable.
  std::optional<std::string_view> read_into(const std::string& path, std::string& scratch) const {
    Fd fd(::open((prefix_ + path).c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (!fd) return std::nullopt;
    if (scratch.size() < 65536) scratch.resize(65536);
    std::size_t len = 0;
    for (;;) {
      if (len == scratch.size()) scratch.resize(scratch.size() * 2);
      ssize_t n = ::read(fd.get(), scratch.data() + len, scratch.size() - len);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return std::nullopt;
      if (n == 0) break;
      len += static_cast<std::size_t>(n);
    }
    return std::string_view(scratch.data(), len);
  }
  // Names of the subdirectories of path; none when it is absent or unreadable.
  std::vector<std::string> subdirs(const std::string& path) const {
    Fd dir = detail::open_dir_at(AT_FDCWD, (prefix_ + path).c_str());
    return dir ? detail::cgroup_subdirs(dir.get()) : std::vector<std::string>();
  }

 private:
  std::string prefix_;
};

// What the query can be in the engines' files: a name made of these characters appears
// verbatim in JSON (Go escapes <, >, & and non-ASCII may be escaped by some writers).
bool plain(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           std::string_view("._-:@+,=~/").find(ch) != std::string_view::npos;
  });
}

// glibc's memmem (two-way): several MiB of runtime state per call on a node with a hundred
// containers, where string_view::find's memchr+memcmp on a common first letter is slower.
bool contains(std::string_view hay, std::string_view needle) {
  return needle.empty() || ::memmem(hay.data(), hay.size(), needle.data(), needle.size()) != nullptr;
}

// The running containers' runtime state, where identify.cpp looks for it.
std::vector<StateEntry> state_entries(const Files& files) {
  std::vector<StateEntry> out;
  auto add = [&](const std::string& dir, const std::string& ns, const char* file, bool crun, bool docker) {
    for (auto& id : files.subdirs(dir)) out.push_back({id, ns, dir + "/" + id + "/" + file, crun, docker, {}});
  };
  add("/run/runc", "", "state.json", false, false);
  add("/run/crun", "", "status", true, false);
  for (const auto& ns : files.subdirs("/run/containerd/runc")) add("/run/containerd/runc/" + ns, ns, "state.json", false, false);
  add("/run/docker/runtime-runc/moby", "", "state.json", false, true);
  return out;
}

// Whether find_container() could match this container: every name it can have (storage's,
// docker's, an annotation's) is in a file read here, so a container none of them mentions
// is no match by name; ids are the directory names.
bool candidate(StateEntry& e, const Files& files, std::string_view query, std::string_view needle,
               const std::unordered_set<std::string>& storage_named, std::string& scratch) {
  if (e.id.starts_with(query) || (!e.ns.empty() && (e.ns + "/" + e.id).starts_with(query))) return true;
  if (storage_named.count(e.id)) return true;
  auto text = files.read_into(e.file, scratch);
  if (!text) return false;  // gone meanwhile, or refused: not running as far as we can tell
  bool match = false;
  // runc repeats the bundle's annotations in its state ("KEY=VALUE" labels); crun does not.
  if (!e.crun && contains(*text, needle)) match = true;
  if (!match && e.crun)
    if (auto st = containers::parse_crun_status(*text); st && !st->bundle.empty())
      if (auto cfg = files.read(st->bundle + "/config.json"); cfg && contains(*cfg, needle)) match = true;
  if (!match && e.docker)
    if (auto cfg = files.read("/var/lib/docker/containers/" + e.id + "/config.v2.json"); cfg && contains(*cfg, needle))
      match = true;
  if (match) e.text = std::string(*text);  // parsed below: not read twice
  return match;
}

// Pids in a cgroup and below it.
void cgroup_pids(int dirfd, std::vector<pid_t>& out, int depth = 0) {
  std::string text;
  if (detail::read_file_at(dirfd, "cgroup.procs", text) == 0)
    for (std::size_t pos = 0; pos < text.size();) {
      auto nl = text.find('\n', pos);
      if (nl == std::string::npos) nl = text.size();
      if (auto pid = detail::to_number<pid_t>(std::string_view(text).substr(pos, nl - pos))) out.push_back(*pid);
      pos = nl + 1;
    }
  if (depth > 32) return;
  for (const auto& name : detail::cgroup_subdirs(dirfd))
    if (Fd sub = detail::open_dir_at(dirfd, name.c_str())) cgroup_pids(sub.get(), out, depth + 1);
}

// The children of every thread of pid (/proc/PID/task/TID/children), appended to out.
void children_of(const std::string& root, pid_t pid, std::vector<pid_t>& out) {
  const std::string task = (root == "/" ? std::string() : root) + "/proc/" + std::to_string(pid) + "/task";
  Fd dir = detail::open_dir_at(AT_FDCWD, task.c_str());
  if (!dir) return;
  std::string text;
  for (const auto& tid : detail::cgroup_subdirs(dir.get())) {
    if (detail::read_file_at(dir.get(), (tid + "/children").c_str(), text) != 0) continue;
    std::string_view rest = text;
    while (!rest.empty()) {
      auto sp = rest.find(' ');
      if (auto child = detail::to_number<pid_t>(rest.substr(0, sp))) out.push_back(*child);
      if (sp == std::string_view::npos) break;
      rest.remove_prefix(sp + 1);
    }
  }
}

// The layout index of a /proc/PID/cgroup line's hierarchy; -1 when it is not mounted.
int hierarchy_of(const CgroupLayout& layout, const procfs::CgroupLine& l) {
  if (l.hierarchy_id == 0 && l.controllers.empty()) return layout.index_of_name("unified");
  return layout.index_of_id(l.hierarchy_id);
}

// Only what tells where a process is: its stat and cgroup lines.
ScanOptions light(const ScanOptions& o) {
  ScanOptions l = scan_options_for(src_cgroups, o.root);
  l.cgroup_tree = false;
  l.uid_leaders_only = true;
  return l;
}

bool monitor_comm(std::string_view comm) {
  return comm == "conmon" || comm.starts_with("containerd-shim") || comm == "docker-containe" ||
         comm == "systemd-nspawn" || comm.starts_with("lxc");
}

}  // namespace

namespace {

// scan_container_query with the cgroup layout an earlier scan of the same root detected (null:
// detect it): a pid target's context scan has read the mount table once already.
std::optional<Snapshot> container_query(std::string_view query, const ScanOptions& o, const CgroupLayout* known_layout) {
  if (query.empty() || !plain(query)) return std::nullopt;
  const auto slash = query.find('/');
  // A POD/NAME query names the container NAME (or POD-NAME): every match mentions NAME, and
  // a name that is the whole query mentions it too.
  const std::string_view needle = slash == std::string_view::npos ? query : query.substr(slash + 1);
  const Files files(o.root);

  // LXC containers keep no OCI state; their names are their ids (as identification names them).
  for (const auto& name : files.subdirs("/var/lib/lxc"))
    if (name.starts_with(query) || name == needle) return std::nullopt;

  // containers/storage names podman's and CRI-O's containers; parsed only when it mentions
  // the query, and then handed to identification, which would parse it again.
  containers::KnownEngineFiles known;
  std::unordered_set<std::string> storage_named;
  {
    std::vector<std::string> texts;
    bool mentioned = false;
    for (const char* p : {"/var/lib/containers/storage/overlay-containers/containers.json",
                          "/var/lib/containers/storage/vfs-containers/containers.json"})
      if (auto text = files.read(p)) {
        mentioned = mentioned || contains(*text, needle);
        texts.push_back(std::move(*text));
      }
    if (mentioned) {
      known.storage.emplace();
      for (const auto& text : texts)
        for (auto& c : containers::parse_storage_containers(text)) {
          if (c.name == query || c.name == needle ||
              (slash != std::string_view::npos && c.name == std::string(query.substr(0, slash)) + "-" + std::string(needle)))
            storage_named.insert(c.id);
          known.storage->push_back(std::move(c));
        }
    }
  }

  // Each candidate's init, from its state: alive and the same process (its start time).
  std::vector<StateEntry> cands;
  std::string scratch;
  for (auto& e : state_entries(files))
    if (candidate(e, files, query, needle, storage_named, scratch)) cands.push_back(std::move(e));
  if (cands.empty()) return std::nullopt;
  std::vector<std::pair<pid_t, std::optional<uint64_t>>> inits;
  for (auto& e : cands) {
    if (e.text.empty())
      if (auto t = files.read(e.file)) e.text = std::move(*t);
    auto st = e.crun ? containers::parse_crun_status(e.text) : containers::parse_runc_state(e.text);
    if (st && st->init_pid) inits.emplace_back(*st->init_pid, st->init_start);
    if (st) known.states.emplace(e.file, std::move(*st));
  }
  std::vector<pid_t> init_pids;
  for (const auto& [pid, start] : inits) init_pids.push_back(pid);
  const Snapshot where = known_layout ? detail::scan_pids_known(light(o), init_pids, known_layout, nullptr)
                                     : scan_pids(light(o), init_pids);
  const CgroupLayout& layout = where.cgroup_tree.layout;

  std::vector<pid_t> pids;
  for (const auto& [pid, start] : inits) {
    const Process* p = where.process(pid);
    if (!p || (start && *start != p->start_time)) continue;  // stopped; the pid may be another's now
    const procfs::CgroupLine* line = nullptr;
    auto m = containers::decode_process(*p, &line);
    std::string dir;
    if (m && m->role == containers::CgroupRole::container && line) {
      dir = m->cgroup.empty() ? line->path : m->cgroup;
      // A pod member's pod: its infra and the other members can name the pod.
      if (!m->pod_id.empty())
        if (auto cut = dir.rfind('/'); cut != std::string::npos && cut > 0) dir.resize(cut);
    } else if (!p->cgroups.empty()) {
      line = &p->cgroups.back();  // no known shape: the unified line (the last), as adoption takes it
      dir = line->path;
    }
    // A container in the root cgroup (cgroups off) is found by its monitor: a whole scan.
    if (!line || dir.empty() || dir == "/") return std::nullopt;
    const int hi = hierarchy_of(layout, *line);
    if (hi < 0) return std::nullopt;
    const auto& h = layout.hierarchies[static_cast<std::size_t>(hi)];
    auto rel = detail::cgroup_dir_in_mount(h, dir);
    if (!rel) return std::nullopt;
    Fd mnt = detail::open_dir_at(AT_FDCWD, detail::cgroup_mount_dir(o.root, h).c_str());
    Fd cg = mnt ? detail::open_dir_at(mnt.get(), rel->c_str()) : Fd();
    const std::size_t from = pids.size();
    if (cg) cgroup_pids(cg.get(), pids);  // else removed meanwhile: the container stopped
    // Zombies have left cgroup.procs but their /proc/PID/cgroup still names the container,
    // where a whole scan counts them: they are the members' children.
    std::vector<pid_t> members(pids.begin() + static_cast<std::ptrdiff_t>(from), pids.end());
    for (pid_t member : members) children_of(o.root, member, pids);
    pids.push_back(pid);
    pids.push_back(p->ppid);  // the monitor (conmon, shim) names the container and its bundle
  }
  return detail::scan_pids_known(o, std::move(pids), &layout, &known);
}

}  // namespace

std::optional<Snapshot> scan_container_query(std::string_view query, const ScanOptions& o) {
  return container_query(query, o, nullptr);
}

std::optional<Snapshot> scan_pid_context(pid_t pid, const ScanOptions& o) {
  const Snapshot where = scan_pids(light(o), {pid});
  const Process* p = where.process(pid);
  if (!p) return scan_pids(o, {pid});
  const procfs::CgroupLine* line = nullptr;
  auto m = containers::decode_process(*p, &line);
  if (m && m->role == containers::CgroupRole::container && !m->id.empty()) {
    auto s = container_query(m->id, o, &where.cgroup_tree.layout);
    if (!s || !s->process(pid)) return std::nullopt;
    return s;
  }
  // No container shape: only a monitor above it could still make it a container's.
  const std::string proc = (o.root == "/" ? std::string() : o.root) + "/proc/";
  std::string text;
  for (pid_t a = p->ppid, n = 0; a > 1 && n < 64; ++n) {
    if (detail::read_file_at(AT_FDCWD, (proc + std::to_string(a) + "/stat").c_str(), text, true) != 0) break;
    auto st = procfs::parse_stat(text);
    if (!st) break;
    if (monitor_comm(st->comm)) return std::nullopt;
    a = st->ppid;
  }
  return detail::scan_pids_known(o, {pid}, &where.cgroup_tree.layout, nullptr);
}

}  // namespace nsinspect
