#include "ps_columns.hpp"

namespace nsview {

const std::vector<Column>& ps_columns() {
  static const std::vector<Column> cols = {
      view_column("NAME", Unit::text, "container name (a pod member: POD/NAME in --pods)"),
      view_column("ID", Unit::text, "container id (12 characters; --no-trunc: all)"),
      view_column("ENGINE", Unit::text, "container engine"),
      view_column("POD", Unit::text, "pod name"),
      view_column("PID", Unit::id, "container init process", JsonType::number),
      view_column("STATE", Unit::text, "running, paused, stopped, ..."),
      view_column("IMAGE", Unit::text, "image name"),
      view_column("CREATED", Unit::age, "when the container was created (\"5 minutes ago\")"),
  };
  return cols;
}

const std::vector<Column>& ps_pod_columns() {
  static const std::vector<Column> cols = [] {
    std::vector<Column> v = ps_columns();
    v[PS_NAME] = view_column("POD/NAME", Unit::text, "pod name, then its containers' names below it");
    v[PS_POD] = view_column("POD-NAMESPACE", Unit::text, "the pod's Kubernetes namespace");
    return v;
  }();
  return cols;
}

}  // namespace nsview
