// The TUI's main loop: scan once per refresh for the visible view, feed the snapshot to that
// view's sampler, rebuild its rows, draw, and handle keys.
#include <algorithm>
#include <chrono>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <unistd.h>

#include <curses.h>
#include <fmt/format.h>

#include "detail.hpp"
#include "inspect_view.hpp"
#include "nsinspect/container_lookup.hpp"
#include "nsinspect/inspect.hpp"
#include "json_writer.hpp"
#include "text.hpp"
#include "nsinspect/scan.hpp"
#include "terminal.hpp"
#include "tui.hpp"

namespace nsview::tui {

using namespace nsinspect;
using Clock = std::chrono::steady_clock;

namespace {

// What each view's rows and detail pane read; the sampler adds what it needs.
ScanOptions view_needs(ViewId v) {
  ScanOptions o;
  switch (v) {
    case ViewId::containers:
      o = scan_options_for(kFindContainers | src_namespaces | src_cmdline);
      // A container's command is its init's, the lowest pid of its namespaces; other
      // processes show their comm in the detail pane. Saves a read per process.
      o.cmdline_leaders_only = true;
      break;
    case ViewId::namespaces:  // holders, owners and parents, NETNSID, container tags
      o = scan_options_for(kFindAllNamespaces | kFindContainers | src_netnsid | src_users | src_cmdline);
      break;
    case ViewId::cgroups:
      // Members show pid and command only: no namespace links, no owners (most of a scan).
      o = scan_options_for(src_cgroup_tree | src_cmdline);
      o.uid_leaders_only = true;
      break;
    case ViewId::processes:  // status: the pid in each nested pid namespace (detail pane)
      o = scan_options_for(src_namespaces | kFindContainers | src_status | src_users | src_cmdline);
      break;
  }
  return o;
}

const char* const kHelp[] = {
    "Views",
    "  1 2 3 4, Tab, Shift-Tab  Containers, Namespaces, Cgroups, Processes",
    "  t                        Namespaces: type (all by owner, mnt, net, pid, uts, ipc, user, cgroup, time)",
    "  a                        Cgroups: also empty cgroups; Processes: also kernel threads",
    "Moving",
    "  Up Down PgUp PgDn Home End   move the selection (it stays on its object across refreshes)",
    "Sorting and filtering",
    "  < >  F6                  sort by the column left / right (first position: tree order)",
    "  I                        invert the sort order",
    "  /                        filter by name, id, inode or cgroup path (Enter keeps it, Esc clears)",
    "  Esc                      clear the filter / close the pane",
    "Acting on the selection",
    "  Enter                    detail pane (processes, namespaces, holders, usage...)",
    "  e                        enter it with a shell (nsview enter); leave the shell to come back",
    "  k                        send a signal (TERM; Left/Right other signals; y sends, n cancels)",
    "  J                        write it as JSON to ./nsview-KIND-ID.json (else /tmp)",
    "Live refresh",
    "  space                    pause / resume",
    "  r  F5                    refresh now",
    "  ?  F1                    this help",
    "  q  F10                   quit (closes a pane first)",
    "Unknown values show as '-', unreadable namespaces as '?'. First CPU% after a start or view",
    "switch is '-': a rate needs two samples.",
};

enum class Mode { list, filter, kill_confirm };

class App {
 public:
  App(Terminal& t, const TuiOptions& o) : term_(t), opt_(o), view_(o.view) {
    for (auto& v : views_) v.table.set_ascii(o.ascii || !t.utf8());
  }

  int loop() {
    refresh_data();
    while (true) {
      if (int sig = Terminal::pending_signal()) return -sig;
      auto now = Clock::now();
      if (!paused_ && now >= next_) refresh_data();
      draw();
      int ms = 1000;
      if (!paused_)
        ms = static_cast<int>(std::clamp<long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(next_ - Clock::now()).count(), 0, 1000));
      timeout(ms);
      int ch = getch();
      if (ch == ERR) continue;
      if (!key(ch)) return 0;
    }
  }

 private:
  struct ViewState {
    TableModel table;
    ViewOptions options;
    std::optional<UsageSample> usage;
    std::string note;
  };

  ViewState& cur() { return views_[static_cast<std::size_t>(view_)]; }

