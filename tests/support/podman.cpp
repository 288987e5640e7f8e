#include "podman.hpp"

#include <cstdlib>
#include <fstream>
#include <unistd.h>

#include "run.hpp"

namespace testsupport {

bool have_podman() { return sh("command -v podman >/dev/null 2>&1").status == 0; }

void podman_env() {
  static bool done = false;
  if (done) return;
  done = true;
  std::string conf = "/tmp/nsview-podman-test.conf";
  std::ofstream(conf) << "[containers]\ndefault_ulimits = [\"nofile=10000:10000\", \"nproc=10000:10000\"]\n"
                         "[engine]\nruntime = \"runc\"\n";
  setenv("CONTAINERS_CONF", conf.c_str(), 1);
  if (sh("podman image exists " + kPodmanImage).status == 0) return;
  std::string dir = "/tmp/nsview-test-" + std::to_string(getpid()) + "-image";
  Cleanup rm("rm -rf " + dir);
  sh_out("set -e; mkdir -p " + dir + "/r/bin " + dir + "/r/proc " + dir + "/r/sys " + dir + "/r/dev " + dir +
         "/r/etc " + dir + "/r/tmp; cp /bin/busybox " + dir + "/r/bin/; ln -s busybox " + dir +
         "/r/bin/sh; ln -s busybox " + dir + "/r/bin/sleep; tar -C " + dir + "/r -cf " + dir + "/bb.tar .; " +
         "podman import --change 'ENV PATH=/bin' " + dir + "/bb.tar " + kPodmanImage + " >/dev/null 2>&1");
}

std::string podman_inspect(const std::string& name, const std::string& format) {
  return sh_out("podman inspect --format '" + format + "' " + name + " 2>/dev/null");
}

void podman_remove_cgroups(const std::string& id) {
  if (id.size() < 12 || id.find_first_not_of("0123456789abcdef") != std::string::npos) return;
  sh("for i in $(seq 50); do d=$(find /sys/fs/cgroup/*/libpod_parent -depth -type d -path '*" + id +
     "*' 2>/dev/null); [ -n \"$d\" ] || break; echo \"$d\" | xargs -r rmdir 2>/dev/null; sleep 0.1; done");
}

std::string podman_pod_rm(const std::string& pod) {
  return "id=$(podman pod inspect --format '{{.Id}}' " + pod + " 2>/dev/null); podman pod rm -f -t 0 " + pod +
         " >/dev/null 2>&1; case \"$id\" in ''|*[!0-9a-f]*) ;; *) for d in /sys/fs/cgroup/*/libpod_parent/$id "
         "/sys/fs/cgroup/libpod_parent/$id; do [ -d \"$d\" ] && find \"$d\" -depth -type d -exec rmdir {} + "
         "2>/dev/null; done ;; esac; true";
}

}  // namespace testsupport
