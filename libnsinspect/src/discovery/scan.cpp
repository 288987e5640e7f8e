// The scan: one pass over root/proc builds processes and namespaces; every lookup is a
// hash map, so the work is linear in processes (plus their threads, fds and mounts).
#include "nsinspect/scan.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <memory>
#include <cstring>
#include <ctime>
#include <sys/stat.h>
#include <dirent.h>
#include <sys/syscall.h>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "cgroups/cgroups_internal.hpp"
#include "containers/identify.hpp"
#include "discovery/fs_util.hpp"
#include "discovery/mount_ids.hpp"
#include "discovery/nsfs.hpp"
#include "discovery/scan_memo.hpp"
#include "discovery/scan_internal.hpp"
#include "privilege.hpp"
#include "procfs/parse_util.hpp"
#include "nsinspect/procfs.hpp"

namespace nsinspect {

namespace {

using detail::Fd;
using detail::is_vanished;

// Permission, not a process that went away: the value is unknown, and the user is told.
bool is_denied(int err) { return err == EACCES || err == EPERM; }

// Numeric entries of a directory (pids in /proc, tids in task/, fd numbers in fd/), read
// with getdents64 straight from the fd we already hold: no dup, no DIR, no extra fstat.
// The fd must be freshly opened (at offset 0).
template <class F>
void for_each_number(int dirfd, F f) {
  alignas(struct dirent64) char buf[16384];
  for (;;) {
    long n = syscall(SYS_getdents64, dirfd, buf, sizeof buf);
    if (n <= 0) return;
    // procfs fills the buffer while entries fit: a short read is the end of the directory,
    // which saves the getdents64 call that would only return 0.
    const bool last = n < static_cast<long>(sizeof buf) - 512;
    for (long off = 0; off < n;) {
      auto* e = reinterpret_cast<struct dirent64*>(buf + off);
      off += e->d_reclen;
      const char* s = e->d_name;
      if (*s < '0' || *s > '9') continue;
      long v = 0;
      for (; *s >= '0' && *s <= '9'; ++s) v = v * 10 + (*s - '0');
      if (*s == '\0') f(static_cast<int>(v), e->d_name);
    }
    if (last) return;
  }
}

constexpr std::array<const char*, kNsTypeCount> kNsLinkNames = {
    "ns/mnt", "ns/net", "ns/pid", "ns/uts", "ns/ipc", "ns/user", "ns/cgroup", "ns/time"};

using MemoProc = ScanMemo::Impl::Proc;

// Now, in clock ticks after boot: the unit and clock of a process's start time.
uint64_t boot_ticks() {
  timespec ts{};
  clock_gettime(CLOCK_BOOTTIME, &ts);
  const auto hz = static_cast<uint64_t>(sysconf(_SC_CLK_TCK));
  return static_cast<uint64_t>(ts.tv_sec) * hz + static_cast<uint64_t>(ts.tv_nsec) * hz / 1000000000u;
}

class Builder {
 public:
  explicit Builder(const ScanOptions& o, ScanMemo::Impl* memo = nullptr) : opt_(o), memo_(memo) {
    if (memo_ && memo_->root != o.root) {
      memo_->procs.clear();
      memo_->mount_ns.clear();
    }
    snap_.root = o.root;
    std::string proc = (o.root == "/" ? std::string() : o.root) + "/proc";
    proc_owned_ = detail::open_dir_at(AT_FDCWD, proc.c_str());
    if (!proc_owned_) throw std::runtime_error("cannot open " + proc + ": " + std::strerror(errno));
    proc_ = proc_owned_.get();
    if (o.root == "/") {
      snap_.self_pid = getpid();
    } else if (std::string self; detail::readlink_at(proc_, "self", self) == 0) {
      // Under another root (a host's /proc in a container, with or without hostPID) our
      // pid is the one that /proc's own pid namespace gives us; a fixture tree has none.
      snap_.self_pid = detail::to_number<pid_t>(self).value_or(0);
    }
    // pidfd_open takes a pid of our own pid namespace: only when ROOT/proc shows that one
    // (hostPID) do its pids name the same processes, so sockets can be asked for theirs.
    pids_ours_ = snap_.self_pid != 0 && snap_.self_pid == getpid();
    struct stat st;
    if (fstatat(proc_, "self/ns/net", &st, 0) == 0) nsfs_dev_ = st.st_dev;
  }

  // A shard: scans a range of pids for `parent` into its own maps (see scan_processes).
  struct ShardOf {};
  Builder(ShardOf, const Builder& parent)
      : opt_(parent.opt_),
        memo_(parent.memo_),
        proc_(parent.proc_),
        nsfs_dev_(parent.nsfs_dev_),
        pids_ours_(parent.pids_ours_) {}

