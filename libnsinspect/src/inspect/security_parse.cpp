// Pure parsers for a process's security context: /proc/PID/status's credential, capability,
// no_new_privs and seccomp lines, uid_map/gid_map, and the LSM list.
#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "nsinspect/inspect.hpp"
#include "procfs/parse_util.hpp"

namespace nsinspect::inspect {

using namespace detail::parse_words;

namespace {

// include/uapi/linux/capability.h, in bit order (libcap's spelling without "cap_").
constexpr std::string_view kCapNames[] = {
    "chown",         "dac_override",  "dac_read_search", "fowner",       "fsetid",
    "kill",          "setgid",        "setuid",          "setpcap",      "linux_immutable",
    "net_bind_service", "net_broadcast", "net_admin",    "net_raw",      "ipc_lock",
    "ipc_owner",     "sys_module",    "sys_rawio",       "sys_chroot",   "sys_ptrace",
    "sys_pacct",     "sys_admin",     "sys_boot",        "sys_nice",     "sys_resource",
    "sys_time",      "sys_tty_config", "mknod",          "lease",        "audit_write",
    "audit_control", "setfcap",       "mac_override",    "mac_admin",    "syslog",
    "wake_alarm",    "block_suspend", "audit_read",      "perfmon",      "bpf",
    "checkpoint_restore",
};
constexpr unsigned kCapCount = sizeof kCapNames / sizeof kCapNames[0];

std::optional<std::array<uint32_t, 4>> four_ids(std::string_view v) {
  auto f = split_ws(v);
  if (f.size() != 4) return std::nullopt;
  std::array<uint32_t, 4> out{};
  for (std::size_t i = 0; i < 4; ++i) {
    auto n = to_number<uint32_t>(f[i]);
    if (!n) return std::nullopt;
    out[i] = *n;
  }
  return out;
}

std::optional<uint64_t> hex64(std::string_view v) {
  v = trim(v);
  if (v.empty() || v.size() > 16) return std::nullopt;
  uint64_t out = 0;
  for (char c : v) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return std::nullopt;
    out = out << 4 | static_cast<uint64_t>(d);
  }
  return out;
}

}  // namespace

std::vector<IdMapEntry> parse_id_map(std::string_view text) {
  std::vector<IdMapEntry> out;
  for_each_line(text, [&](std::string_view line) {
    auto f = split_ws(line);
    if (f.size() != 3) return;
    auto in = to_number<uint32_t>(f[0]), o = to_number<uint32_t>(f[1]), n = to_number<uint32_t>(f[2]);
    if (in && o && n && *n > 0) out.push_back({*in, *o, *n});
  });
  return out;
}

std::optional<uint32_t> map_out(const std::vector<IdMapEntry>& map, uint32_t inside) {
  for (const auto& e : map)
    if (inside >= e.inside && uint64_t{inside} - e.inside < e.count)
      return static_cast<uint32_t>(uint64_t{e.outside} + (inside - e.inside));
  return std::nullopt;
}

std::optional<uint32_t> map_in(const std::vector<IdMapEntry>& map, uint32_t outside) {
  for (const auto& e : map)
    if (outside >= e.outside && uint64_t{outside} - e.outside < e.count)
      return static_cast<uint32_t>(uint64_t{e.inside} + (outside - e.outside));
  return std::nullopt;
}

bool identity_map(const std::vector<IdMapEntry>& map) {
  return map.size() == 1 && map[0].inside == 0 && map[0].outside == 0 && map[0].count == 4294967295u;
}

