#include "engines.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cgroups.hpp"
#include "run.hpp"

namespace fs = std::filesystem;

namespace testsupport {

namespace {

bool exists(const std::string& p) {
  struct stat st;
  return lstat(p.c_str(), &st) == 0;
}

// A process of that exact comm: an engine daemon this test did not start.
bool comm_running(const std::string& comm) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    if (trimmed(slurp("/proc/" + name + "/comm")) == comm) return true;
  }
  return false;
}

std::vector<std::string> hierarchies() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kCgroupRoot, ec))
    if (e.is_directory() && !e.is_symlink() && exists(e.path().string() + "/cgroup.procs")) out.push_back(e.path());
  if (exists(kCgroupRoot + "/cgroup.procs")) out.push_back(kCgroupRoot);  // pure v2
  return out;
}

std::string q(const std::string& s) {  // one shell word
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

}  // namespace

void busybox_rootfs_tar(const std::string& path) {
  const std::string r = path + ".rootfs";
  Cleanup rm("rm -rf " + q(r));
  sh_out("set -e; r=" + q(r) + "; mkdir -p $r/bin $r/proc $r/sys $r/dev $r/etc $r/tmp; cp /bin/busybox $r/bin/; "
         "for l in sh sleep hostname cat; do ln -s busybox $r/bin/$l; done; tar -C $r -cf " + q(path) + " .");
}

EngineDaemon::EngineDaemon(const std::string& comm, std::vector<std::string> state_dirs, std::vector<std::string> argv,
                           const std::string& ready_cmd, const std::string& config,
                           const std::vector<std::string>& leftovers) {
  if (!exists(argv[0])) {
    skip_ = argv[0] + " is not installed (scripts/deps.sh installs docker.io and containerd)";
    return;
  }
  if (getuid() != 0) {
    skip_ = "not root";
    return;
  }
  // docker's own containerd has the comm "containerd" too.
  for (const std::string& c : {comm, std::string("dockerd"), std::string("containerd")})
    if (comm_running(c)) {
      skip_ = "a " + c + " this test did not start is running; the test uses the default paths and leaves it alone";
      return;
    }
  for (const auto& d : state_dirs)
    if (exists(d)) {
      skip_ = d + " exists (an engine's state this test did not make); remove it to run this test";
      return;
    }
  made_dirs_ = std::move(state_dirs);
  for (const auto& p : leftovers)
    if (!exists(p)) made_dirs_.push_back(p);
  dir_ = "/tmp/nsview-test-" + std::to_string(getpid()) + "-" + comm;
  sh_out("rm -rf " + dir_ + " && mkdir -p " + dir_);
  if (!config.empty()) std::ofstream(dir_ + "/config.toml") << config;
  for (std::string& a : argv) {
    auto at = a.find("@DIR@");
    if (at != std::string::npos) a.replace(at, 5, dir_);
  }
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    setsid();
    int fd = open((dir_ + "/daemon.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) dup2(fd, 1), dup2(fd, 2);
    if (nul >= 0) dup2(nul, 0);
    std::vector<char*> v;
    for (auto& a : argv) v.push_back(a.data());
    v.push_back(nullptr);
    execv(v[0], v.data());
    _exit(127);
  }
  for (int i = 0; i < 300; ++i) {  // 30 s: a loaded machine starts dockerd slowly
    if (sh(ready_cmd + " >/dev/null 2>&1").status == 0) return;
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      break;
    }
    sleep_ms(100);
  }
  error_ = comm + " did not come up: " + slurp(dir_ + "/daemon.log").substr(0, 4000);
}

void EngineDaemon::cgroups_caused(const std::string& top) {
  for (const auto& h : hierarchies()) {
    const std::string d = h + "/" + top;
    if (!exists(d)) cgroup_dirs_.push_back(d);
  }
}