  // Every process of ROOT/proc, or only `only` (ascending; see scan_pids); a known cgroup
  // layout and engine files are not read again (scan_pids_known).
  Snapshot build(const std::vector<pid_t>* only = nullptr, const CgroupLayout* layout = nullptr,
                 const containers::KnownEngineFiles* known = nullptr) {
    auto t0 = std::chrono::steady_clock::now();
    const uint64_t taken = memo_ ? boot_ticks() : 0;
    std::vector<pid_t> pids;
    if (only) pids = *only;
    else for_each_number(proc_, [&](int pid, const char*) { pids.push_back(pid); });
    scan_processes(pids);
    if (opt_.bind_mounts) scan_bind_mounts();
    if (opt_.fds) resolve_path_fds();
    if (opt_.users) read_users();
    finish();
    if (opt_.cgroups) detail::build_cgroups(snap_, opt_.root, proc_, opt_.cgroup_tree, layout);
    if (opt_.containers && opt_.cgroups) containers::identify_containers(snap_, opt_, known);
    // Refusals found after finish() (cgroup mounts, engine files) are judged the same way.
    if (!snap_.stats.privileged && snap_.stats.refused()) snap_.stats.privileged = detail::have_sys_ptrace();
    if (memo_) refill_memo(taken);
    snap_.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return std::move(snap_);
  }

 private:
  struct NsEntry {
    Namespace ns;
    bool probed = false;
  };

  NsEntry& get_ns(NsType type, NsInode inode) {
    auto [it, fresh] = nsmap_.try_emplace(inode);
    if (fresh) {
      it->second.ns.type = type;
      it->second.ns.inode = inode;
    }
    return it->second;
  }

  // Opens a namespace once (through any path that reaches it) to ask the kernel about it.
  void probe_path(NsEntry& e, int dirfd, const char* path) {
    if (e.probed || !opt_.hierarchy) return;
    Fd fd(::openat(dirfd, path, O_RDONLY | O_CLOEXEC));
    if (fd) probe_fd(e, fd.get());
  }

  void probe_fd(NsEntry& e, int fd) {
    if (e.probed) return;
    e.probed = true;
    // Every namespace lives on the one nsfs superblock: its device is known without a stat.
    if (nsfs_dev_) e.ns.dev = nsfs_dev_;
    else detail::fd_inode(fd, &e.ns.dev);
    const NsType type = e.ns.type;
    if (Fd u = detail::ns_get_userns(fd)) {
      if (auto ino = detail::fd_inode(u.get())) {
        e.ns.owner = *ino;
        probe_fd(get_ns(NsType::user, *ino), u.get());
      }
    }
    if (type == NsType::pid || type == NsType::user) {
      if (Fd p = detail::ns_get_parent(fd)) {
        if (auto ino = detail::fd_inode(p.get())) {
          e.ns.parent = *ino;
          probe_fd(get_ns(type, *ino), p.get());
        }
      }
    }
    // (References into an unordered_map survive rehashing, so e is still valid here.)
    if (type == NsType::user) e.ns.owner_uid = detail::ns_get_owner_uid(fd);
    if (type == NsType::net && opt_.netnsid) e.ns.netnsid = netnsid_.query(fd);
  }

  // The per-process reads are independent system calls into procfs, and they scale across
  // cores: a large scan is split into contiguous pid ranges, each read by a worker into its
  // own shard (no shared state but the /proc fd), and the shards are merged in pid order.
  void scan_processes(const std::vector<pid_t>& pids) {
    constexpr std::size_t kMinPerWorker = 256, kMaxWorkers = 4;
    std::size_t workers = std::min<std::size_t>(
        {kMaxWorkers, std::max(1u, std::thread::hardware_concurrency()), pids.size() / kMinPerWorker});
    if (workers <= 1) {
      snap_.processes.reserve(snap_.processes.size() + pids.size());
      for (pid_t pid : pids) scan_process(pid);
      return;
    }
    // Each worker fills its own range of one vector sized for every pid, so no shard holds a
    // copy of its processes while they are merged (list at 4,000 processes: 0.8 MiB less).
    const std::size_t base = snap_.processes.size();
    snap_.processes.resize(base + pids.size());
    const std::size_t chunk = (pids.size() + workers - 1) / workers;
    auto range = [&](Builder& b, std::size_t w) {
      b.slot_ = snap_.processes.data() + base + w * chunk;
      for (std::size_t i = w * chunk; i < std::min(pids.size(), (w + 1) * chunk); ++i) b.scan_process(pids[i]);
      b.slot_ = nullptr;
    };
    std::vector<std::unique_ptr<Builder>> shards;
    std::vector<std::exception_ptr> errors(workers);
    std::vector<std::thread> threads;
    for (std::size_t w = 1; w < workers; ++w) {
      shards.push_back(std::make_unique<Builder>(ShardOf{}, *this));
      threads.emplace_back([&, w, shard = shards.back().get()] {
        try {
          range(*shard, w);
        } catch (...) {
          errors[w] = std::current_exception();
        }
      });
    }
    try {
      range(*this, 0);
    } catch (...) {
      errors[0] = std::current_exception();
    }
    for (auto& t : threads) t.join();
    for (auto& e : errors)
      if (e) std::rethrow_exception(e);
    for (auto& shard : shards) absorb(*shard);
    // Slots of processes that vanished before they were read stay empty (pid 0).
    snap_.processes.erase(std::remove_if(snap_.processes.begin() + static_cast<std::ptrdiff_t>(base),
                                         snap_.processes.end(), [](const Process& p) { return p.pid == 0; }),
                          snap_.processes.end());
  }