  Sampler* sampler_for(ViewId v) {
    auto g = usage_group(v);
    if (!g) return nullptr;
    auto& s = samplers_[*g];
    if (!s) {
      SamplerOptions so;
      so.group = *g;
      so.root = opt_.root;
      s = std::make_unique<Sampler>(so);
    }
    return s.get();
  }

  void refresh_data() {
    auto start = Clock::now();
    Sampler* sampler = sampler_for(view_);
    ScanOptions so = view_needs(view_);
    if (sampler) so = nsinspect::merge(so, sampler->scan_options());
    so.root = opt_.root;
    try {
      snap_ = std::make_shared<const Snapshot>(scan(so));
      if (sampler) cur().usage = sampler->sample(snap_);
    } catch (const std::exception& e) {
      message(std::string("scan failed: ") + e.what(), true);
    }
    scan_ms_ = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    // A rate needs two samples: after a fresh sampler, the second one comes sooner.
    double wait = opt_.delay_s;
    if (sampler && cur().usage && cur().usage->interval_s == 0) wait = std::min(wait, 1.0);
    next_ = Clock::now() + std::chrono::milliseconds(static_cast<long>(wait * 1000));
    rebuild();
  }

  void rebuild() {
    if (!snap_) return;
    ViewState& v = cur();
    BuiltView b = build_view(view_, *snap_, v.usage ? &*v.usage : nullptr, v.options);
    v.table.set_columns(std::move(b.columns));
    v.table.set_rows(std::move(b.rows));
    v.note = std::move(b.note);
  }

  void switch_view(ViewId v) {
    if (v == view_) return;
    view_ = v;
    detail_ = help_ = false;
    mode_ = Mode::list;
    refresh_data();  // the new view may need what the last scan skipped
  }

  void message(std::string m, bool warn = false) {
    msg_ = safe_text(m);  // may name a container or process
    msg_warn_ = warn;
    msg_until_ = Clock::now() + std::chrono::seconds(6);
  }

  // ---- Drawing -----------------------------------------------------------------------

  void put(int y, int& x, int& room, const std::string& s, int attr) {
    if (room <= 0 || s.empty()) return;
    std::string f = text_width(s) <= static_cast<std::size_t>(room) ? s : fit(s, static_cast<std::size_t>(room));
    attron(attr);
    mvaddstr(y, x, f.c_str());
    attroff(attr);
    int w = static_cast<int>(text_width(f));
    x += w;
    room -= w;
  }

  void line(int y, const std::string& s, int attr) {
    attron(attr);
    mvaddstr(y, 0, fit(s, static_cast<std::size_t>(COLS)).c_str());
    attroff(attr);
  }

  int style_attr(RowStyle s) const {
    switch (s) {
      case RowStyle::ns: return term_.colors() ? term_.attr(kNs) : A_NORMAL;
      case RowStyle::group: return term_.attr(kGroup);
      case RowStyle::cgroup: return A_BOLD;
      case RowStyle::dim: return A_DIM;
      default: return A_NORMAL;
    }
  }

  void draw_title() {
    char host[256] = "?";
    gethostname(host, sizeof host - 1);
    std::time_t t = std::time(nullptr);
    char clock[16];
    std::strftime(clock, sizeof clock, "%H:%M:%S", std::localtime(&t));
    std::string s = fmt::format(" nsview  {}  {}  processes {}  containers {}  pods {}  refresh {}s  scan {:.0f} ms{}",
                                safe_text(host), clock, snap_ ? snap_->processes.size() : 0, snap_ ? snap_->containers.size() : 0,
                                snap_ ? snap_->pods.size() : 0, opt_.delay_s, scan_ms_, paused_ ? "  [PAUSED]" : "");
    line(0, s, term_.attr(kTitle));
  }

  // What the scan could not read (the words every front-end uses), wrapped to the screen
  // width above the status line, so that it is never cut off.
  std::vector<std::string> warning_lines() const {
    std::string what = snap_ && snap_->stats.partial() ? unreadable_summary(snap_->stats) : std::string();
    if (what.empty() || COLS < 20) return {};
    std::string text = "Partial: " + what + "; counts marked + are partial, '-' is unknown";
    std::vector<std::string> out;
    const std::size_t w = static_cast<std::size_t>(COLS) - 1;
    while (!text.empty()) {
      std::size_t cut = text.size() <= w ? text.size() : text.rfind(' ', w);
      if (cut == std::string::npos || cut == 0) cut = std::min(w, text.size());
      out.push_back(text.substr(0, cut));
      text.erase(0, cut);
      if (!text.empty() && text.front() == ' ') text.erase(0, 1);
    }
    return out;
  }

