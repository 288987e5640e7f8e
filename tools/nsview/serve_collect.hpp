// `nsview serve`'s collections: made when a client asks (never in the background), shared by
// concurrent requests, and at most one per --min-interval (a scrape storm is answered from the
// last one). Each keeps its rendered metrics, plain and gzipped, per format.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "metrics_view.hpp"
#include "nsinspect/sampler.hpp"

namespace nsview::serve {

struct CollectOptions {
  std::string root = "/";
  int cgroup_depth = 2;       // cgroup families: levels below the root (-1 all)
  double min_interval = 1.0;  // seconds between collections
  std::size_t max_series = 0;
  bool ns_fds = false;  // namespaces kept by an open file or a thread (reads every fd directory)
  // The longest a /proc scan is kept while no container comes, goes or changes its process
  // count: the namespace families and process states are at most this old. A scan of a
  // busy node costs several scrapes' worth of cgroup reads (bench/serve_scrape.sh).
  double rescan_seconds = 60;
};

struct Collection {
  bool ok = false;
  std::string error;  // when !ok
  double at = 0;      // CLOCK_MONOTONIC seconds
  nsinspect::UsageSample containers, pods, cgroups;
  std::shared_ptr<const nsinspect::Snapshot> snapshot;
  metrics::AgentStats agent;

  // The /metrics body in a format (rendered with the collection), gzipped or not (compressed
  // on first use).
  // Shared, not copied: it is sent as it is (Response::shared_body).
  std::shared_ptr<const std::string> metrics(ExpositionFormat f, bool gzipped) const;

 private:
  friend class Collector;
  mutable std::mutex m_;
  mutable std::array<std::shared_ptr<const std::string>, 2> text_, gz_;
  std::size_t max_series_ = 0;  // the same budget drops the same series in either format
};

class Collector {
 public:
  explicit Collector(CollectOptions o);
  // The newest collection: made now unless one is younger than min_interval or finished
  // while this call waited for another.
  std::shared_ptr<const Collection> get();
  // One sample of the namespace group (`top -g namespace`), under the same interval rule.
  std::shared_ptr<const nsinspect::UsageSample> namespaces(nsinspect::NsType t);
  // The `dump -J` document, under the same interval rule.
  std::shared_ptr<const std::string> snapshot_json();

 private:
  std::shared_ptr<const Collection> collect();
  CollectOptions o_;
  std::mutex m_;
  std::shared_ptr<const Collection> last_;
  uint64_t generation_ = 0;
  nsinspect::Sampler containers_, pods_, cgroups_;
  uint64_t collections_ = 0, errors_ = 0, dropped_ = 0;

  struct NsCache {
    std::unique_ptr<nsinspect::Sampler> sampler;
    std::shared_ptr<const nsinspect::UsageSample> last;
    double at = 0;
  };
  std::mutex ns_m_;
  std::map<nsinspect::NsType, NsCache> ns_;

  std::mutex snap_m_;
  std::shared_ptr<const std::string> snap_json_;
  double snap_at = 0;
};

double monotonic_seconds();

}  // namespace nsview::serve