  // Takes over a shard's processes, namespaces and pending fds.
  void absorb(Builder& shard) {
    snap_.stats.processes_seen += shard.snap_.stats.processes_seen;
    snap_.stats.processes_vanished += shard.snap_.stats.processes_vanished;
    snap_.stats.processes_reused += shard.snap_.stats.processes_reused;
    merge_denied(shard.snap_.stats);
    for (auto& [ino, theirs] : shard.nsmap_) {
      auto [it, fresh] = nsmap_.try_emplace(ino, std::move(theirs));
      if (fresh) continue;
      NsEntry& mine = it->second;
      mine.ns.pids.insert(mine.ns.pids.end(), theirs.ns.pids.begin(), theirs.ns.pids.end());
      mine.ns.holders.insert(mine.ns.holders.end(), theirs.ns.holders.begin(), theirs.ns.holders.end());
      if (!mine.probed && theirs.probed) {
        mine.probed = true;
        mine.ns.dev = theirs.ns.dev;
        mine.ns.parent = theirs.ns.parent;
        mine.ns.owner = theirs.ns.owner;
        mine.ns.owner_uid = theirs.ns.owner_uid;
        mine.ns.netnsid = theirs.ns.netnsid;
      }
    }
    for (auto& [sock, netns] : shard.socket_netns_) socket_netns_.try_emplace(sock, netns);
    for (auto& [path, fds] : shard.pending_path_fds_) {
      auto& mine = pending_path_fds_[path];
      mine.insert(mine.end(), fds.begin(), fds.end());
    }
  }

  void merge_denied(const ScanStats& o) {
    ScanStats& m = snap_.stats;
    m.permission_denied += o.permission_denied;
    m.processes_denied += o.processes_denied;
    m.ns_denied += o.ns_denied;
    m.status_denied += o.status_denied;
    m.cmdline_denied += o.cmdline_denied;
    m.cgroup_denied += o.cgroup_denied;
    m.io_denied += o.io_denied;
    m.fds_denied += o.fds_denied;
    for (std::size_t i = 0; i < kNsTypeCount; ++i) {
      if (auto x = o.ns_denied_lowest_pid[i]; x && (!m.ns_denied_lowest_pid[i] || *x < *m.ns_denied_lowest_pid[i]))
        m.ns_denied_lowest_pid[i] = x;
      if (auto x = o.ns_denied_earliest_start[i];
          x && (!m.ns_denied_earliest_start[i] || *x < *m.ns_denied_earliest_start[i]))
        m.ns_denied_earliest_start[i] = x;
    }
  }

  // A process whose link of type i could not be read: a namespace's members, lowest and
  // oldest pid are certain only below and before it (pids come in ascending order per shard).
  void note_ns_denied(std::size_t i, pid_t pid, uint64_t start) {
    auto& low = snap_.stats.ns_denied_lowest_pid[i];
    if (!low || pid < *low) low = pid;
    auto& early = snap_.stats.ns_denied_earliest_start[i];
    if (!early || start < *early) early = start;
  }

  // /proc/PID (or its stat) refused outright (hidepid): nothing of it is known, so it may be
  // a member of any namespace.
  void note_process_denied(pid_t pid) {
    ++snap_.stats.processes_denied;
    for (std::size_t i = 0; i < kNsTypeCount; ++i) note_ns_denied(i, pid, 0);
  }

