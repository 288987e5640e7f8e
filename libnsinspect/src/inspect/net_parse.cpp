// Pure parsers for a network namespace's /proc/PID/net files: listening sockets, interface
// names, IPv4 routes (what an unprivileged reader can see without netlink).
#include <arpa/inet.h>
#include <bit>
#include <cstring>

#include "nsinspect/inspect.hpp"
#include "procfs/parse_util.hpp"

namespace nsinspect::inspect {

using namespace detail::parse_words;

namespace {

std::optional<uint32_t> hex32(std::string_view s) {
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// The kernel prints each 32-bit word of an address with %08X of its in-memory value, so the
// words are copied back as they were in memory (right on either endianness).
std::optional<std::string> hex_address(std::string_view hex) {
  if (hex.size() != 8 && hex.size() != 32) return std::nullopt;
  unsigned char bytes[16];
  for (std::size_t w = 0; w < hex.size() / 8; ++w) {
    auto v = hex32(hex.substr(w * 8, 8));
    if (!v) return std::nullopt;
    std::memcpy(bytes + w * 4, &*v, 4);
  }
  char buf[INET6_ADDRSTRLEN];
  if (!inet_ntop(hex.size() == 8 ? AF_INET : AF_INET6, bytes, buf, sizeof buf)) return std::nullopt;
  return std::string(buf);
}

}  // namespace

std::vector<Listener> parse_proc_net_sockets(std::string_view text, std::string_view proto) {
  std::vector<Listener> out;
  const bool tcp = proto.starts_with("tcp");
  for_each_line(text, [&](std::string_view line) {
    auto f = split_ws(line);
    if (f.size() < 10 || f[0] == "sl") return;
    auto local = split(f[1], ':'), remote = split(f[2], ':');
    if (local.size() != 2 || remote.size() != 2) return;
    auto st = hex32(f[3]);
    if (!st) return;
    // TCP: LISTEN (10). UDP: unconnected (TCP_CLOSE, 7, with no remote port).
    if (tcp ? *st != 10 : (*st != 7 || remote[1] != "0000")) return;
    auto addr = hex_address(local[0]);
    auto port = hex32(local[1]);
    auto uid = to_number<uint32_t>(f[7]);
    auto inode = to_number<uint64_t>(f[9]);
    if (!addr || !port || !uid || !inode) return;
    Listener l;
    l.proto = std::string(proto);
    l.address = *addr;
    l.port = static_cast<uint16_t>(*port);
    l.uid = *uid;
    l.inode = *inode;
    out.push_back(std::move(l));
  });
  return out;
}

std::vector<std::string> parse_proc_net_dev(std::string_view text) {
  std::vector<std::string> out;
  for_each_line(text, [&](std::string_view line) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos || line.find('|') != std::string_view::npos) return;
    auto name = trim(line.substr(0, colon));
    if (!name.empty()) out.emplace_back(name);
  });
  return out;
}

std::vector<Route> parse_proc_net_route(std::string_view text) {
  std::vector<Route> out;
  for_each_line(text, [&](std::string_view line) {
    auto f = split_ws(line);
    if (f.size() < 8 || f[0] == "Iface") return;
    auto dst = hex_address(f[1]), gw = hex_address(f[2]);
    auto flags = hex32(f[3]), mask = hex32(f[7]);
    auto metric = to_number<uint32_t>(f[6]);
    if (!dst || !gw || !flags || !mask || !(*flags & 1)) return;  // RTF_UP
    Route r;
    r.family = "inet";
    int len = std::popcount(*mask);
    r.dst = len == 0 ? "default" : *dst + "/" + std::to_string(len);
    if (*flags & 2) r.gateway = *gw;  // RTF_GATEWAY
    r.dev = std::string(f[0]);
    r.metric = metric;
    out.push_back(std::move(r));
  });
  return out;
}

}  // namespace nsinspect::inspect