SecurityStatus parse_security_status(std::string_view text) {
  SecurityStatus s;
  for_each_field(text, [&](std::string_view k, std::string_view v) {
    if (k == "Uid") s.uids = four_ids(v);
    else if (k == "Gid") s.gids = four_ids(v);
    else if (k == "Groups") {
      std::vector<uint32_t> g;
      for (auto f : split_ws(v)) {
        auto n = to_number<uint32_t>(f);
        if (!n) return;
        g.push_back(*n);
      }
      s.groups = std::move(g);
    } else if (k == "CapInh") s.caps.inheritable = hex64(v);
    else if (k == "CapPrm") s.caps.permitted = hex64(v);
    else if (k == "CapEff") s.caps.effective = hex64(v);
    else if (k == "CapBnd") s.caps.bounding = hex64(v);
    else if (k == "CapAmb") s.caps.ambient = hex64(v);
    else if (k == "NoNewPrivs") {
      if (v == "0" || v == "1") s.no_new_privs = v == "1";
    } else if (k == "Seccomp") s.seccomp = to_number<int>(v);
    else if (k == "Seccomp_filters") s.seccomp_filters = to_number<int>(v);
  });
  return s;
}

std::string cap_name(unsigned bit) {
  if (bit < kCapCount) return "cap_" + std::string(kCapNames[bit]);
  return "cap_" + std::to_string(bit);
}

std::vector<std::string> cap_names(uint64_t mask) {
  std::vector<std::string> out;
  for (unsigned b = 0; b < 64; ++b)
    if (mask >> b & 1) out.push_back(cap_name(b));
  return out;
}

std::optional<unsigned> cap_bit(std::string_view name) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string_view v = n;
  if (v.starts_with("cap_")) v.remove_prefix(4);
  for (unsigned b = 0; b < kCapCount; ++b)
    if (kCapNames[b] == v) return b;
  if (auto num = to_number<unsigned>(v); num && *num < 64) return *num;
  return std::nullopt;
}

std::string seccomp_mode_name(int mode) {
  switch (mode) {
    case 0: return "disabled";
    case 1: return "strict";
    case 2: return "filter";
    default: return "mode " + std::to_string(mode);
  }
}

std::vector<std::string> parse_lsm_list(std::string_view text) {
  std::vector<std::string> out;
  for (auto f : split(trim(text), ','))
    if (!trim(f).empty()) out.emplace_back(trim(f));
  return out;
}

std::vector<std::string> labelling_lsms(const std::vector<std::string>& active) {
  std::vector<std::string> out;
  for (const auto& l : active)
    if (l == "selinux" || l == "apparmor" || l == "smack") out.push_back(l);
  return out;
}

std::vector<CapsElsewhere> caps_in_other_userns(NsInode own, uint32_t host_euid, uint64_t effective,
                                                const std::vector<UserNs>& all) {
  std::unordered_map<NsInode, const UserNs*> by_inode;
  for (const auto& u : all) by_inode.emplace(u.inode, &u);
  std::vector<CapsElsewhere> out;
  for (const auto& u : all) {
    if (u.inode == own) continue;
    // Walk up from u to own; `child` is the last namespace before own on the way.
    const UserNs* cur = &u;
    const UserNs* child = nullptr;
    bool descendant = false;
    for (int depth = 0; cur && depth < 64; ++depth) {  // the kernel nests at most 32
      if (!cur->parent) break;
      if (*cur->parent == own) {
        child = cur;
        descendant = true;
        break;
      }
      auto it = by_inode.find(*cur->parent);
      cur = it == by_inode.end() ? nullptr : it->second;
    }
    if (!descendant) continue;
    CapsElsewhere c;
    c.userns = u.inode;
    c.owner_uid = u.owner_uid;
    c.via = child->inode;
    c.all = child->owner_uid && *child->owner_uid == host_euid;
    c.effective = effective;
    if (!c.all && effective == 0) continue;  // nothing held there
    out.push_back(c);
  }
  std::sort(out.begin(), out.end(), [](const CapsElsewhere& a, const CapsElsewhere& b) { return a.userns < b.userns; });
  return out;
}

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::pass: return "pass";
    case Verdict::fail: return "fail";
    case Verdict::unknown: break;
  }
  return "unknown";
}

}  // namespace nsinspect::inspect
