// Times CgroupReader over every cgroup below a path: one cold pass (scan + tree + open +
// read) and N warm passes (handles kept open: only the files are read again).
// Usage: cgroup_read_bench PATH N   -> prints "key value" lines (seconds of CPU per pass).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "nsinspect/cgroups.hpp"
#include "nsinspect/scan.hpp"

using namespace nsinspect;

static double cpu_now() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: cgroup_read_bench PATH N\n");
    return 2;
  }
  std::string base = argv[1];
  int n = std::atoi(argv[2]);
  rlimit rl;  // one kept-open dirfd per (cgroup, hierarchy): allow more than 1024
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  double c0 = cpu_now();
  ScanOptions o;
  o.sockets = o.fds = o.bind_mounts = o.netnsid = o.hierarchy = o.containers = o.threads = false;
  Snapshot s = scan(o);
  double c_scan = cpu_now() - c0;
  const CgroupHierarchyTree* t = s.cgroup_tree.primary();
  if (!t) return 1;
  std::vector<std::string> paths;
  for (const auto& node : t->nodes)
    if (node.path.compare(0, base.size(), base) == 0) paths.push_back(node.path);

  CgroupReader r(s.cgroup_tree.layout);
  std::vector<CgroupReader::Handle> hs;
  CgroupReadings rd;
  double c1 = cpu_now();
  for (const auto& p : paths) hs.push_back(r.open(p));
  for (auto h : hs) r.read(h, kCgAll, rd);
  double c_cold = cpu_now() - c1;

  auto pass = [&](unsigned fields) {
    double a = cpu_now();
    uint64_t sum = 0;
    for (int i = 0; i < n; ++i)
      for (auto h : hs) {
        r.read(h, fields, rd);
        sum += rd.memory_current.value_or(0);
      }
    if (sum == 1) std::puts("");  // keep the reads observable
    return (cpu_now() - a) / n;
  };
  double all = pass(kCgAll);
  double cgtop_like = pass(kCgCpu | kCgMemory | kCgIo | kCgPids);
  std::printf("cgroups %zu\n", paths.size());
  std::printf("open_dirfds %zu\n", r.open_dirfds());
  std::printf("open_files %zu\n", r.open_files());
  std::printf("scan_with_tree_cpu_s %.4f\n", c_scan);
  std::printf("cold_open_read_all_cpu_s %.4f\n", c_cold);
  std::printf("warm_read_all_cpu_s %.4f\n", all);
  std::printf("warm_read_cgtop_fields_cpu_s %.4f\n", cgtop_like);
  return 0;
}