  void draw_tabs() {
    int x = 0, room = COLS;
    for (int i = 0; i < kViewCount; ++i) {
      auto v = static_cast<ViewId>(i);
      put(1, x, room, fmt::format(" {} {} ", i + 1, view_title(v)), v == view_ ? term_.attr(kTabActive) : A_NORMAL);
      put(1, x, room, " ", A_NORMAL);
    }
    const TableModel& tb = cur().table;
    std::string info;
    if (view_ == ViewId::namespaces) {
      auto t = cur().options.ns_type;
      info += t ? "type " + std::string(ns_type_name(*t)) + "  " : "all types by owner  ";
    }
    if ((view_ == ViewId::cgroups || view_ == ViewId::processes) && cur().options.all) info += "all  ";
    if (tb.sort_column() >= 0)
      info += "sort " + tb.columns()[static_cast<std::size_t>(tb.sort_column())].name +
              (tb.sort_descending() ? (term_.utf8() ? "\u25bc" : "v") : (term_.utf8() ? "\u25b2" : "^")) + "  ";
    if (!tb.filter().empty()) info += "filter \"" + tb.filter() + "\"";
    put(1, x, room, info, term_.attr(kStatus));
  }

  void draw_table(int top, int height) {
    TableModel& tb = cur().table;
    auto widths = column_widths(tb.columns(), COLS);
    // Header.
    {
      attron(term_.attr(kHeader));
      mvaddstr(top, 0, std::string(static_cast<std::size_t>(COLS), ' ').c_str());
      int x = 0;
      for (std::size_t i = 0; i < widths.size(); ++i) {
        if (!widths[i]) continue;
        const auto& c = tb.columns()[i];
        std::string name = c.name;
        if (static_cast<int>(i) == tb.sort_column()) name = (tb.sort_descending() ? "v" : "^") + name;
        mvaddstr(top, x, fit(name, static_cast<std::size_t>(widths[i]), c.right).c_str());
        x += widths[i] + 1;
      }
      attroff(term_.attr(kHeader));
    }
    int body = height - 1;
    if (tb.lines().empty()) {
      std::string why = !tb.filter().empty() ? "no match for \"" + tb.filter() + "\" (Esc clears the filter)"
                                             : cur().note.empty() ? "nothing to show" : cur().note;
      line(top + 2, "  " + why, A_NORMAL);
      return;
    }
    std::size_t first = tb.scroll_top(static_cast<std::size_t>(std::max(1, body)));
    auto cursor = tb.cursor();
    for (int r = 0; r < body; ++r) {
      std::size_t li = first + static_cast<std::size_t>(r);
      if (li >= tb.lines().size()) break;
      const Line& ln = tb.lines()[li];
      const Row& row = tb.rows()[ln.row];
      bool sel = cursor && *cursor == li;
      int y = top + 1 + r;
      int base = sel ? term_.attr(kCursor) : A_NORMAL;
      if (sel) {
        attron(base);
        mvaddstr(y, 0, std::string(static_cast<std::size_t>(COLS), ' ').c_str());
        attroff(base);
      }
      int x = 0;
      for (std::size_t i = 0; i < widths.size(); ++i) {
        if (!widths[i]) continue;
        int room = widths[i];
        int cx = x;
        if (i == 0) {
          put(y, cx, room, ln.prefix, base);
          put(y, cx, room, cell_text(row.cells[0]), sel ? base : style_attr(row.style));
          if (!row.mark.empty()) put(y, cx, room, " " + row.mark, sel ? base : term_.attr(kMark));
        } else if (i < row.cells.size()) {
          const auto& c = tb.columns()[i];
          std::string t = fit(cell_text(row.cells[i]), static_cast<std::size_t>(widths[i]), c.right);
          put(y, cx, room, t, base);
        }
        x += widths[i] + 1;
      }
    }
  }