  void scan_process(pid_t pid) {
    char name[16];
    std::snprintf(name, sizeof name, "%d", pid);
    Fd dir = detail::open_dir_at(proc_, name);
    if (!dir) {  // gone already, or hidden from us
      if (is_denied(errno)) note_process_denied(pid);
      return;
    }
    ++snap_.stats.processes_seen;
    Process p;
    p.pid = pid;
    if (int err = detail::read_file_at(dir.get(), "stat", buf_, true); err) {
      if (is_denied(err)) note_process_denied(pid);
      else ++snap_.stats.processes_vanished;
      return;
    }
    auto st = procfs::parse_stat(buf_);
    if (!st) return;
    p.ppid = st->ppid;
    p.comm = std::move(st->comm);
    p.state = st->state;
    p.start_time = st->start_time;
    p.threads = st->num_threads;
    p.kernel_thread = (st->flags & 0x00200000) != 0;  // PF_KTHREAD
    if (!opt_.uid_leaders_only) p.uid = dir_owner(dir.get());
    // A process whose main thread exited while others run on (pthread_exit in main) has a
    // zombie leader: /proc/PID's ns links, cmdline, VmRSS and fds are gone with it, but the
    // process lives in a live thread's /proc/PID/task/TID. Read those from there.
    Fd live;
    if (st->state == 'Z' && st->num_threads > 1) live = live_thread_dir(dir.get(), pid);
    const int view = live ? live.get() : dir.get();

    // Links a memo kept (see scan(options, memo)); a zombie's may be gone since.
    const MemoProc* kept = memo_ && opt_.namespaces && st->state != 'Z' ? memo_->known(pid, p.start_time, p.comm) : nullptr;
    if (kept) {
      p.ns = kept->ns;
      ++snap_.stats.processes_reused;
    }
    for (std::size_t i = 0; opt_.namespaces && !kept && i < kNsTypeCount; ++i) {
      int err = detail::readlink_at(view, kNsLinkNames[i], link_);
      if (err) {
        if (is_denied(err)) {
          p.unreadable |= kUnreadNs;
          note_ns_denied(i, pid, p.start_time);
        }
        continue;
      }
      if (auto l = procfs::parse_ns_link(link_)) p.ns[i] = l->inode;
    }
    if (opt_.namespaces && !(p.unreadable & kUnreadNs)) for_children_links(view, p, kept);

    if (opt_.cmdline && !opt_.cmdline_leaders_only) {
      if (int err = detail::read_file_at(view, "cmdline", buf_, true); err == 0)
        p.cmdline = procfs::parse_cmdline(buf_);
      else if (is_denied(err))
        p.unreadable |= kUnreadCmdline;
    }
    if (opt_.status || opt_.usage) {
      if (int err = detail::read_file_at(view, "status", buf_, true); err == 0) {
        auto status = procfs::parse_status(buf_);
        if (opt_.status) p.nspid = std::move(status.nspid);
        if (opt_.usage) p.rss_bytes = status.vm_rss_bytes.value_or(0);  // kernel threads: none
      } else if (is_denied(err)) {
        p.unreadable |= kUnreadStatus;
      }
    }
    if (opt_.usage) {
      p.cpu_ticks = st->utime + st->stime;
      if (int err = detail::read_file_at(dir.get(), "io", buf_, true); err == 0) {
        auto io = procfs::parse_io(buf_);
        p.io_read_bytes = io.read_bytes;
        p.io_write_bytes = io.write_bytes;
      } else if (is_denied(err)) {
        p.unreadable |= kUnreadIo;
      }
    }
    if (opt_.cgroups) {
      if (int err = detail::read_file_at(view, "cgroup", buf_, true); err == 0) {
        // Most processes share their cgroups: parse each distinct file once, share the lines.
        auto it = cgroup_lines_.find(buf_);
        if (it == cgroup_lines_.end()) it = cgroup_lines_.emplace(buf_, CgroupLines(procfs::parse_cgroup(buf_))).first;
        p.cgroups = it->second;
      } else if (is_denied(err)) {
        p.unreadable |= kUnreadCgroup;
      }
    }

    // Member namespaces.
    for (std::size_t i = 0; i < kNsTypeCount; ++i) {
      if (!p.ns[i]) continue;
      NsEntry& e = get_ns(kAllNsTypes[i], p.ns[i]);
      e.ns.pids.push_back(pid);
      if (!e.probed) probe_path(e, view, kNsLinkNames[i]);
    }
    if (opt_.threads && p.threads > 1) scan_threads(dir.get(), p);
    if (opt_.fds && !p.kernel_thread) scan_fds(view, p);
    count_unreadable(p.unreadable);
    if (slot_) *slot_++ = std::move(p);
    else snap_.processes.push_back(std::move(p));
  }

  // /proc/PID/task/TID of a thread other than the leader that is not a zombie itself; an
  // invalid Fd when there is none (the whole process is exiting).
  Fd live_thread_dir(int dirfd, pid_t pid) {
    Fd task = detail::open_dir_at(dirfd, "task");
    if (!task) return Fd();
    Fd found;
    std::string stat;
    for_each_number(task.get(), [&](int tid, const char* tname) {
      if (found || tid == pid) return;
      Fd t = detail::open_dir_at(task.get(), tname);
      if (!t || detail::read_file_at(t.get(), "stat", stat, true) != 0) return;
      auto tst = procfs::parse_stat(stat);
      if (tst && tst->state != 'Z' && tst->state != 'X') found = std::move(t);
    });
    return found;
  }

  void count_unreadable(uint8_t bits) {
    if (!bits) return;
    ScanStats& st = snap_.stats;
    ++st.permission_denied;
    st.ns_denied += (bits & kUnreadNs) != 0;
    st.status_denied += (bits & kUnreadStatus) != 0;
    st.cmdline_denied += (bits & kUnreadCmdline) != 0;
    st.cgroup_denied += (bits & kUnreadCgroup) != 0;
    st.io_denied += (bits & kUnreadIo) != 0;
    st.fds_denied += (bits & kUnreadFds) != 0;
  }

