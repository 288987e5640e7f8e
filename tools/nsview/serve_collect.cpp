#include "serve_collect.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <malloc.h>
#include <sys/resource.h>

#include "json_writer.hpp"
#include "nsinspect/json.hpp"
#include "nsinspect/scan.hpp"
#include "serve_gzip.hpp"

namespace nsview::serve {

namespace {

double clock_seconds(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

nsinspect::SamplerOptions sampler_options(const CollectOptions& o, nsinspect::UsageGroup g) {
  nsinspect::SamplerOptions so;
  so.group = g;
  so.root = o.root;
  // Everything the families show; memory.stat for the working set.
  so.fields |= nsinspect::kCgMemoryStat;
  so.cgroup_depth = o.cgroup_depth;
  so.rescan_seconds = o.rescan_seconds;
  if (g == nsinspect::UsageGroup::container) {
    // The namespace families: the links, and bind mounts (ip netns add) for namespaces
    // without a process. Open files and threads only on request: every process's fd
    // directory is the most costly read of a scan. Sockets never: each costs a pidfd_getfd.
    nsinspect::ScanOptions ns;
    ns.root = o.root;
    ns.cmdline = ns.status = ns.cgroups = ns.cgroup_tree = ns.sockets = ns.hierarchy = ns.netnsid = ns.users =
        ns.containers = ns.usage = false;
    ns.uid_leaders_only = true;
    ns.namespaces = ns.bind_mounts = true;
    ns.fds = ns.threads = o.ns_fds;
    so.also_scan = ns;
    so.keep_readings = true;  // the cgroup families take the containers' cgroups from it
  }
  return so;
}

}  // namespace

double monotonic_seconds() { return clock_seconds(CLOCK_MONOTONIC); }

std::shared_ptr<const std::string> Collection::metrics(ExpositionFormat f, bool gzipped) const {
  const std::size_t i = f == ExpositionFormat::openmetrics ? 1 : 0;
  std::lock_guard lk(m_);
  if (!ok) return std::make_shared<const std::string>();
  if (!text_[i]) {
    metrics::Collection c{&containers, &pods, &cgroups, snapshot.get()};
    text_[i] = std::make_shared<const std::string>(metrics::render(c, agent, f, max_series_).body);
  }
  if (!gzipped) return text_[i];
  if (!gz_[i]) gz_[i] = std::make_shared<const std::string>(gzip(*text_[i]));
  return gz_[i];
}

Collector::Collector(CollectOptions o)
    : o_(std::move(o)),
      containers_(sampler_options(o_, nsinspect::UsageGroup::container)),
      pods_(sampler_options(o_, nsinspect::UsageGroup::pod)),
      cgroups_(sampler_options(o_, nsinspect::UsageGroup::cgroup)) {}

std::shared_ptr<const Collection> Collector::get() {
  uint64_t seen;
  {
    std::lock_guard lk(m_);
    seen = generation_;
    if (last_ && monotonic_seconds() - last_->at < o_.min_interval) return last_;
  }
  std::lock_guard lk(m_);
  // Another request collected while this one waited: share it.
  if (last_ && (generation_ != seen || monotonic_seconds() - last_->at < o_.min_interval)) return last_;
  auto prev = std::move(last_);
  last_ = collect();
  ++generation_;
  // After a /proc scan, the previous collection and the scan's transient buffers are free:
  // give their pages back. Without it glibc keeps the peak of every thread's arena, and the
  // steady RSS is the largest scan ever made, not the live data (bench/serve_scrape.sh).
  // Collections from cgroup files alone allocate what the previous one freed: trimming after
  // them only returned pages that the next scrape faulted in again (madvise, TLB shootdowns
  // and page faults were a tenth of a scrape's CPU at 100 containers).
  const bool scanned = !prev || prev->snapshot != last_->snapshot;
  prev.reset();
  if (scanned) malloc_trim(0);
  return last_;
}

std::shared_ptr<const Collection> Collector::collect() {
  // The process's clock, not the thread's: above 512 processes the scan reads /proc with a
  // second thread. What HTTP threads spend meanwhile is counted too; it is small.
  const double wall0 = monotonic_seconds(), cpu0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
  auto c = std::make_shared<Collection>();
  ++collections_;
  try {
    // The container sampler scans /proc only when cgroups came or went, a container's
    // process count changed, or its last scan is older than rescan_seconds; otherwise it
    // reads cgroup files alone. Its
    // snapshot (with the namespaces, see sampler_options) labels the pod and cgroup rows
    // and gives the namespace counts.
    c->containers = containers_.sample();
    auto snap = c->containers.snapshot;
    c->pods = pods_.sample(snap);
    c->cgroups = cgroups_.sample(snap, c->containers);
    c->snapshot = std::move(snap);
    c->ok = true;
  } catch (const std::exception& e) {
    ++errors_;
    c->error = e.what();
  }
  c->at = monotonic_seconds();
  auto& a = c->agent;
  a.collect_seconds = c->at - wall0;
  a.collect_cpu_seconds = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
  a.collections = collections_;
  a.errors = errors_;
  a.dropped_before = dropped_;
  rusage ru{};
  if (getrusage(RUSAGE_SELF, &ru) == 0) {
    a.process_cpu_seconds = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                            static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
    a.process_max_rss_bytes = static_cast<uint64_t>(ru.ru_maxrss) * 1024;  // kilobytes
  }
  if (c->ok) {
    // The budget is applied once per collection: both formats show the same series.
    metrics::Collection mc{&c->containers, &c->pods, &c->cgroups, c->snapshot.get()};
    auto r = metrics::render(mc, a, ExpositionFormat::prometheus, o_.max_series);
    dropped_ += r.dropped;
    c->text_[0] = std::make_shared<const std::string>(std::move(r.body));
    c->max_series_ = o_.max_series;
  }
  return c;
}

std::shared_ptr<const nsinspect::UsageSample> Collector::namespaces(nsinspect::NsType t) {
  std::lock_guard lk(ns_m_);
  NsCache& n = ns_[t];
  if (n.last && monotonic_seconds() - n.at < o_.min_interval) return n.last;
  if (!n.sampler) {
    nsinspect::SamplerOptions so;
    so.group = nsinspect::UsageGroup::ns;
    so.ns_type = t;
    so.root = o_.root;
    n.sampler = std::make_unique<nsinspect::Sampler>(so);
  }
  n.last = std::make_shared<const nsinspect::UsageSample>(n.sampler->sample());
  n.at = monotonic_seconds();
  return n.last;
}

std::shared_ptr<const std::string> Collector::snapshot_json() {
  std::lock_guard lk(snap_m_);
  if (snap_json_ && monotonic_seconds() - snap_at < o_.min_interval) return snap_json_;
  nsinspect::ScanOptions so;
  so.root = o_.root;
  auto snap = nsinspect::scan(so);
  // dump's own writer, into memory.
  char* buf = nullptr;
  std::size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  if (!f) throw std::runtime_error("out of memory");
  write_json(f, nsinspect::to_json(snap), 2);
  std::fclose(f);
  snap_json_ = std::make_shared<const std::string>(buf, len);
  std::free(buf);
  snap_at = monotonic_seconds();
  return snap_json_;
}

}  // namespace nsview::serve
