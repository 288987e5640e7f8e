// nsview top: live usage by container, pod, cgroup, namespace or process (libnsinspect's
// Sampler), as a refreshing screen on a terminal or as batch text / JSON Lines.
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <getopt.h>
#include <optional>
#include <string>
#include <unistd.h>

#include "filter.hpp"
#include "cli.hpp"
#include "output.hpp"
#include "nsinspect/sampler.hpp"
#include "subcommand.hpp"
#include "table.hpp"
#include "top_screen.hpp"
#include "top_view.hpp"
#include "unreadable_warning.hpp"

namespace {

using namespace nsview;
using namespace nsview::top;
using nsinspect::UsageGroup;
using nsinspect::UsageRow;
using nsinspect::UsageSample;

struct Options {
  bool batch = false, json = false, headings = true;
  std::optional<long> count;       // -n; unlimited when unset
  double delay = 1.0;              // -d
  std::optional<UsageGroup> group;
  nsinspect::NsType ns_type = nsinspect::NsType::net;
  int depth = -1;
  std::string cgroup_root = "/";
  std::optional<int> sort;         // column; default cpu (tree order for an unsorted cgroup view)
  bool reverse = false;
  std::optional<long> top;
  std::string filter, output, root = "/";
};

struct BadInput {
  std::string msg;
};
struct BadUsage {};

[[noreturn]] void bad(const std::string& msg) { throw BadInput{msg}; }

void usage() {
  std::printf(
      "\nUsage:\n nsview top [options] [CGROUP]\n\n"
      "Live usage of the node by container, pod, cgroup, namespace or process: cpu %%, memory,\n"
      "io, pids, throttling, OOM kills and pressure, with rates between refreshes.\n\nOptions:\n"
      " -b, --batch             batch mode: print samples, no screen (the default off a terminal)\n"
      " -n, --iterations <N>    stop after N samples\n"
      " -d, --delay <SECONDS>   time between samples (default 1; fractions allowed)\n"
      " -g, --group <GROUP>     container (default when there are any), pod, cgroup, namespace, process\n"
      " -t, --ns-type <TYPE>    namespace group: mnt, net (default), pid, uts, ipc, user, cgroup, time\n"
      "     --depth <N>         cgroup group: show N levels below CGROUP (default all)\n"
      " -s, --sort <COLUMN>     sort by COLUMN (default CPU, high first); 'tree' keeps cgroup order\n"
      " -r, --reverse           reverse the sort order\n"
      "     --top <N>           only the first N rows\n"
      " -Q, --filter <expr>     only rows for which expr holds (as in nsview list, e.g. 'CPU > 5')\n"
      " -o, --output <list>     columns to show (+LIST extends the default)\n"
      " -J, --json              JSON Lines: one object per sample (docs/top.md)\n"
      "     --noheadings        no header line\n"
      "     --root <dir>        read <dir>/proc and <dir>/sys/fs/cgroup (a host's / mounted elsewhere)\n"
      " -h, --help              display this help\n\n"
      "Keys on the screen: c cpu, m memory, i io, p pids, n name, r reverse, q quit.\n\nColumns:\n");
  for (const auto& c : columns()) std::printf(" %10s  %s\n", c.name.c_str(), c.help.c_str());
  std::printf("\nRates need two samples: the first shows '-' (null in JSON).\n");
}

long parse_count(const char* what, const char* s) {
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(s, &end, 10);
  if (!*s || *end || errno || v <= 0) bad(std::string("invalid ") + what + " '" + s + "': expected a positive integer");
  return v;
}

Options parse_args(int argc, char** argv) {
  enum { OPT_DEPTH = 1000, OPT_TOP, OPT_NOHEAD, OPT_ROOT };
  static const option longopts[] = {
      {"batch", no_argument, nullptr, 'b'},        {"iterations", required_argument, nullptr, 'n'},
      {"delay", required_argument, nullptr, 'd'},  {"group", required_argument, nullptr, 'g'},
      {"ns-type", required_argument, nullptr, 't'}, {"depth", required_argument, nullptr, OPT_DEPTH},
      {"sort", required_argument, nullptr, 's'},   {"reverse", no_argument, nullptr, 'r'},
      {"top", required_argument, nullptr, OPT_TOP}, {"filter", required_argument, nullptr, 'Q'},
      {"output", required_argument, nullptr, 'o'}, {"json", no_argument, nullptr, 'J'},
      {"noheadings", no_argument, nullptr, OPT_NOHEAD}, {"root", required_argument, nullptr, OPT_ROOT},
      {"help", no_argument, nullptr, 'h'},         {nullptr, 0, nullptr, 0}};
  Options o;
  optind = 1;
  opterr = 1;  // getopt's own messages, as util-linux prints them, prefixed with argv[0]
  static std::string prog = program_name();
  argv[0] = prog.data();
  int c;
  while ((c = getopt_long(argc, argv, "bn:d:g:t:s:rQ:o:Jh", longopts, nullptr)) != -1) {
    switch (c) {
      case 'b': o.batch = true; break;
      case 'n': o.count = parse_count("iteration count", optarg); break;
      case 'd': {
        char* end = nullptr;
        double v = std::strtod(optarg, &end);
        if (!*optarg || *end || !std::isfinite(v) || v <= 0)
          bad(std::string("invalid delay '") + optarg + "': expected seconds > 0");
        o.delay = v;
        break;
      }
      case 'g': {
        auto g = nsinspect::parse_usage_group(optarg);
        if (!g) bad(std::string("unknown group '") + optarg + "' (container, pod, cgroup, namespace, process)");
        o.group = g;
        break;
      }
      case 't': {
        auto t = nsinspect::ns_type_from_name(optarg);
        if (!t) bad(std::string("unknown namespace type '") + optarg + "'");
        o.ns_type = *t;
        break;
      }
      case OPT_DEPTH: {
        char* end = nullptr;
        long v = std::strtol(optarg, &end, 10);
        if (!*optarg || *end || v < 0 || v > 1000) bad(std::string("invalid depth '") + optarg + "'");
        o.depth = static_cast<int>(v);
        break;
      }
      case 's': {
        if (!std::strcmp(optarg, "tree")) {
          o.sort = -1;
          break;
        }
        int col = column_index(optarg);
        if (col < 0) bad(std::string("unknown sort column '") + optarg + "'");
        o.sort = col;
        break;
      }
      case 'r': o.reverse = true; break;
      case OPT_TOP: o.top = parse_count("--top", optarg); break;
      case 'Q': o.filter = optarg; break;
      case 'o': o.output = optarg; break;
      case 'J': o.json = true; break;
      case OPT_NOHEAD: o.headings = false; break;
      case OPT_ROOT: o.root = optarg; break;
      case 'h': usage(); std::exit(0);
      default: throw BadUsage{};  // getopt said what was wrong
    }
  }
  if (optind < argc) {
    o.cgroup_root = argv[optind];
    if (o.cgroup_root.empty() || o.cgroup_root[0] != '/') bad("CGROUP must be an absolute cgroup path, not '" + o.cgroup_root + "'");
    if (o.cgroup_root.size() > 1 && o.cgroup_root.back() == '/') o.cgroup_root.pop_back();
    if (!o.group) o.group = UsageGroup::cgroup;
    if (optind + 1 < argc) bad(std::string("unexpected argument '") + argv[optind + 1] + "'");
  }
  // --depth is about cgroups: without -g it picks the cgroup group, as CGROUP does.
  if (o.depth >= 0 && !o.group) o.group = UsageGroup::cgroup;
  if ((o.depth >= 0 || o.cgroup_root != "/") && o.group && *o.group != UsageGroup::cgroup)
    bad("--depth and CGROUP apply to --group cgroup only");
  if (o.sort && *o.sort < 0 && o.group != UsageGroup::cgroup) bad("--sort tree applies to --group cgroup only");
  return o;
}

double now_monotonic() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void sleep_until(double deadline) {
  for (;;) {
    double left = deadline - now_monotonic();
    if (left <= 0) return;
    timespec ts{static_cast<time_t>(left), static_cast<long>((left - std::floor(left)) * 1e9)};
    if (nanosleep(&ts, nullptr) == 0) return;
  }
}

struct View {
  const Options& o;
  std::vector<int> cols;  // shown columns (per group)
  Filter filter;
  int sort = T_CPU;       // -1: the sampler's (tree) order
  bool reverse = false;

