// What the TUI shows and does for one selected object, as plain functions of the snapshot:
// the detail pane's lines, the JSON written by `J`, the `nsview enter` arguments of `e` and
// the pid `k` signals.
#pragma once

#include <optional>
#include <string>
#include <vector>
#include <sys/types.h>

#include <nlohmann/json.hpp>

#include "nsinspect/sampler.hpp"
#include "nsinspect/snapshot.hpp"
#include "table_model.hpp"

namespace nsview::tui {

// The detail pane of a row; `usage` is the sample of the row's view (may be null).
// Empty when the object is gone from the snapshot.
std::vector<std::string> detail_lines(const nsinspect::Snapshot& s, const nsinspect::UsageSample* usage,
                                      ObjectKind kind, const std::string& key);

// The object as JSON (the library's to_json, plus "usage" when sampled); null when gone.
nlohmann::json object_json(const nsinspect::Snapshot& s, const nsinspect::UsageSample* usage,
                           ObjectKind kind, const std::string& key);

// Arguments after the program name for `nsview enter` ("enter", ...); empty when the object
// cannot be entered (a cgroup), with the reason in *why.
std::vector<std::string> enter_args(const nsinspect::Snapshot& s, ObjectKind kind, const std::string& key,
                                    std::string* why = nullptr);

// The process `k` signals: a process itself, a container's init; nullopt otherwise.
std::optional<pid_t> signal_target(const nsinspect::Snapshot& s, ObjectKind kind, const std::string& key);

// A file name for `J`: "nsview-KIND-KEY.json" with the key made safe ("/" -> "_").
std::string json_file_name(ObjectKind kind, const std::string& key);

// Signals `k` offers, in order (TERM first).
struct SignalChoice {
  const char* name;
  int number;
};
const std::vector<SignalChoice>& signal_choices();

}  // namespace nsview::tui