  // A scrollable page of text over the body (detail pane, help).
  // Lines are made terminal-safe here unless they already are (escaped = true).
  void draw_page(int top, int height, const std::string& title, const std::vector<std::string>& text, int& scroll,
                 bool escaped = false) {
    line(top, fit(" " + title, static_cast<std::size_t>(COLS)), term_.attr(kHeader));
    int body = height - 1;
    int max_scroll = std::max(0, static_cast<int>(text.size()) - body);
    scroll = std::clamp(scroll, 0, max_scroll);
    for (int r = 0; r < body && scroll + r < static_cast<int>(text.size()); ++r)
      line(top + 1 + r, escaped ? text[static_cast<std::size_t>(scroll + r)] : safe_text(text[static_cast<std::size_t>(scroll + r)]),
           A_NORMAL);
  }

  void draw_status() {
    int y = LINES - 1;
    if (mode_ == Mode::filter) {
      line(y, "Filter: " + cur().table.filter() + "_   (Enter keep, Esc clear)", term_.attr(kStatus));
      return;
    }
    if (mode_ == Mode::kill_confirm) {
      const auto& sig = signal_choices()[kill_sig_];
      line(y, fmt::format("Send SIG{} to pid {} ({})? y/n   Left/Right: other signal", sig.name, kill_pid_, kill_what_),
           term_.attr(kWarn) | A_BOLD);
      return;
    }
    if (!msg_.empty() && Clock::now() < msg_until_) {
      line(y, msg_, msg_warn_ ? term_.attr(kWarn) : term_.attr(kStatus));
      return;
    }
    line(y, detail_ ? "Esc close  Up/Down scroll  e enter  k signal  J json  q close"
                    : "?:help  1-4:views  /:filter  <>:sort  Enter:detail  e:enter  k:signal  J:json  space:pause  q:quit",
         A_NORMAL);
  }

  void draw() {
    erase();
    draw_title();
    draw_tabs();
    auto warn = warning_lines();
    int top = 2, height = LINES - 3 - static_cast<int>(warn.size());
    for (std::size_t i = 0; i < warn.size(); ++i)
      line(LINES - 1 - static_cast<int>(warn.size() - i), warn[i], term_.attr(kWarn));
    if (height > 1) {
      if (help_) {
        std::vector<std::string> text(std::begin(kHelp), std::end(kHelp));
        draw_page(top, height, "Keys (Esc or q closes)", text, help_scroll_);
      } else if (detail_) {
        const UsageSample* u = cur().usage ? &*cur().usage : nullptr;
        auto text = snap_ ? detail_lines(*snap_, u, detail_kind_, detail_key_) : std::vector<std::string>{};
        if (text.empty()) text = {"(gone: the object no longer exists)"};
        for (auto& l : text) l = safe_text(l);
        // inspect's tables are escaped by the renderer: not a second time.
        if (text.size() > 1) text.insert(text.end(), inspect_lines_.begin(), inspect_lines_.end());
        draw_page(top, height, "Detail", text, detail_scroll_, true);
      } else {
        draw_table(top, height);
      }
    }
    draw_status();
    refresh();
  }

  // ---- Actions -----------------------------------------------------------------------

  // The object acted on: the one in the detail pane, else the selection.
  bool target(ObjectKind& kind, std::string& key) {
    if (detail_) {
      kind = detail_kind_;
      key = detail_key_;
      return true;
    }
    const Row* r = cur().table.selected();
    if (!r) return false;
    kind = r->kind;
    key = r->key;
    return true;
  }

  // Under --root without hostPID the pids shown are another pid namespace's: signalling or
  // entering one would reach a different process of ours.
  bool pids_are_ours() const { return opt_.root == "/" || (snap_ && snap_->self_pid == ::getpid()); }

  void enter_selected() {
    ObjectKind kind;
    std::string key, why;
    if (!target(kind, key) || !snap_) return message("nothing selected", true);
    if (!pids_are_ours()) return message("e: the pids under --root are not this pid namespace's (run with hostPID)", true);
    auto args = enter_args(*snap_, kind, key, &why);
    if (args.empty()) return message("e: " + why, true);
    args.insert(args.begin(), "/proc/self/exe");
    std::string err;
    int st = term_.run_program(args, &err);
    if (st < 0) message("e: " + err, true);
    else message(fmt::format("back from nsview {} {} (exit status {})", args[1], args[2], st), st != 0);
    refresh_data();
  }

