// Podman in tests: a test-only configuration (runc, ulimits this machine allows; see
// /work/shared/guide/environment.md) and a busybox image built once from busybox-static.
#pragma once

#include <string>

namespace testsupport {

inline const std::string kPodmanImage = "localhost/nsview-bb";

bool have_podman();
// Points CONTAINERS_CONF at the test configuration and builds kPodmanImage if missing.
void podman_env();
// `podman inspect --format FORMAT NAME`, trimmed; throws when it fails.
std::string podman_inspect(const std::string& name, const std::string& format);

// Removes the empty cgroup directories podman left for a removed container or pod (its full
// id in the path) in every hierarchy, deepest first.
void podman_remove_cgroups(const std::string& id);

// A shell command that removes pod POD and then the empty cgroups named by the pod's id:
// podman 4.3 on a hybrid host leaves them in the unified and name=systemd hierarchies.
std::string podman_pod_rm(const std::string& pod);

}  // namespace testsupport
