// Pure parsers of cgroup v1 and v2 file formats (Documentation/admin-guide/cgroup-v2.rst,
// cgroup-v1/*.rst): text in, values out.
#include <cstdlib>

#include "nsinspect/cgroups.hpp"
#include "procfs/parse_util.hpp"

namespace nsinspect::cgparse {

using namespace detail::parse_words;

std::vector<std::pair<std::string_view, uint64_t>> flat_keyed(std::string_view text) {
  std::vector<std::pair<std::string_view, uint64_t>> out;
  for_each_line(text, [&](std::string_view line) {
    auto f = split_ws(line);
    if (f.size() != 2) return;
    if (auto v = to_number<uint64_t>(f[1])) out.emplace_back(f[0], *v);
  });
  return out;
}

std::optional<uint64_t> key(std::string_view text, std::string_view name) {
  std::optional<uint64_t> found;
  for_each_line(text, [&](std::string_view line) {
    if (found || line.size() <= name.size() || line.substr(0, name.size()) != name) return;
    if (line[name.size()] != ' ') return;
    found = to_number<uint64_t>(trim(line.substr(name.size() + 1)));
  });
  return found;
}

std::optional<uint64_t> single(std::string_view text) { return to_number<uint64_t>(trim(text)); }

Limit limit_v2(std::string_view text) {
  auto t = trim(text);
  if (t == "max") return Limit::unlimited();
  if (auto v = to_number<uint64_t>(t)) return Limit::of(*v);
  return {};
}

CpuMax cpu_max(std::string_view text) {
  CpuMax m;
  auto f = split_ws(trim(text));
  if (f.empty()) return m;
  m.quota_us = limit_v2(f[0]);
  if (f.size() > 1) m.period_us = to_number<uint64_t>(f[1]);
  return m;
}

IoTotals io_stat(std::string_view text) {
  // "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device; no line = no io yet.
  IoTotals t{0, 0, 0, 0};
  for_each_line(text, [&](std::string_view line) {
    auto f = split_ws(line);
    for (std::size_t i = 1; i < f.size(); ++i) {
      auto eq = f[i].find('=');
      if (eq == std::string_view::npos) continue;
      auto k = f[i].substr(0, eq);
      auto v = to_number<uint64_t>(f[i].substr(eq + 1));
      if (!v) continue;
      if (k == "rbytes") *t.rbytes += *v;
      else if (k == "wbytes") *t.wbytes += *v;
      else if (k == "rios") *t.rios += *v;
      else if (k == "wios") *t.wios += *v;
    }
  });
  return t;
}

namespace {
// "8:0 Read 4096" lines and a "Total N" line; sums Read and Write over devices.
void blkio_sum(std::string_view text, std::optional<uint64_t>& r, std::optional<uint64_t>& w) {
  bool any = false;
  uint64_t rs = 0, ws = 0;
  for_each_line(text, [&](std::string_view line) {
    auto f = split_ws(line);
    if (f.size() == 2 && f[0] == "Total") any = true;
    if (f.size() != 3) return;
    auto v = to_number<uint64_t>(f[2]);
    if (!v) return;
    any = true;
    if (f[1] == "Read") rs += *v;
    else if (f[1] == "Write") ws += *v;
  });
  if (any) {
    r = rs;
    w = ws;
  }
}
}  // namespace

IoTotals blkio_v1(std::string_view bytes_text, std::string_view ios_text) {
  IoTotals t;
  blkio_sum(bytes_text, t.rbytes, t.wbytes);
  blkio_sum(ios_text, t.rios, t.wios);
  return t;
}

Pressure pressure(std::string_view text) {
  // "some avg10=0.00 avg60=0.00 avg300=0.00 total=0"
  Pressure p;
  for_each_line(text, [&](std::string_view line) {
    auto f = split_ws(line);
    if (f.size() != 5) return;
    PressureLine pl;
    bool ok = true;
    for (std::size_t i = 1; i < 5; ++i) {
      auto eq = f[i].find('=');
      if (eq == std::string_view::npos) {
        ok = false;
        break;
      }
      auto k = f[i].substr(0, eq);
      std::string v(f[i].substr(eq + 1));
      char* end = nullptr;
      if (k == "total") {
        auto n = to_number<uint64_t>(f[i].substr(eq + 1));
        if (!n) ok = false;
        else pl.total_us = *n;
        continue;
      }
      double d = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end) {
        ok = false;
        continue;
      }
      if (k == "avg10") pl.avg10 = d;
      else if (k == "avg60") pl.avg60 = d;
      else if (k == "avg300") pl.avg300 = d;
    }
    if (!ok) return;
    if (f[0] == "some") p.some = pl;
    else if (f[0] == "full") p.full = pl;
  });
  return p;
}

Limit memory_limit_v1(std::string_view text) {
  auto v = to_number<uint64_t>(trim(text));
  if (!v) return {};
  // PAGE_COUNTER_MAX * PAGE_SIZE: LONG_MAX rounded down to a page (9223372036854771712
  // with 4 KiB pages); allow any page size up to 1 MiB.
  if (*v >= static_cast<uint64_t>(INT64_MAX) - (1u << 20)) return Limit::unlimited();
  return Limit::of(*v);
}

Limit quota_v1(std::string_view text) {
  auto t = trim(text);
  if (t == "-1") return Limit::unlimited();
  if (auto v = to_number<uint64_t>(t)) return Limit::of(*v);
  return {};
}

}  // namespace nsinspect::cgparse