  // The rows to show: filtered, sorted, cut to --top.
  std::vector<const UsageRow*> select(const UsageSample& s) const {
    std::vector<const UsageRow*> rows;
    rows.reserve(s.rows.size());
    std::vector<Cell> cells(columns().size());
    for (const auto& r : s.rows) {
      if (!o.filter.empty()) {
        for (int c : filter.used_columns()) cells[static_cast<std::size_t>(c)] = cell(r, c);
        if (!filter.matches(cells)) continue;
      }
      rows.push_back(&r);
    }
    if (sort >= 0) sort_rows(rows, sort, reverse);
    if (o.top && rows.size() > static_cast<std::size_t>(*o.top)) rows.resize(static_cast<std::size_t>(*o.top));
    return rows;
  }

  Table table(const UsageSample& s, const std::vector<const UsageRow*>& rows) const {
    Table t;
    for (int c : cols) t.columns.push_back(columns()[static_cast<std::size_t>(c)]);
    for (const auto* r : rows) {
      std::vector<Cell> line;
      line.reserve(cols.size());
      for (int c : cols) {
        Cell v = cell(*r, c);
        // The sampler's tree order: indent cgroup names by depth, as a tree (the value stays
        // the name).
        if (c == T_NAME && sort < 0 && s.group == UsageGroup::cgroup && r->depth > 0) {
          auto slash = r->name.rfind('/');
          v = Cell(std::string(static_cast<std::size_t>(r->depth) * 2, ' ') + r->name.substr(slash + 1));
          v.value = r->name;
        }
        line.push_back(std::move(v));
      }
      t.rows.push_back(std::move(line));
    }
    return t;
  }
};

// The cgroup fields the output needs: JSON has every field; text only the shown, filtered
// and sorted columns (and the screen's sort keys).
unsigned fields_for(const Options& o, const std::vector<int>& filter_cols) {
  if (o.json) return nsinspect::SamplerOptions{}.fields;
  std::vector<int> cols = filter_cols;
  auto add = [&](const std::vector<int>& more) { cols.insert(cols.end(), more.begin(), more.end()); };
  if (!o.output.empty()) add(parse_columns(o.output, o.group.value_or(UsageGroup::container)));
  else if (o.group) add(default_columns(*o.group));
  else add(default_columns(UsageGroup::container)), add(default_columns(UsageGroup::cgroup));
  if (o.sort && *o.sort >= 0) cols.push_back(*o.sort);
  const bool screen = !o.batch && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);
  if (screen) add({T_CPU, T_MEM, T_IOR, T_PIDS});
  if (!o.sort) cols.push_back(T_CPU);
  unsigned f = 0;
  for (int c : cols) switch (c) {
      case T_CPU: f |= nsinspect::kCgCpuUsage; break;
      case T_THROTTLED: f |= nsinspect::kCgCpuThrottle; break;
      case T_MEM: f |= nsinspect::kCgMemoryCurrent; break;
      case T_MEMLIMIT: f |= nsinspect::kCgMemoryLimits; break;
      case T_MEMPCT: f |= nsinspect::kCgMemoryCurrent | nsinspect::kCgMemoryLimits; break;
      case T_OOM: f |= nsinspect::kCgMemoryEvents; break;
      case T_IOR: case T_IOW: f |= nsinspect::kCgIoBytes; break;
      case T_PIDS: f |= nsinspect::kCgPidsCurrent; break;
      case T_PIDSLIMIT: f |= nsinspect::kCgPidsLimit; break;
      case T_PSI_CPU: case T_PSI_MEM: case T_PSI_IO: f |= nsinspect::kCgPressure; break;
      default: break;
    }
  return f;
}

