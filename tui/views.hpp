// The four views as row builders: plain functions of a snapshot and a usage sample (both
// plain data), so tests build them from hand-made values. No drawing here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nsinspect/sampler.hpp"
#include "nsinspect/snapshot.hpp"
#include "table_model.hpp"

namespace nsview::tui {

enum class ViewId : uint8_t { containers, namespaces, cgroups, processes };
inline constexpr int kViewCount = 4;
const char* view_title(ViewId v);                           // "Containers", ...
std::optional<ViewId> view_from_name(const std::string& s);  // "containers", "ns", ...

struct ViewOptions {
  std::optional<nsinspect::NsType> ns_type;  // namespaces: one type; nullopt: all, by owner
  bool all = false;                          // cgroups: empty ones too; processes: kernel threads
};

struct BuiltView {
  std::vector<ColumnSpec> columns;
  std::vector<Row> rows;
  std::string note;  // shown when there are no rows (why)
};

// A view's columns (the first is the tree column).
const std::vector<ColumnSpec>& view_columns(ViewId v);

// The usage group a view reads live (nullopt: the view shows no live usage).
std::optional<nsinspect::UsageGroup> usage_group(ViewId v);

// `usage` may be null or of another group: the usage columns then show "-".
BuiltView build_view(ViewId v, const nsinspect::Snapshot& s, const nsinspect::UsageSample* usage,
                     const ViewOptions& o);
BuiltView build_containers(const nsinspect::Snapshot& s, const nsinspect::UsageSample* usage);
BuiltView build_namespaces(const nsinspect::Snapshot& s, std::optional<nsinspect::NsType> type);
BuiltView build_cgroups(const nsinspect::Snapshot& s, const nsinspect::UsageSample* usage, bool all);
BuiltView build_processes(const nsinspect::Snapshot& s, const nsinspect::UsageSample* usage, bool all);


}  // namespace nsview::tui