  // kept: the links a memo kept for this process, read from it instead.
  void for_children_links(int dirfd, Process& p, const MemoProc* kept) {
    struct Kid {
      const char* link;
      NsType type;
      NsInode Process::*field;
      NsInode MemoProc::*memo_field;
      HolderKind kind;
    };
    static const Kid kids[] = {{"ns/pid_for_children", NsType::pid, &Process::pid_for_children,
                                &MemoProc::pid_for_children, HolderKind::pid_for_children},
                               {"ns/time_for_children", NsType::time, &Process::time_for_children,
                                &MemoProc::time_for_children, HolderKind::time_for_children}};
    for (const auto& k : kids) {
      NsInode inode = 0;
      if (kept) {
        inode = kept->*k.memo_field;
      } else if (detail::readlink_at(dirfd, k.link, link_) == 0) {
        if (auto l = procfs::parse_ns_link(link_)) inode = l->inode;
      }
      if (!inode) continue;
      p.*k.field = inode;
      if (inode == p.ns[index_of(k.type)]) continue;
      // A process that unshared but has no child yet: the namespace lives only through it.
      NsEntry& e = get_ns(k.type, inode);
      e.ns.holders.push_back(Holder{k.kind, p.pid, -1, {}, 0});
      probe_path(e, dirfd, k.link);
    }
  }

  void scan_threads(int dirfd, const Process& p) {
    Fd task = detail::open_dir_at(dirfd, "task");
    if (!task) return;
    for_each_number(task.get(), [&](int tid, const char* tname) {
      if (tid == p.pid) return;
      for (std::size_t i = 0; i < kNsTypeCount; ++i) {
        char path[320];
        std::snprintf(path, sizeof path, "%s/%s", tname, kNsLinkNames[i]);
        if (detail::readlink_at(task.get(), path, link_) != 0) continue;
        auto l = procfs::parse_ns_link(link_);
        if (!l || l->inode == p.ns[i]) continue;
        NsEntry& e = get_ns(l->type, l->inode);
        e.ns.holders.push_back(Holder{HolderKind::thread, p.pid, tid, {}, 0});
        probe_path(e, task.get(), path);
      }
    });
  }

  void scan_fds(int dirfd, Process& p) {
    Fd fddir = detail::open_dir_at(dirfd, "fd");
    if (!fddir) {
      if (is_denied(errno)) p.unreadable |= kUnreadFds;
      return;
    }
    Fd pidfd;
    bool pidfd_tried = false;
    for_each_number(fddir.get(), [&](int fdnum, const char* fname) {
      if (detail::readlink_at(fddir.get(), fname, link_) != 0) return;
      if (auto l = procfs::parse_ns_link(link_)) {
        NsEntry& e = get_ns(l->type, l->inode);
        e.ns.holders.push_back(Holder{HolderKind::fd, p.pid, fdnum, {}, 0});
        probe_path(e, fddir.get(), fname);
        return;
      }
      if (!link_.empty() && link_[0] == '/') {
        // An nsfs file opened through a bind mount reads as that mount's path, or as "/"
        // once it is unmounted (`ip netns del`). Only stat() tells; do it for "/" now and
        // for paths that are nsfs mount points once the mounts are known.
        if (link_ == "/") stat_nsfs_fd(fddir.get(), fname, p.pid, fdnum);
        else pending_path_fds_[link_].emplace_back(p.pid, fdnum);
        return;
      }
      if (!opt_.sockets || !pids_ours_) return;
      auto sock = procfs::parse_socket_link(link_);
      if (!sock) return;
      std::optional<NsInode> netns;
      if (auto it = socket_netns_.find(*sock); it != socket_netns_.end()) {
        netns = it->second;
      } else {
        if (!pidfd_tried) {
          pidfd_tried = true;
          pidfd.reset(detail::pidfd_open(p.pid));
        }
        if (!pidfd) return;
        Fd local(detail::pidfd_getfd(pidfd.get(), fdnum));
        if (!local) return;
        Fd nsfd = detail::socket_netns(local.get());
        if (!nsfd) return;
        netns = detail::fd_inode(nsfd.get());
        if (!netns) return;
        socket_netns_.emplace(*sock, *netns);
        NsEntry& e = get_ns(NsType::net, *netns);
        if (!e.probed) probe_fd(e, nsfd.get());
      }
      if (netns == p.ns[index_of(NsType::net)]) return;  // the usual case: not worth a holder
      get_ns(NsType::net, *netns).ns.holders.push_back(Holder{HolderKind::socket, p.pid, fdnum, {}, 0});
    });
  }

  void stat_nsfs_fd(int fddir, const char* fname, pid_t pid, int fdnum) {
    struct stat st;
    if (fstatat(fddir, fname, &st, 0) != 0 || nsfs_dev_ == 0 || st.st_dev != nsfs_dev_) return;
    Fd fd(::openat(fddir, fname, O_RDONLY | O_CLOEXEC));
    if (!fd) return;
    auto type = detail::ns_get_type(fd.get());
    if (!type) return;
    NsEntry& e = get_ns(*type, st.st_ino);
    e.ns.holders.push_back(Holder{HolderKind::fd, pid, fdnum, {}, 0});
    if (!e.probed && opt_.hierarchy) probe_fd(e, fd.get());
  }