  void start_kill() {
    ObjectKind kind;
    std::string key;
    if (!target(kind, key) || !snap_) return message("nothing selected", true);
    if (!pids_are_ours()) return message("k: the pids under --root are not this pid namespace's (run with hostPID)", true);
    auto pid = signal_target(*snap_, kind, key);
    if (!pid) return message("k: select a process or a container (its init process gets the signal)", true);
    kill_pid_ = *pid;
    const Process* p = snap_->process(*pid);
    kill_what_ = p ? p->comm : "?";
    kill_sig_ = 0;
    mode_ = Mode::kill_confirm;
  }

  void write_json() {
    ObjectKind kind;
    std::string key;
    if (!target(kind, key) || !snap_) return message("nothing selected", true);
    const UsageSample* u = cur().usage ? &*cur().usage : nullptr;
    auto j = object_json(*snap_, u, kind, key);
    if (j.is_null()) return message("J: the object is gone", true);
    std::string name = json_file_name(kind, key);
    char cwd[PATH_MAX];
    std::vector<std::string> places;
    if (getcwd(cwd, sizeof cwd)) places.push_back(std::string(cwd) + "/" + name);
    places.push_back("/tmp/" + name);
    for (const auto& path : places) {
      std::ofstream f(path);
      if (!f) continue;
      f << json_text(j, 2) << "\n";
      if (f.flush()) return message("wrote " + path);
    }
    message("J: cannot write " + name + " here or in /tmp", true);
  }

  void open_detail() {
    const Row* r = cur().table.selected();
    if (!r) return;
    detail_ = true;
    detail_kind_ = r->kind;
    detail_key_ = r->key;
    detail_scroll_ = 0;
    inspect_lines_.clear();
    // A container's pane ends with what `nsview inspect` shows: read once, when it opens
    // (it reads every process's status and mounts, and the network over netlink).
    if (r->kind == ObjectKind::container && snap_)
      if (const Container* c = container_by_id(*snap_, r->key)) {
        auto t = nsinspect::inspect::container_target(*snap_, *c);
        if (t.pids.empty()) return;
        t.initial_ns = nsinspect::inspect::initial_namespaces(opt_.root);
        RenderOptions o;
        o.ascii = !locale_is_utf8();
        nsinspect::inspect::InspectOptions io;
        io.root = opt_.root;
        inspect_lines_ = {"", "Inspect (as nsview inspect; read when this pane opened)"};
        for (auto& l : inspect_lines(nsinspect::inspect::inspect(t, io), {}, o)) inspect_lines_.push_back("  " + l);
      }
  }

