// Docker and containerd started by a test, as a real node has them: Debian's binaries at their
// default paths (/run/docker, /var/lib/docker, /run/containerd, /var/lib/containerd), which is
// where nsview looks. A test never touches an engine it did not start: when one runs, or its
// state directory is there already, the daemon is not started and the test is skipped.
// Stopped by pid at scope exit (also on failure), then everything it made is removed: its
// state directories and the empty cgroup directories the engine left in every hierarchy.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>
#include <sys/types.h>

namespace testsupport {

inline const std::string kEngineImage = "docker.io/library/nsview-bb:test";

// A busybox root file system (sh, sleep, hostname, cat) as a tar at PATH.
void busybox_rootfs_tar(const std::string& path);

class EngineDaemon {
 public:
  // Why the daemon cannot be started here; "" when it was started and answers.
  const std::string& skip_reason() const { return skip_; }
  // Why a daemon that was started did not come up; "" when it answers.
  const std::string& error() const { return error_; }
  bool ready() const { return skip_.empty() && error_.empty(); }
  pid_t pid() const { return pid_; }
  // Top-level cgroup names (below every hierarchy's root) that the test's containers cause
  // (docker, a --cgroup-parent, containerd namespaces, kubepods): removed after the daemon
  // stops, deepest first, when they were not there before.
  void cgroups_caused(const std::string& top);
  ~EngineDaemon();
  EngineDaemon(const EngineDaemon&) = delete;
  EngineDaemon& operator=(const EngineDaemon&) = delete;

 protected:
  // state_dirs: not started when one is there; removed afterwards. argv: "@DIR@" stands for
  // dir_. config (when not empty) is written to @DIR@/config.toml. leftovers: other paths the
  // daemon makes, removed afterwards when they were not there before.
  EngineDaemon(const std::string& comm, std::vector<std::string> state_dirs, std::vector<std::string> argv,
               const std::string& ready_cmd, const std::string& config, const std::vector<std::string>& leftovers);
  std::string dir_;  // this test's temporary directory (log, config, image archives)
  void stop();

 private:
  std::string skip_, error_;
  pid_t pid_ = -1;
  std::vector<std::string> made_dirs_;  // state directories this daemon created
  std::vector<std::string> cgroup_dirs_;  // absolute, not there before
};

// dockerd --iptables=false --ip-masq=false --bridge=none (no systemd, no network), cgroupfs
// driver; it starts its own containerd. The image kEngineImage is imported when started.
class Dockerd : public EngineDaemon {
 public:
  Dockerd();
  ~Dockerd();
  // /usr/bin/docker ARGS (a shell word list); trimmed stdout; throws when it fails.
  std::string docker(const std::string& args);
  std::vector<std::string> containers;  // names removed with `docker rm -f` before the stop
};

// containerd with a test config (the CRI plugin off). import_image(NS) brings kEngineImage
// into a namespace from a hand-made OCI archive.
class Containerd : public EngineDaemon {
 public:
  Containerd();
  ~Containerd();
  std::string ctr(const std::string& ns, const std::string& args);
  void import_image(const std::string& ns);
  // ctr -n NS run -d ARGS kEngineImage ID sleep 1000; removed (task and container) before the stop.
  void run(const std::string& ns, const std::string& id, const std::string& args = "");
  struct Made { std::string ns, id; };
  std::vector<Made> containers;
  std::vector<std::string> namespaces;
};

// What nsview must say of one running container, taken from the engine's own inspect.
struct EngineTruth {
  std::string id;
  std::optional<std::string> name;      // nullopt: the engine has none (JSON null)
  std::string engine, runtime = "runc";
  std::optional<std::string> containerd_namespace;  // ctr -n NS; nullopt: not containerd's
  bool id_shared = false;  // another namespace holds the same id: found and entered as NS/ID
  pid_t pid = 0, monitor_pid = 0;       // the init and the shim, from inspect / task ls
  std::optional<std::string> image, hostname;
  std::string state = "running";
  std::optional<std::string> pod_name, pod_namespace;  // nullopt: not in a pod
  std::vector<pid_t> also_pids;         // more processes of the container (exec'd, init's child)
  // list's CONTAINER for the container's namespaces of a type; others: its name or short id.
  std::map<std::string, std::string> ns_labels;
};
// Checks, against t and /proc and the container's cgroup files: `nsview ps -J`, the rows of
// `nsview list -J -o +CONTAINER` for its own namespaces, its row of `nsview top -J -n 1
// --group container` (id NAMESPACE/ID for a containerd container), and (running containers) `nsview enter ID -- hostname` against
// `nsenter -t PID -u hostname`.
void check_nsview_sees(const EngineTruth& t);

}  // namespace testsupport