  // fds whose path is an nsfs mount point seen in some mount namespace.
  void resolve_path_fds() {
    std::vector<std::pair<pid_t, int>> hits;
    for (const auto& [path, fds] : pending_path_fds_)
      if (nsfs_mount_points_.count(path)) hits.insert(hits.end(), fds.begin(), fds.end());
    std::sort(hits.begin(), hits.end());  // holders in pid and fd order, as the scan met them
    for (auto [pid, fdnum] : hits) {
      char dir[32];
      std::snprintf(dir, sizeof dir, "%d/fd", pid);
      Fd fddir = detail::open_dir_at(proc_, dir);
      if (!fddir) continue;
      stat_nsfs_fd(fddir.get(), std::to_string(fdnum).c_str(), pid, fdnum);
    }
  }

  // nsfs mounts in the mountinfo of every mount namespace, read through one member each.
  void scan_bind_mounts() {
    std::vector<std::pair<NsInode, pid_t>> mntns;
    for (auto& [ino, e] : nsmap_)
      if (e.ns.type == NsType::mnt && !e.ns.pids.empty())
        mntns.emplace_back(ino, *std::min_element(e.ns.pids.begin(), e.ns.pids.end()));
    std::unordered_map<NsInode, ScanMemo::Impl::MountNs> memo_next;
    for (auto [mnt_ino, pid] : mntns) {
      // With a memo, the namespace's mount ids are listed before its mountinfo is read: a
      // mount made in between is then in the text but not the list, and read again next time.
      ScanMemo::Impl::MountNs listed;
      const bool kept = memo_ && list_mount_ns(mnt_ino, pid, listed);
      if (kept) {
        nsfs_lines_ = memo_->mount_ns[mnt_ino].nsfs_lines;
        ++snap_.stats.mount_lists_reused;
      } else {
        char path[64];
        std::snprintf(path, sizeof path, "%d/mountinfo", pid);
        if (detail::read_file_at(proc_, path, buf_) != 0) continue;
        // Most mounts are not nsfs: keep only candidate lines before parsing.
        nsfs_lines_.clear();
        detail::for_each_line(buf_, [&](std::string_view line) {
          if (line.find(" - nsfs ") != std::string_view::npos) {
            nsfs_lines_.append(line);
            nsfs_lines_.push_back('\n');
          }
        });
      }
      if (listed.id) {
        listed.nsfs_lines = nsfs_lines_;
        memo_next.emplace(mnt_ino, std::move(listed));
      }
      if (nsfs_lines_.empty()) continue;
      // A mount stacked twice on one path is one holder. Holders of other mount namespaces
      // differ in pid and mnt_ns, so only this mountinfo's are compared (no search through
      // a namespace's holders: a node with N mount namespaces has N copies of /run/netns/*).
      std::unordered_set<std::string> seen;
      for (auto& m : procfs::parse_mountinfo(nsfs_lines_)) {
        if (m.fstype != "nsfs") continue;
        auto l = procfs::parse_ns_link(m.root);
        if (!l) continue;
        nsfs_mount_points_.insert(m.mount_point);
        if (!seen.insert(std::string(m.root) + ' ' + m.mount_point).second) continue;
        NsEntry& e = get_ns(l->type, l->inode);
        auto path = bind_paths_.try_emplace(std::string(m.mount_point), m.mount_point).first;
        e.ns.holders.push_back(Holder{HolderKind::bind_mount, pid, -1, path->second, mnt_ino});
        if (!e.probed) {
          std::string through = std::to_string(pid) + "/root" + m.mount_point;
          probe_path(e, proc_, through.c_str());
        }
      }
    }
    if (memo_) memo_->mount_ns = std::move(memo_next);
  }

  // Lists a mount namespace's mount ids into `out` (with its id and the pid read through)
  // and says whether they are the memo's for it: then its nsfs lines are the memo's. out.id
  // stays 0 when the ids could not be listed (the memo then keeps nothing of it).
  bool list_mount_ns(NsInode mnt_ino, pid_t pid, ScanMemo::Impl::MountNs& out) {
    if (!memo_->listmount) return false;
    auto old = memo_->mount_ns.find(mnt_ino);
    uint64_t id = old != memo_->mount_ns.end() ? old->second.id : 0;
    int err = id ? detail::list_mounts(id, out.mounts) : ENOENT;
    if (err == ENOENT) {  // not asked before, or the inode now names another namespace
      char path[32];
      std::snprintf(path, sizeof path, "%d/ns/mnt", pid);
      err = detail::mount_ns_id(proc_, path, id);
      if (!err) err = detail::list_mounts(id, out.mounts);
      if (is_vanished(err)) return false;
    }
    if (err) {
      // Too old a kernel (ENOSYS, ENOTTY, EINVAL), or not allowed (EPERM, a seccomp filter):
      // the same for every namespace, so stop asking.
      memo_->listmount = false;
      return false;
    }
    out.pid = pid;
    out.id = id;
    return old != memo_->mount_ns.end() && old->second.id == id && old->second.pid == pid &&
           old->second.mounts == out.mounts;
  }