  // Returns false to quit.
  bool key(int ch) {
    TableModel& tb = cur().table;
    int page = std::max(1, LINES - 4);
    if (mode_ == Mode::filter) {
      std::string f = tb.filter();
      if (ch == 27) {
        tb.set_filter("");
        mode_ = Mode::list;
      } else if (ch == '\n' || ch == KEY_ENTER) {
        mode_ = Mode::list;
      } else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
        if (!f.empty()) tb.set_filter(f.substr(0, f.size() - 1));
      } else if (ch >= 32 && ch < 127) {
        tb.set_filter(f + static_cast<char>(ch));
      } else if (ch == KEY_UP || ch == KEY_DOWN) {
        tb.move(ch == KEY_UP ? -1 : 1);
      }
      return true;
    }
    if (mode_ == Mode::kill_confirm) {
      const auto& sigs = signal_choices();
      if (ch == KEY_LEFT) kill_sig_ = (kill_sig_ + sigs.size() - 1) % sigs.size();
      else if (ch == KEY_RIGHT) kill_sig_ = (kill_sig_ + 1) % sigs.size();
      else if (ch == 'y' || ch == 'Y') {
        mode_ = Mode::list;
        if (::kill(kill_pid_, sigs[kill_sig_].number) == 0)
          message(fmt::format("sent SIG{} to pid {}", sigs[kill_sig_].name, kill_pid_));
        else
          message(fmt::format("kill {}: {}", kill_pid_, std::strerror(errno)), true);
      } else if (ch == 'n' || ch == 'N' || ch == 27 || ch == 'q') {
        mode_ = Mode::list;
        message("not sent");
      }
      return true;
    }
    if (help_ || detail_) {
      int& scroll = help_ ? help_scroll_ : detail_scroll_;
      switch (ch) {
        case 27: case 'q': case '\n': case KEY_ENTER: case '?': case KEY_F(1):
          if (help_) help_ = false;
          else detail_ = false;
          return true;
        case KEY_UP: --scroll; return true;
        case KEY_DOWN: ++scroll; return true;
        case KEY_PPAGE: scroll -= page; return true;
        case KEY_NPAGE: scroll += page; return true;
        case KEY_HOME: scroll = 0; return true;
        default: break;
      }
      if (help_) return true;
    }
    switch (ch) {
      case 'q': case KEY_F(10): return false;
      case '1': case '2': case '3': case '4': switch_view(static_cast<ViewId>(ch - '1')); break;
      case '\t': switch_view(static_cast<ViewId>((static_cast<int>(view_) + 1) % kViewCount)); break;
      case KEY_BTAB: switch_view(static_cast<ViewId>((static_cast<int>(view_) + kViewCount - 1) % kViewCount)); break;
      case KEY_UP: tb.move(-1); break;
      case KEY_DOWN: tb.move(1); break;
      case KEY_PPAGE: tb.move(-page); break;
      case KEY_NPAGE: tb.move(page); break;
      case KEY_HOME: tb.home(); break;
      case KEY_END: tb.end(); break;
      case '<': case ',': tb.sort_next(-1); break;
      case '>': case '.': case KEY_F(6): tb.sort_next(1); break;
      case 'I': tb.invert_sort(); break;
      case '/': mode_ = Mode::filter; break;
      case 27: tb.set_filter(""); break;
      case '\n': case KEY_ENTER: open_detail(); break;
      case ' ':
        paused_ = !paused_;
        if (!paused_) next_ = Clock::now();
        break;
      case 'r': case KEY_F(5): refresh_data(); break;
      case 'e': enter_selected(); break;
      case 'k': start_kill(); break;
      case 'J': write_json(); break;
      case '?': case 'h': case KEY_F(1): help_ = true; help_scroll_ = 0; break;
      case 't':
        if (view_ == ViewId::namespaces) {
          auto& t = cur().options.ns_type;
          if (!t) t = kAllNsTypes[0];
          else if (index_of(*t) + 1 < kNsTypeCount) t = kAllNsTypes[index_of(*t) + 1];
          else t.reset();
          rebuild();
        }
        break;
      case 'a':
        if (view_ == ViewId::cgroups || view_ == ViewId::processes) {
          cur().options.all = !cur().options.all;
          rebuild();
        }
        break;
      case 12: clearok(stdscr, TRUE); break;  // ^L
      default: break;
    }
    return true;
  }

  Terminal& term_;
  TuiOptions opt_;
  ViewId view_;
  std::array<ViewState, kViewCount> views_;
  std::map<UsageGroup, std::unique_ptr<Sampler>> samplers_;
  std::shared_ptr<const Snapshot> snap_;
  double scan_ms_ = 0;
  Clock::time_point next_{};
  bool paused_ = false;
  Mode mode_ = Mode::list;
  bool detail_ = false, help_ = false;
  ObjectKind detail_kind_ = ObjectKind::none;
  std::string detail_key_;
  int detail_scroll_ = 0, help_scroll_ = 0;
  std::vector<std::string> inspect_lines_;  // a container's inspect sections (open_detail)
  std::string msg_;
  bool msg_warn_ = false;
  Clock::time_point msg_until_{};
  pid_t kill_pid_ = 0;
  std::string kill_what_;
  std::size_t kill_sig_ = 0;
};

}  // namespace

int run(const TuiOptions& options) {
  int sig = 0;
  try {
    Terminal term;
    App app(term, options);
    int r = app.loop();
    term.end();
    if (r >= 0) return r;
    sig = -r;
  } catch (const std::exception& e) {
    // The Terminal's destructor has restored the screen by now.
    std::fprintf(stderr, "nsview tui: %s\n", e.what());
    return 1;
  }
  // Terminal restored: now die of the signal as if we had not caught it.
  std::signal(sig, SIG_DFL);
  std::raise(sig);
  return 128 + sig;
}

}  // namespace nsview::tui
