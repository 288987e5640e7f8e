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

}  // namespace testsupport