unsigned g_fields = nsinspect::SamplerOptions{}.fields;

std::unique_ptr<nsinspect::Sampler> make_sampler(const Options& o, UsageGroup g) {
  nsinspect::SamplerOptions so;
  so.fields = g_fields;
  so.group = g;
  so.root = o.root;
  so.cgroup_root = o.cgroup_root;
  so.cgroup_depth = o.depth;
  so.ns_type = o.ns_type;
  return std::make_unique<nsinspect::Sampler>(so);
}

// Without --group: containers when the node has any, else cgroups (as systemd-cgtop).
UsageSample first_sample(const Options& o, std::unique_ptr<nsinspect::Sampler>& sampler) {
  if (o.group) {
    sampler = make_sampler(o, *o.group);
    return sampler->sample();
  }
  sampler = make_sampler(o, UsageGroup::container);
  UsageSample s = sampler->sample();
  if (!s.snapshot->containers.empty()) return s;
  sampler = make_sampler(o, UsageGroup::cgroup);
  return sampler->sample();
}

int run_batch(const Options& o, View& view, std::unique_ptr<nsinspect::Sampler>& sampler, UsageSample s) {
  RenderOptions ro;
  ro.headings = o.headings;
  ro.color = want_color(STDOUT_FILENO);
  ro.truncate = false;
  double next = now_monotonic();
  for (long i = 0;; ++i) {
    auto rows = view.select(s);
    if (o.json) {
      std::string line = json_line(s, rows);
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
    } else {
      if (i > 0) std::fputc('\n', stdout);
      render(view.table(s, rows), ro, stdout);
    }
    flush_stdout_or_exit();  // a full disk or a closed pipe ends a monitoring loop
    warn_unreadable(s.snapshot->stats);  // once, after the first sample
    if (o.count && i + 1 >= *o.count) return 0;
    next += o.delay;
    sleep_until(next);
    s = sampler->sample();
  }
}

