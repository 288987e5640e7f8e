// Pure parsers for /proc text formats: text in, structs out. They never open files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <sys/types.h>

#include "nsinspect/types.hpp"

namespace nsinspect::procfs {

// /proc/PID/stat. comm may hold spaces and parentheses: it ends at the last ')'.
struct Stat {
  pid_t pid = 0;
  std::string comm;
  char state = '?';
  pid_t ppid = 0;
  uint64_t flags = 0;       // PF_* (PF_KTHREAD = 0x00200000)
  uint64_t utime = 0;       // clock ticks
  uint64_t stime = 0;       // clock ticks
  int64_t num_threads = 0;
  uint64_t start_time = 0;  // clock ticks after boot
  uint64_t vsize = 0;       // bytes
  int64_t rss_pages = 0;
};
std::optional<Stat> parse_stat(std::string_view text);

// /proc/PID/status: the few fields the model needs.
struct Status {
  std::optional<uid_t> real_uid, effective_uid;
  std::optional<gid_t> real_gid, effective_gid;
  std::vector<pid_t> nspid;  // outermost pid namespace first
  std::optional<int64_t> threads;
  std::optional<uint64_t> vm_rss_bytes;
};
Status parse_status(std::string_view text);

// /proc/PID/io: the bytes that reached the block layer.
struct Io {
  std::optional<uint64_t> read_bytes, write_bytes;
};
Io parse_io(std::string_view text);

// "net:[4026531840]" (the target of /proc/PID/ns/net or of an nsfs fd).
struct NsLink {
  NsType type;
  NsInode inode;
};
std::optional<NsLink> parse_ns_link(std::string_view text);

// "socket:[12345]" -> 12345.
std::optional<uint64_t> parse_socket_link(std::string_view text);

// NUL-separated argv; a trailing NUL does not make an empty last argument.
std::vector<std::string> parse_cmdline(std::string_view text);

// One line of /proc/PID/mountinfo.
struct MountInfo {
  int mount_id = 0;
  int parent_id = 0;
  unsigned major = 0, minor = 0;
  std::string root;         // unescaped
  std::string mount_point;  // unescaped
  std::string options;
  std::vector<std::string> optional_fields;  // "shared:1", "master:2", ...
  std::string fstype;
  std::string source;
  std::string super_options;
};
std::vector<MountInfo> parse_mountinfo(std::string_view text);
// Undo mountinfo's octal escapes (\040 for space, \011, \012, \134).
std::string unescape_mount_field(std::string_view field);

// One line of /proc/PID/cgroup: "hierarchy-ID:controller-list:path".
struct CgroupLine {
  int hierarchy_id = 0;
  std::vector<std::string> controllers;  // empty for the v2 line "0::/path"; "name=systemd" kept as is
  std::string path;
};
std::vector<CgroupLine> parse_cgroup(std::string_view text);

// /etc/passwd -> uid to name (for --root reading another system's users).
std::vector<std::pair<uid_t, std::string>> parse_passwd(std::string_view text);

}  // namespace nsinspect::procfs