  // Keeps this scan's processes for the next (see scan(options, memo)): those whose links
  // were all read, at least two seconds after they started (`taken`: when this scan began).
  void refill_memo(uint64_t taken) {
    memo_->root = opt_.root;
    memo_->procs.clear();
    if (!opt_.namespaces) return;
    const uint64_t settle = 2 * static_cast<uint64_t>(sysconf(_SC_CLK_TCK));
    for (const Process& p : snap_.processes) {
      if (p.state == 'Z' || (p.unreadable & kUnreadNs) || p.start_time + settle > taken) continue;
      memo_->procs.emplace(p.pid, MemoProc{p.start_time, p.comm, p.ns, p.pid_for_children, p.time_for_children});
    }
  }

  void read_users() {
    std::string passwd = (opt_.root == "/" ? std::string() : opt_.root) + "/etc/passwd";
    if (detail::read_file_at(AT_FDCWD, passwd.c_str(), buf_) != 0) return;
    for (auto& [uid, name] : procfs::parse_passwd(buf_)) snap_.user_names.try_emplace(uid, name);
  }

  void read_cmdline(pid_t pid) {
    auto it = snap_.pid_index.find(pid);
    if (it == snap_.pid_index.end()) return;
    Process& p = snap_.processes[it->second];
    if (!p.cmdline.empty()) return;
    char path[32];
    std::snprintf(path, sizeof path, "%d/cmdline", pid);
    if (int err = detail::read_file_at(proc_, path, buf_, true); err == 0) {
      p.cmdline = procfs::parse_cmdline(buf_);
    } else if (is_denied(err) && !(p.unreadable & kUnreadCmdline)) {
      if (!p.unreadable) ++snap_.stats.permission_denied;
      p.unreadable |= kUnreadCmdline;
      ++snap_.stats.cmdline_denied;
    }
  }

  // The owner of /proc/PID: lsns's UID (the effective uid; root for non-dumpable processes).
  static std::optional<uid_t> dir_owner(int dirfd) {
    struct stat st;
    if (fstat(dirfd, &st) != 0) return std::nullopt;
    return st.st_uid;
  }

  void read_uid(pid_t pid) {
    auto it = snap_.pid_index.find(pid);
    if (it == snap_.pid_index.end()) return;
    Process& p = snap_.processes[it->second];
    if (p.uid) return;
    char path[16];
    std::snprintf(path, sizeof path, "%d", pid);
    // (fstatat of /proc/PID needs no permission beyond seeing it.)
    struct stat st;
    if (fstatat(proc_, path, &st, 0) == 0) p.uid = st.st_uid;
  }

  void finish() {
    auto& procs = snap_.processes;
    std::sort(procs.begin(), procs.end(), [](auto& a, auto& b) { return a.pid < b.pid; });
    auto& out = snap_.namespaces;
    out.reserve(nsmap_.size());
    // Each map node is freed as its namespace moves out, so the cgroup and container steps
    // that follow reuse that memory instead of growing the peak.
    while (!nsmap_.empty()) {
      auto node = nsmap_.extract(nsmap_.begin());
      node.mapped().ns.inspected = node.mapped().probed;
      out.push_back(std::move(node.mapped().ns));
    }
    nsmap_ = {};
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.inode < b.inode; });
    snap_.reindex();
    ScanStats& st = snap_.stats;
    if (st.refused()) st.privileged = detail::have_sys_ptrace();
    for (auto& n : out) {
      std::sort(n.pids.begin(), n.pids.end());
      n.hidden = n.pids.empty() && n.holders.empty();
      const std::size_t ti = index_of(n.type);
      n.members_partial = st.ns_partial(n.type);
      if (!n.pids.empty()) {
        // With unreadable processes about, the lowest (oldest) member seen is the namespace's
        // only when every unreadable one comes after it; otherwise it is unknown.
        if (!n.members_partial || n.pids.front() < *st.ns_denied_lowest_pid[ti]) n.lowest_pid = n.pids.front();
        const Process* oldest = nullptr;
        for (pid_t pid : n.pids) {
          const Process* pr = snap_.process(pid);
          if (pr && (!oldest || pr->start_time < oldest->start_time)) oldest = pr;
        }
        if (oldest && (!n.members_partial || oldest->start_time < *st.ns_denied_earliest_start[ti]))
          n.oldest_pid = oldest->pid;
      }
      if (opt_.cmdline && opt_.cmdline_leaders_only && n.lowest_pid) read_cmdline(*n.lowest_pid);
      if (opt_.uid_leaders_only && n.lowest_pid) read_uid(*n.lowest_pid);
      if (n.parent)
        if (auto idx = snap_.ns_index.find(*n.parent); idx != snap_.ns_index.end())
          out[idx->second].children.push_back(n.inode);
      if (n.owner)
        if (auto idx = snap_.ns_index.find(*n.owner); idx != snap_.ns_index.end())
          out[idx->second].owned.push_back(n.inode);
    }
  }