int screen_loop(Screen& screen, const Options& o, View& view, std::unique_ptr<nsinspect::Sampler>& sampler,
                UsageSample s) {
  RenderOptions ro;
  ro.headings = o.headings;
  ro.color = want_color(STDOUT_FILENO);
  for (long i = 0;; ++i) {
    auto rows = view.select(s);
    const int height = screen.rows();
    if (height > 3 && rows.size() > static_cast<std::size_t>(height - 3)) rows.resize(static_cast<std::size_t>(height - 3));
    ro.width = screen.cols();
    char head[320];
    std::snprintf(head, sizeof head, "nsview top - %s - %zu rows - every %.1fs - sort %s%s%s - keys: c m i p n r q\n",
                  std::string(nsinspect::usage_group_name(s.group)).c_str(), s.rows.size(), o.delay,
                  view.sort < 0 ? "tree" : columns()[static_cast<std::size_t>(view.sort)].name.c_str(),
                  view.reverse ? " (reversed)" : "",
                  s.snapshot->stats.partial() ? " - partly unreadable: + partial, - unknown" : "");
    std::string frame = std::string(head) + "\n" + render_to_string(view.table(s, rows), ro);
    // Raw mode has no output post-processing: lines need a carriage return.
    std::string crlf;
    crlf.reserve(frame.size() + rows.size() + 4);
    for (char ch : frame) {
      if (ch == '\n') crlf.push_back('\r');
      crlf.push_back(ch);
    }
    screen.draw(crlf);
    if (o.count && i + 1 >= *o.count) return 0;
    const double deadline = now_monotonic() + o.delay;
    bool redraw = false;
    while (!redraw) {
      double left = deadline - now_monotonic();
      if (left <= 0) break;
      int k = screen.key(left);
      if (k < 0 || k == 'q' || k == 'Q') return 0;
      int col = -2;
      switch (k) {
        case 'c': col = T_CPU; break;
        case 'm': col = T_MEM; break;
        case 'i': col = T_IOR; break;
        case 'p': col = T_PIDS; break;
        case 'n': col = T_NAME; break;
        case 'r': view.reverse = !view.reverse; redraw = true; break;
        default: break;
      }
      if (col != -2) {
        view.sort = col;
        redraw = true;
      }
    }
    if (!redraw) s = sampler->sample();
    else --i;  // a key redraws the same sample
  }
}

int run_screen(const Options& o, View& view, std::unique_ptr<nsinspect::Sampler>& sampler, UsageSample s) {
  int sig = 0, rc = 0;
  const nsinspect::ScanStats stats = s.snapshot->stats;
  {
    Screen screen;
    rc = screen_loop(screen, o, view, sampler, std::move(s));
    sig = screen.stop_signal();
  }
  // The terminal is restored: now the warning can be read (the head line only hinted at it).
  warn_unreadable(stats);
  if (!sig) return rc;
  // Die of the signal as if it had not been caught (status 128+N).
  std::signal(sig, SIG_DFL);
  std::raise(sig);
  return 128 + sig;
}

int run(int argc, char** argv) {
  try {
    Options o = parse_args(argc, argv);
    View view{o, {}, {}, T_CPU, o.reverse};
    // Bad columns and filters are reported before the first (slow) sample.
    try {
      if (!o.output.empty()) (void)parse_columns(o.output, UsageGroup::container);
    } catch (const std::invalid_argument& e) {
      bad(e.what());
    }
    if (!o.filter.empty()) {
      try {
        view.filter = Filter::parse(o.filter, columns());
        if (!view.filter.unknown_columns().empty())
          throw FilterError("unknown column: " + view.filter.unknown_columns().front());
      } catch (const FilterError& e) {
        bad(std::string("failed to parse filter: ") + e.what());
      }
    }
    g_fields = fields_for(o, view.filter.used_columns());
    std::unique_ptr<nsinspect::Sampler> sampler;
    warn_capabilities(o.root);
    UsageSample s = first_sample(o, sampler);
    warn_no_cgroups(o.root, s.snapshot->cgroup_tree.layout);
    view.cols = o.output.empty() ? default_columns(s.group) : parse_columns(o.output, s.group);
    if (o.sort) view.sort = *o.sort;
    const bool screen = !o.batch && !o.json && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);
    return screen ? run_screen(o, view, sampler, std::move(s)) : run_batch(o, view, sampler, std::move(s));
  } catch (const BadInput& e) {
    return usage_error(e.msg);
  } catch (const BadUsage&) {
    std::fprintf(stderr, "Try '%s --help' for more information.\n", program_name().c_str());
    return 1;
  }
}

nsview::RegisterSubcommand reg({"top", "live usage by container, pod, cgroup, namespace or process", run, 40});

}  // namespace