void EngineDaemon::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  bool gone = false;
  for (int i = 0; i < 300 && !gone; ++i) {  // dockerd stops its containerd first
    gone = waitpid(pid_, nullptr, WNOHANG) == pid_;
    if (!gone) sleep_ms(100);
  }
  if (!gone) {
    kill(-pid_, SIGKILL);  // the session it leads: its own containerd
    waitpid(pid_, nullptr, 0);
  }
  pid_ = -1;
}

EngineDaemon::~EngineDaemon() {
  stop();
  // Mounts at or below the state directories: dockerd bind-mounts /var/lib/docker onto itself
  // (for mount propagation), a killed daemon leaves overlays and netns bind mounts.
  for (const auto& d : made_dirs_)
    sh("awk -v d=" + q(d) + " '$2 == d || index($2, d \"/\") == 1 {print $2}' /proc/self/mounts | sort -r | "
       "xargs -r -n1 umount -l 2>/dev/null; rm -rf " + q(d));
  // Deepest first; a cgroup whose last process just died may stay busy a moment.
  for (const auto& d : cgroup_dirs_)
    sh("for i in $(seq 50); do [ -d " + q(d) + " ] || break; find " + q(d) +
       " -depth -type d -exec rmdir {} + 2>/dev/null; sleep 0.1; done");
  if (!dir_.empty()) sh("rm -rf " + dir_);
}

// ---- docker ----

Dockerd::Dockerd()
    : EngineDaemon("dockerd", {"/var/lib/docker", "/run/docker"},
                   {"/usr/sbin/dockerd", "--iptables=false", "--ip-masq=false", "--bridge=none",
                    "--exec-opt", "native.cgroupdriver=cgroupfs", "--pidfile", "@DIR@/dockerd.pid"},
                   "/usr/bin/docker info", "",
                   // its containerd's default plugin directory, its socket, its key, the shims' socket directory (/run/containerd/s)
                   {"/opt/containerd", "/run/docker.sock", "/etc/docker/key.json", "/run/containerd"}) {
  if (!ready()) return;
  cgroups_caused("docker");
  busybox_rootfs_tar(dir_ + "/bb.tar");
  docker("import --change 'ENV PATH=/bin' " + dir_ + "/bb.tar " + kEngineImage);
}

Dockerd::~Dockerd() {
  for (const auto& c : containers) sh("/usr/bin/docker rm -f " + q(c) + " >/dev/null 2>&1");
  stop();
}

std::string Dockerd::docker(const std::string& args) { return sh_out("/usr/bin/docker " + args + " 2>/dev/null"); }

// ---- containerd ----

Containerd::Containerd()
    : EngineDaemon("containerd", {"/var/lib/containerd", "/run/containerd"},
                   {"/usr/bin/containerd", "--config", "@DIR@/config.toml"}, "/usr/bin/ctr version",
                   // Paths at their defaults; no CRI plugin (no kubelet here) and no /opt/containerd.
                   "version = 2\ndisabled_plugins = [\"io.containerd.grpc.v1.cri\", \"io.containerd.internal.v1.opt\"]\n",
                   {}) {}

Containerd::~Containerd() {
  for (const auto& c : containers) {
    sh("/usr/bin/ctr -n " + q(c.ns) + " task kill -s KILL " + q(c.id) + " >/dev/null 2>&1");
    sh("for i in $(seq 50); do /usr/bin/ctr -n " + q(c.ns) + " task rm -f " + q(c.id) +
       " >/dev/null 2>&1; /usr/bin/ctr -n " + q(c.ns) + " task ls -q | grep -qx " + q(c.id) + " || break; sleep 0.1; done");
    sh("/usr/bin/ctr -n " + q(c.ns) + " container rm " + q(c.id) + " >/dev/null 2>&1");
  }
  stop();
}

std::string Containerd::ctr(const std::string& ns, const std::string& args) {
  return sh_out("/usr/bin/ctr -n " + q(ns) + " " + args + " 2>/dev/null");
}