  ScanOptions opt_;
  ScanMemo::Impl* memo_ = nullptr;  // read by every shard, written by the main builder only
  Snapshot snap_;
  Fd proc_owned_;  // the main builder's; shards borrow proc_
  int proc_ = -1;
  std::unordered_map<NsInode, NsEntry> nsmap_;
  std::unordered_map<uint64_t, NsInode> socket_netns_;  // socket inode -> its netns
  // fds to files that may be nsfs mounts, by path: most are /dev/null or a tty, kept once.
  std::unordered_map<std::string, std::vector<std::pair<pid_t, int>>> pending_path_fds_;
  Process* slot_ = nullptr;  // parallel scan: where this worker's next process goes
  std::unordered_set<std::string> nsfs_mount_points_;
  std::unordered_map<std::string, SharedText> bind_paths_;  // one string per distinct mount point
  dev_t nsfs_dev_ = 0;
  bool pids_ours_ = false;  // ROOT/proc is our own pid namespace's (pidfd_open may be used)
  detail::NetnsidQuery netnsid_;
  std::string buf_, link_, nsfs_lines_;  // reused for every read
  std::unordered_map<std::string, CgroupLines> cgroup_lines_;  // /proc/PID/cgroup text -> lines
};

}  // namespace

Snapshot scan(const ScanOptions& options) { return Builder(options).build(); }

ScanMemo::ScanMemo() : impl_(std::make_unique<Impl>()) {}
ScanMemo::~ScanMemo() = default;
ScanMemo::ScanMemo(ScanMemo&&) noexcept = default;
ScanMemo& ScanMemo::operator=(ScanMemo&&) noexcept = default;
void ScanMemo::forget() {
  impl_->procs.clear();
  impl_->mount_ns.clear();
}

Snapshot scan(const ScanOptions& options, ScanMemo& memo) { return Builder(options, &memo.impl()).build(); }

Snapshot scan_pids(const ScanOptions& options, std::vector<pid_t> pids) {
  return detail::scan_pids_known(options, std::move(pids), nullptr, nullptr);
}

Snapshot detail::scan_pids_known(const ScanOptions& options, std::vector<pid_t> pids, const CgroupLayout* layout,
                                 const containers::KnownEngineFiles* known) {
  // In /proc's own order (ascending), so that what depends on the order (a container's pids,
  // a namespace's lowest pid) comes out as a whole scan gives it.
  std::sort(pids.begin(), pids.end());
  pids.erase(std::unique(pids.begin(), pids.end()), pids.end());
  pids.erase(std::remove_if(pids.begin(), pids.end(), [](pid_t p) { return p <= 0; }), pids.end());
  return Builder(options).build(&pids, layout, known);
}

ScanOptions scan_options_for(Sources s, std::string root) {
  ScanOptions o;
  // Fails to compile when a field is added: give it a Source, then count it here.
  [[maybe_unused]] auto& [r, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16] = o;
  o.root = std::move(root);
  o.cmdline = s & src_cmdline;
  o.status = s & src_status;
  o.cgroups = s & (src_cgroups | src_containers | src_cgroup_tree);
  o.cgroup_tree = s & src_cgroup_tree;
  o.threads = s & src_threads;
  o.fds = s & src_fds;
  o.sockets = s & src_sockets;
  o.bind_mounts = s & src_bind_mounts;
  o.hierarchy = s & src_hierarchy;
  o.netnsid = s & src_netnsid;
  o.users = s & src_users;
  o.containers = s & src_containers;
  o.namespaces = s & src_namespaces;
  o.usage = s & src_usage;
  return o;
}

ScanOptions merge(ScanOptions a, const ScanOptions& b) {
  // Fails to compile when a field is added: merge it below, then count it here.
  [[maybe_unused]] auto& [root, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16] = a;
  const bool full_a = a.cmdline && !a.cmdline_leaders_only, full_b = b.cmdline && !b.cmdline_leaders_only;
  a.cmdline = a.cmdline || b.cmdline;
  a.cmdline_leaders_only = a.cmdline && !full_a && !full_b;
  a.uid_leaders_only = a.uid_leaders_only && b.uid_leaders_only;
  for (auto field : {&ScanOptions::status, &ScanOptions::cgroups, &ScanOptions::cgroup_tree, &ScanOptions::threads,
                     &ScanOptions::fds, &ScanOptions::sockets, &ScanOptions::bind_mounts, &ScanOptions::hierarchy,
                     &ScanOptions::netnsid, &ScanOptions::users, &ScanOptions::containers, &ScanOptions::namespaces,
                     &ScanOptions::usage})
    a.*field = a.*field || b.*field;
  return a;
}

}  // namespace nsinspect
