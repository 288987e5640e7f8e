// util-linux nsenter's argument grammar: which -t, -S, -G and -N strings it accepts and what
// it says about the others. Written from util-linux 2.42's ul_parse_pid_str, ul_strtou64 and
// str2num_or_err; strtoimax/strtoumax are used as there so that blanks, '+' and overflow
// behave alike.
#include <cerrno>
#include <cinttypes>
#include <climits>
#include <cstring>
#include <string>

#include "nsinspect/enter.hpp"

namespace nsinspect::enter {

namespace {

// ul_strtou64: a leading '-' (anything strtoimax reads as negative) is ERANGE.
int strtou64(const std::string& str, uint64_t& out) {
  if (str.empty()) return EINVAL;
  char* end = nullptr;
  errno = 0;
  const intmax_t signed_value = std::strtoimax(str.c_str(), &end, 10);
  if (signed_value < 0) return ERANGE;
  errno = 0;
  out = std::strtoumax(str.c_str(), &end, 10);
  if (errno) return errno;
  if (end == str.c_str() || *end) return EINVAL;
  return 0;
}

// strtoimax over the whole of s as util-linux calls it: 0 and the number, else an errno
// (EINVAL for no digits; *end tells what follows the number).
int strtoimax_at(const std::string& s, intmax_t& out, const char*& end) {
  if (s.empty()) return EINVAL;
  char* e = nullptr;
  errno = 0;
  out = std::strtoimax(s.c_str(), &e, 10);
  end = e;
  if (e == s.c_str()) return EINVAL;
  return errno;
}

}  // namespace

PidArg parse_pid_arg(std::string_view sv) {
  PidArg r;
  const std::string s(sv);
  intmax_t num = 0;
  const char* end = nullptr;
  const int e = strtoimax_at(s, num, end);
  if (e == EINVAL) {
    r.error = EINVAL;
    return r;
  }
  if (e == ERANGE || num <= 0 || num > INT_MAX) {
    r.error = ERANGE;
    return r;
  }
  r.pid = static_cast<pid_t>(num);
  if (*end == ':') {
    uint64_t ino = 0;
    if (int ue = strtou64(std::string(end + 1), ino)) {
      r.error = ue;
      return r;
    }
    if (ino == 0) {
      r.error = ERANGE;
      return r;
    }
    r.pidfd_inode = ino;
    return r;
  }
  if (*end) r.error = EINVAL;
  return r;
}

NumArg parse_ul_unsigned(std::string_view sv) {
  NumArg r;
  uint64_t v = 0;
  r.error = strtou64(std::string(sv), v);
  if (!r.error && v > ULONG_MAX) r.error = ERANGE;
  r.value = static_cast<int64_t>(v);
  return r;
}

NumArg parse_ul_fd(std::string_view sv) {
  NumArg r;
  const std::string s(sv);
  intmax_t v = 0;
  const char* end = nullptr;
  r.error = strtoimax_at(s, v, end);
  if (!r.error && *end) r.error = EINVAL;
  else if (!r.error && v > INT_MAX) r.error = ERANGE;
  r.value = v;
  return r;
}

std::string ul_number_error(std::string_view what, std::string_view s, int error) {
  std::string m = std::string(what) + ": '" + std::string(s) + "'";
  if (error == ERANGE) m += std::string(": ") + std::strerror(ERANGE);
  return m;
}

std::string pid_arg_error(std::string_view s, int error) {
  return "failed to parse PID argument '" + std::string(s) + "': " + std::strerror(error);
}

bool extra_target_possible(std::string_view s) {
  auto spec = parse_target(s);
  if (!spec) return false;
  // Container names and ids start with a letter or digit; a blank or a sign never does.
  if (spec->kind == TargetSpec::Kind::container)
    return (s.front() >= '0' && s.front() <= '9') || (s.front() >= 'a' && s.front() <= 'z') ||
           (s.front() >= 'A' && s.front() <= 'Z');
  return true;
}

std::optional<std::string> missing_process_error(const Request& req, pid_t pid) {
  const std::string proc = "/proc/" + std::to_string(pid) + "/";
  const std::string enoent = std::string(": ") + std::strerror(ENOENT);
  auto cannot_open = [&](const std::string& what) { return "cannot open " + proc + what + enoent; };
  const auto& user = req.ns[index_of(NsType::user)];
  // -a first compares the target's user namespace with the caller's.
  if (req.all && !user.enabled) return "stat of " + proc + "ns/user failed" + enoent;
  // Namespaces without a file: the pidfd cannot be had, so /proc/PID/ns/* in nsenter's order.
  constexpr NsType kOrder[] = {NsType::user, NsType::cgroup, NsType::ipc, NsType::uts,
                               NsType::net,  NsType::pid,    NsType::mnt, NsType::time};
  for (NsType t : kOrder) {
    const auto& c = req.ns[index_of(t)];
    if ((c.enabled && !c.file) || (req.all && !c.enabled)) return cannot_open("ns/" + std::string(ns_type_name(t)));
  }
  if (req.root_target) return cannot_open("root");
  if (req.wd_target) return cannot_open("cwd");
  if (req.env) return cannot_open("environ");
  if (req.uid.kind == IdChoice::Kind::follow || req.gid.kind == IdChoice::Kind::follow) return cannot_open("");
  if (req.join_cgroup) return cannot_open("cgroup");
  if (req.user_parent) {
    bool any_file = false;
    for (const auto& c : req.ns) any_file |= c.enabled && c.file;
    if (!any_file) return cannot_open("ns/user");
  }
  if (req.net_socket)
    return "failed to pidfd_open() for " + std::to_string(pid) + ": " + std::strerror(ESRCH);
  return std::nullopt;
}

}  // namespace nsinspect::enter