void Containerd::import_image(const std::string& ns) {
  const std::string oci = dir_ + "/oci.tar";
  if (!exists(oci)) {
    // An OCI image layout by hand: one uncompressed layer, its config and manifest, an index
    // naming it the way ctr import reads (io.containerd.image.name).
    busybox_rootfs_tar(dir_ + "/layer.tar");
    sh_out("set -e; cd " + dir_ + "; mkdir -p oci/blobs/sha256; "
           "put() { cat > blob; h=$(sha256sum < blob | cut -d' ' -f1); mv blob oci/blobs/sha256/$h; echo $h; }; "
           "size() { stat -c %s oci/blobs/sha256/$1; }; "
           "L=$(put < layer.tar); arch=$(dpkg --print-architecture); "
           "C=$(printf '{\"architecture\":\"%s\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/bin\"]},"
           "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:%s\"]}}' $arch $L | put); "
           "M=$(printf '{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
           "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:%s\",\"size\":%s},"
           "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:%s\",\"size\":%s}]}' "
           "$C $(size $C) $L $(size $L) | put); "
           "printf '{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
           "\"digest\":\"sha256:%s\",\"size\":%s,\"platform\":{\"architecture\":\"%s\",\"os\":\"linux\"},"
           "\"annotations\":{\"io.containerd.image.name\":\"" + kEngineImage + "\"}}]}' $M $(size $M) $arch > oci/index.json; "
           "echo '{\"imageLayoutVersion\":\"1.0.0\"}' > oci/oci-layout; tar -C oci -cf oci.tar .");
  }
  ctr(ns, "images import " + oci);
  namespaces.push_back(ns);
}

void Containerd::run(const std::string& ns, const std::string& id, const std::string& args) {
  containers.push_back({ns, id});
  ctr(ns, "run -d " + args + " " + kEngineImage + " " + q(id) + " sleep 1000");
}

// ---- what nsview says ----

namespace {

uint64_t ns_inode(pid_t pid, const std::string& type) {
  const std::string link = readlink_str("/proc/" + std::to_string(pid) + "/ns/" + type);
  auto open = link.find('[');
  REQUIRE(open != std::string::npos);
  return std::stoull(link.substr(open + 1));
}

// The path of pid's cgroup in the hierarchy whose controller list holds `controller`
// ("" = the unified line).
std::string cgroup_of(pid_t pid, const std::string& controller) {
  std::istringstream in(slurp("/proc/" + std::to_string(pid) + "/cgroup"));
  for (std::string line; std::getline(in, line);) {
    auto a = line.find(':'), b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::string ctl = "," + line.substr(a + 1, b - a - 1) + ",";
    if (controller.empty() ? line.substr(0, a) == "0" : ctl.find("," + controller + ",") != std::string::npos)
      return line.substr(b + 1);
  }
  return {};
}

nlohmann::json null_or(const std::optional<std::string>& s) { return s ? nlohmann::json(*s) : nlohmann::json(nullptr); }

}  // namespace

