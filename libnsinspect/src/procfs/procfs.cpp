#include "nsinspect/procfs.hpp"

#include "procfs/parse_util.hpp"

namespace nsinspect::procfs {

using namespace detail::parse_words;

std::optional<Stat> parse_stat(std::string_view text) {
  // "pid (comm) state ppid ..." - comm may contain ") ", so it ends at the last ')'.
  auto open = text.find('(');
  auto close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
  Stat st;
  auto pid = to_number<pid_t>(trim(text.substr(0, open)));
  if (!pid) return std::nullopt;
  st.pid = *pid;
  st.comm = std::string(text.substr(open + 1, close - open - 1));
  auto f = split_ws(trim(text.substr(close + 1)));
  // f[0] is field 3 (state); field N is f[N-3].
  if (f.size() < 22) return std::nullopt;
  if (f[0].size() != 1) return std::nullopt;
  st.state = f[0][0];
  auto ppid = to_number<pid_t>(f[1]);
  auto flags = to_number<uint64_t>(f[6]);
  auto utime = to_number<uint64_t>(f[11]);
  auto stime = to_number<uint64_t>(f[12]);
  auto threads = to_number<int64_t>(f[17]);
  auto start = to_number<uint64_t>(f[19]);
  auto vsize = to_number<uint64_t>(f[20]);
  auto rss = to_number<int64_t>(f[21]);
  if (!ppid || !flags || !utime || !stime || !threads || !start || !vsize || !rss) return std::nullopt;
  st.ppid = *ppid;
  st.flags = *flags;
  st.utime = *utime;
  st.stime = *stime;
  st.num_threads = *threads;
  st.start_time = *start;
  st.vsize = *vsize;
  st.rss_pages = *rss;
  return st;
}

Status parse_status(std::string_view text) {
  Status s;
  for_each_field(text, [&](std::string_view key, std::string_view value) {
    auto vals = split_ws(value);
    if (key == "Uid" && vals.size() >= 2) {
      s.real_uid = to_number<uid_t>(vals[0]);
      s.effective_uid = to_number<uid_t>(vals[1]);
    } else if (key == "Gid" && vals.size() >= 2) {
      s.real_gid = to_number<gid_t>(vals[0]);
      s.effective_gid = to_number<gid_t>(vals[1]);
    } else if (key == "NSpid") {
      for (auto v : vals)
        if (auto n = to_number<pid_t>(v)) s.nspid.push_back(*n);
    } else if (key == "Threads" && !vals.empty()) {
      s.threads = to_number<int64_t>(vals[0]);
    } else if (key == "VmRSS" && !vals.empty()) {
      if (auto kb = to_number<uint64_t>(vals[0])) s.vm_rss_bytes = *kb * 1024;
    }
  });
  return s;
}

Io parse_io(std::string_view text) {
  Io io;
  for_each_field(text, [&](std::string_view key, std::string_view value) {
    if (key == "read_bytes") io.read_bytes = to_number<uint64_t>(value);
    else if (key == "write_bytes") io.write_bytes = to_number<uint64_t>(value);
  });
  return io;
}

std::optional<NsLink> parse_ns_link(std::string_view text) {
  auto colon = text.find(":[");
  if (colon == std::string_view::npos || text.size() < colon + 4 || text.back() != ']') return std::nullopt;
  auto type = ns_type_from_name(text.substr(0, colon));
  if (!type) return std::nullopt;
  auto inode = to_number<NsInode>(text.substr(colon + 2, text.size() - colon - 3));
  if (!inode) return std::nullopt;
  return NsLink{*type, *inode};
}

std::optional<uint64_t> parse_socket_link(std::string_view text) {
  constexpr std::string_view prefix = "socket:[";
  if (text.substr(0, prefix.size()) != prefix || text.size() <= prefix.size() + 1 || text.back() != ']')
    return std::nullopt;
  return to_number<uint64_t>(text.substr(prefix.size(), text.size() - prefix.size() - 1));
}

std::vector<std::string> parse_cmdline(std::string_view text) {
  std::vector<std::string> args;
  if (text.empty()) return args;
  if (text.back() == '\0') text.remove_suffix(1);
  for (auto a : split(text, '\0')) args.emplace_back(a);
  return args;
}

std::string unescape_mount_field(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      auto a = field[i + 1], b = field[i + 2], c = field[i + 3];
      if (a >= '0' && a <= '3' && b >= '0' && b <= '7' && c >= '0' && c <= '7') {
        out.push_back(static_cast<char>((a - '0') * 64 + (b - '0') * 8 + (c - '0')));
        i += 3;
        continue;
      }
    }
    out.push_back(field[i]);
  }
  return out;
}

std::vector<MountInfo> parse_mountinfo(std::string_view text) {
  std::vector<MountInfo> mounts;
  for_each_line(text, [&](std::string_view line) {
    auto f = split_ws(line);
    // At least: id parent maj:min root mountpoint options - fstype source superopts
    if (f.size() < 10) return;
    MountInfo m;
    auto id = to_number<int>(f[0]);
    auto parent = to_number<int>(f[1]);
    auto devsep = f[2].find(':');
    if (!id || !parent || devsep == std::string_view::npos) return;
    auto maj = to_number<unsigned>(f[2].substr(0, devsep));
    auto min = to_number<unsigned>(f[2].substr(devsep + 1));
    if (!maj || !min) return;
    m.mount_id = *id;
    m.parent_id = *parent;
    m.major = *maj;
    m.minor = *min;
    m.root = unescape_mount_field(f[3]);
    m.mount_point = unescape_mount_field(f[4]);
    m.options = std::string(f[5]);
    std::size_t i = 6;
    while (i < f.size() && f[i] != "-") m.optional_fields.emplace_back(f[i++]);
    if (i + 2 >= f.size()) return;  // no "- fstype source" tail
    m.fstype = std::string(f[i + 1]);
    m.source = unescape_mount_field(f[i + 2]);
    if (i + 3 < f.size()) m.super_options = std::string(f[i + 3]);
    mounts.push_back(std::move(m));
  });
  return mounts;
}

std::vector<CgroupLine> parse_cgroup(std::string_view text) {
  std::vector<CgroupLine> lines;
  for_each_line(text, [&](std::string_view line) {
    if (line.empty()) return;
    auto c1 = line.find(':');
    if (c1 == std::string_view::npos) return;
    auto c2 = line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) return;
    auto id = to_number<int>(line.substr(0, c1));
    if (!id) return;
    CgroupLine cl;
    cl.hierarchy_id = *id;
    auto ctrl = line.substr(c1 + 1, c2 - c1 - 1);
    if (!ctrl.empty())
      for (auto c : split(ctrl, ',')) cl.controllers.emplace_back(c);
    cl.path = std::string(line.substr(c2 + 1));  // may itself contain ':'
    lines.push_back(std::move(cl));
  });
  return lines;
}

std::vector<std::pair<uid_t, std::string>> parse_passwd(std::string_view text) {
  std::vector<std::pair<uid_t, std::string>> users;
  for_each_line(text, [&](std::string_view line) {
    if (line.empty() || line[0] == '#') return;
    auto f = split(line, ':');
    if (f.size() < 3) return;
    if (auto uid = to_number<uid_t>(f[2])) users.emplace_back(*uid, std::string(f[0]));
  });
  return users;
}

}  // namespace nsinspect::procfs
