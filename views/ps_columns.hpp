// The columns of `nsview ps` (and of `ps --pods`), for its header and docs/columns.md.
#pragma once

#include <vector>

#include "table.hpp"

namespace nsview {

enum PsColumn { PS_NAME, PS_ID, PS_ENGINE, PS_POD, PS_PID, PS_STATE, PS_IMAGE, PS_CREATED, PS_COLUMN_COUNT };

const std::vector<Column>& ps_columns();
// --pods: a row per pod with its containers below; NAME is POD/NAME and POD the pod's
// Kubernetes namespace (POD-NAMESPACE).
const std::vector<Column>& ps_pod_columns();

}  // namespace nsview