void check_nsview_sees(const EngineTruth& t) {
  INFO("container " << t.id << " (" << t.name.value_or("no name") << ")");
  const std::string label = t.name ? *t.name : t.id.substr(0, 12);

  // ps -J against the engine's inspect and /proc.
  auto r = run({nsview_bin(), "ps", "-J"});
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());
  nlohmann::json c;
  const auto parsed_containers = nlohmann::json::parse(r.out);
  for (const auto& e : parsed_containers["containers"])
    if (e["id"] == t.id && (!t.containerd_namespace || e["containerd_namespace"] == *t.containerd_namespace)) c = e;
  REQUIRE(c.is_object());
  CHECK(c["containerd_namespace"] == null_or(t.containerd_namespace));
  CHECK(c["name"] == null_or(t.name));
  CHECK(c["engine"] == t.engine);
  CHECK(c["runtime"] == t.runtime);
  CHECK(c["pid"] == t.pid);
  CHECK(c["monitor_pid"] == t.monitor_pid);
  CHECK(c["image"] == null_or(t.image));
  CHECK(c["hostname"] == null_or(t.hostname));
  CHECK(c["state"] == t.state);
  if (t.pod_name) {
    REQUIRE(c["pod"].is_object());
    CHECK(c["pod"]["name"] == *t.pod_name);
    CHECK(c["pod"]["namespace"] == null_or(t.pod_namespace));
  } else {
    CHECK(c["pod"].is_null());
  }
  auto pids = c["pids"].get<std::vector<pid_t>>();
  for (pid_t p : t.also_pids) CHECK(std::count(pids.begin(), pids.end(), p) == 1);
  CHECK(std::count(pids.begin(), pids.end(), t.pid) == 1);
  CHECK(std::count(pids.begin(), pids.end(), t.monitor_pid) == 0);
  const std::string cgroup = cgroup_of(t.pid, "");
  CHECK(c["cgroup"] == cgroup);
  for (const char* type : {"mnt", "pid", "uts", "ipc", "net", "user", "cgroup"}) {
    INFO(type);
    CHECK(c["namespaces"][type] == ns_inode(t.pid, type));
  }

  // list: the container's own namespaces carry its name; the host's user namespace "host".
  r = run({nsview_bin(), "list", "-J", "-o", "+CONTAINER"});
  REQUIRE(r.status == 0);
  std::map<uint64_t, std::string> tag;
  const auto parsed_namespaces = nlohmann::json::parse(r.out);
  for (const auto& row : parsed_namespaces["namespaces"])
    tag[row["ns"].get<uint64_t>()] = row["container"].is_string() ? row["container"].get<std::string>() : "(null)";
  for (const char* type : {"mnt", "pid", "uts", "ipc", "net"}) {
    INFO(type);
    const uint64_t ns = ns_inode(t.pid, type);
    if (ns == ns_inode(getpid(), type)) continue;  // shared with the host (this test)
    CHECK(tag[ns] == (t.ns_labels.count(type) ? t.ns_labels.at(type) : label));
  }
  CHECK(tag[ns_inode(t.pid, "user")] == "host");

  // top: its row against the container's cgroup files.
  r = run({nsview_bin(), "top", "-J", "-n", "1", "--group", "container"});
  REQUIRE(r.status == 0);
  nlohmann::json row;
  const auto parsed_rows = nlohmann::json::parse(r.out);
  for (const auto& x : parsed_rows["rows"])
    if (x["id"] == (t.containerd_namespace ? *t.containerd_namespace + "/" + t.id : t.id) && x["pid"] == t.pid) row = x;
  REQUIRE(row.is_object());
  CHECK(row["container"] == label);
  CHECK(row["engine"] == t.engine);
  CHECK(row["pid"] == t.pid);
  CHECK(row["cgroup"] == cgroup);
  const std::string pids_cg = kCgroupRoot + "/pids" + cgroup_of(t.pid, "pids");
  const std::string mem_cg = kCgroupRoot + "/memory" + cgroup_of(t.pid, "memory");
  if (!cgroup_of(t.pid, "pids").empty()) CHECK(row["pids_current"] == std::stoull(slurp(pids_cg + "/pids.current")));
  if (!cgroup_of(t.pid, "memory").empty()) {
    // The container's own v1 memory cgroup, not a parent's: a sleeping busybox moves little.
    REQUIRE(row["mem_bytes"].is_number());
    const double want = std::stod(slurp(mem_cg + "/memory.usage_in_bytes"));
    CHECK(std::abs(row["mem_bytes"].get<double>() - want) <= std::max(256.0 * 1024, want * 0.2));
    CHECK(row["mem_bytes"].get<double>() < 64.0 * 1024 * 1024);
  }

  // enter by id (and by name), against util-linux's nsenter.
  if (t.state != "running") return;
  const std::string truth = sh_out("nsenter -t " + std::to_string(t.pid) + " -u hostname");
  std::vector<std::string> targets = {t.id, label};
  if (t.id_shared) targets = {*t.containerd_namespace + "/" + t.id};  // the id alone is ambiguous
  for (const std::string& target : targets) {
    INFO("enter " << target);
    r = run({nsview_bin(), "enter", target, "--", "hostname"});
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(trimmed(r.out) == truth);
  }
}

}  // namespace testsupport
